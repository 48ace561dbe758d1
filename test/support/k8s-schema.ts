/**
 * Validates synthesized manifests against the official Kubernetes 1.27 OpenAPI
 * definitions (test/schema/k8s-1.27.0.json, a verbatim copy of the upstream
 * `_definitions.json` that cdk8s generates its k8s types from).
 *
 * The upstream definitions leave objects open (no `additionalProperties: false`),
 * which would let typos such as `containerPorts` or `hostNetwrok` through. We
 * close every object that declares `properties` while compiling, so unknown
 * fields are errors -- exactly what the API server does with
 * `kubectl apply --validate=strict`. Free-form objects (RawExtension, FieldsV1,
 * JSON) and maps (labels, annotations, nodeSelector, resource quantities) keep
 * their own `additionalProperties` and stay open as they should.
 *
 * Usage:
 *   expect(validateManifests(Testing.synth(chart))).toEqual([]);
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';

const SCHEMA_FILE = path.join(__dirname, '..', 'schema', 'k8s-1.27.0.json');
const SCHEMA_ID = 'k8s-1.27.0';

/** The `x-kubernetes-*` extensions are annotations for clients, not validation keywords. */
const K8S_EXTENSION_KEYWORDS = [
  'x-kubernetes-group-version-kind',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-unions',
];

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  [key: string]: unknown;
}

interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

interface Loaded {
  readonly ajv: Ajv;
  /** `apiVersion kind` -> definition name. */
  readonly byGvk: Map<string, string>;
}

let loaded: Loaded | undefined;
const validators = new Map<string, ValidateFunction>();

/**
 * Validates each object and returns human-readable errors, one per problem,
 * prefixed with the object's kind and name. An empty array means all valid.
 */
export function validateManifests(objects: any[]): string[] {
  const errors: string[] = [];
  objects.forEach((obj, index) => errors.push(...validateOne(obj, index)));
  return errors;
}

function validateOne(obj: any, index: number): string[] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return [`object #${index}: not a Kubernetes object (got ${JSON.stringify(obj)})`];
  }
  const label = describe(obj, index);
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    return [`${label}: apiVersion and kind must both be strings`];
  }

  const validate = validatorFor(obj.apiVersion, obj.kind);
  if (!validate) {
    return [`${label}: unknown apiVersion/kind ${obj.apiVersion} ${obj.kind} (not in the Kubernetes 1.27 schema)`];
  }
  if (validate(obj)) {
    return [];
  }
  const messages = foldUnions(validate.errors ?? []).map((e) => `${label}: ${formatError(e)}`);
  return [...new Set(messages)];
}

/**
 * ajv reports a failed `oneOf` (IntOrString, Quantity) as one error per branch
 * plus the union itself; fold the branches into a single "must be string or
 * integer" so each mistake reads as one line.
 */
function foldUnions(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const isBranchOf = (e: ErrorObject, u: ErrorObject) =>
    e !== u && e.instancePath === u.instancePath && e.schemaPath.startsWith(`${u.schemaPath}/`);
  return errors
    .filter((e) => !unions.some((u) => isBranchOf(e, u)))
    .map((e) => {
      if (!unions.includes(e)) {
        return e;
      }
      const branches = errors.filter((b) => isBranchOf(b, e)).map((b, i) => (i === 0 ? b.message : b.message?.replace(/^must be /, '')));
      return branches.length > 0 ? { ...e, message: branches.join(' or ') } : e;
    });
}

function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const { ajv, byGvk } = load();
  const definition = byGvk.get(`${apiVersion} ${kind}`);
  if (!definition) {
    return undefined;
  }
  let validate = validators.get(definition);
  if (!validate) {
    // Compiled on first use only: the DaemonSet/PodSpec tree is the expensive one,
    // and most test files need just a handful of kinds.
    validate = ajv.getSchema(`${SCHEMA_ID}#/definitions/${definition}`);
    if (!validate) {
      throw new Error(`schema definition ${definition} could not be compiled`);
    }
    validators.set(definition, validate);
  }
  return validate;
}

function load(): Loaded {
  if (loaded) {
    return loaded;
  }
  const doc = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf-8')) as { definitions: Record<string, SchemaNode> };

  const byGvk = new Map<string, string>();
  for (const [name, definition] of Object.entries(doc.definitions)) {
    closeObjects(definition);
    for (const gvk of (definition['x-kubernetes-group-version-kind'] ?? []) as Gvk[]) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      byGvk.set(`${apiVersion} ${gvk.kind}`, name);
    }
  }

  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    // IntOrString and Quantity are `oneOf` unions without a top-level `type`;
    // that is valid JSON Schema, strictTypes would only nag about it.
    strictTypes: false,
    keywords: K8S_EXTENSION_KEYWORDS,
    formats: {
      int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max },
      int64: { type: 'number', validate: (n: number) => Number.isSafeInteger(n) },
      double: { type: 'number', validate: (n: number) => Number.isFinite(n) },
      byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
      'date-time': /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/,
    },
  });
  ajv.addSchema(doc, SCHEMA_ID);

  loaded = { ajv, byGvk };
  return loaded;
}

/**
 * Sets `additionalProperties: false` on every schema node that lists its
 * `properties` and says nothing about extra ones, recursing through nested
 * schemas. Nodes without `properties` (free-form objects) and maps with an
 * explicit `additionalProperties` schema are left as they are.
 */
function closeObjects(node: SchemaNode | undefined): void {
  if (!node || typeof node !== 'object') {
    return;
  }
  if (node.properties) {
    if (node.additionalProperties === undefined) {
      node.additionalProperties = false;
    }
    Object.values(node.properties).forEach(closeObjects);
  }
  if (typeof node.additionalProperties === 'object') {
    closeObjects(node.additionalProperties);
  }
  closeObjects(node.items);
  for (const union of [node.allOf, node.anyOf, node.oneOf]) {
    union?.forEach(closeObjects);
  }
}

function describe(obj: any, index: number): string {
  const kind = typeof obj.kind === 'string' ? obj.kind : `object #${index}`;
  const name = obj.metadata?.name;
  const namespace = obj.metadata?.namespace;
  if (!name) {
    return kind;
  }
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

function formatError(e: ErrorObject): string {
  const at = e.instancePath || '/';
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at} has unknown field "${e.params.additionalProperty}"`;
    case 'required':
      return `${at} is missing required field "${e.params.missingProperty}"`;
    case 'enum':
      return `${at} ${e.message}: ${JSON.stringify(e.params.allowedValues)}`;
    default:
      return `${at} ${e.message}`;
  }
}
