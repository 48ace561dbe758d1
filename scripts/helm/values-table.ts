// The one table of what a Helm user can set: for each setting its key under .Values, its JSON schema and
// description, how to read the app's synthesized value (the default in values.yaml), and where its template
// substitution goes. values.yaml, values.schema.json, the templates and the README's values table are all
// produced from it. The topology (nodes, VIP, router id, priorities, ports, LVS) is deliberately absent: it
// stays in TypeScript, where every node's keepalived.conf is checked.
import * as kplus from 'cdk8s-plus-27';
import { ACCESS_LOG_ARGS } from '../../lib/traefik/_args';
import { OWN_ENV } from '../../lib/traefik/_props';
import { TraefikLogLevel } from '../../lib/traefik/traefik-options';
import { enumValues } from '../../lib/validation/checks';
import { replaceKey, spaces, Templater } from './templater';

export type JsonSchema = { readonly [keyword: string]: unknown };

/** A pod the chart configures: one DaemonSet of the synthesized manifests and its main container. */
export interface Pod {
  readonly daemonSet: any;
  readonly spec: any;
  readonly main: any;
}

/** Where a setting's value lives: `key` as the user writes it (`traefik.image`), `ref` in a template (`.Values.traefik.image`). */
export interface ValuesRef {
  readonly key: string;
  readonly ref: string;
}

export interface HelmSetting {
  /** The key under the component, e.g. `image` for `traefik.image`. */
  readonly key: string;
  readonly description: string;
  /** The value's schema (without `default` and `description`, which are added from the app and the description). */
  readonly schema: JsonSchema;
  /** The value the app synthesized. */
  readonly read: (pod: Pod) => unknown;
  /** Replaces the app's value in `pod` by the template's substitution. */
  readonly substitute: (pod: Pod, at: ValuesRef, t: Templater) => void;
}

export interface HelmComponent {
  /** Key under .Values. */
  readonly key: string;
  /** Name of the main container, which identifies the DaemonSet. */
  readonly container: string;
  readonly description: string;
  readonly settings: readonly HelmSetting[];
}

const PREFIX = 'cdk8s-edge-ingress';

// Kubernetes' own syntax, so that Helm refuses what the API server would.
const DNS_SUBDOMAIN = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const LABEL_KEY = `^(${DNS_SUBDOMAIN}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`;
const LABEL_VALUE = '^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$';
// Memory as the chart's GOMEMLIMIT helper reads it: a decimal number with an optional binary or decimal suffix.
const MEMORY = '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$';
const CPU = '^[0-9]+(\\.[0-9]+)?m?$';

const labels: JsonSchema = {
  type: 'object',
  propertyNames: { pattern: LABEL_KEY },
  additionalProperties: { type: 'string', pattern: LABEL_VALUE, maxLength: 63 },
};
const annotations: JsonSchema = { type: 'object', propertyNames: { pattern: LABEL_KEY }, additionalProperties: { type: 'string' } };
const amounts: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { cpu: { type: ['string', 'number'], pattern: CPU, minimum: 0 }, memory: { type: 'string', pattern: MEMORY } },
};
const resources: JsonSchema = { type: 'object', additionalProperties: false, properties: { requests: amounts, limits: amounts } };
const tolerations: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    properties: {
      key: { type: 'string' },
      operator: { enum: ['Exists', 'Equal'] },
      value: { type: 'string' },
      effect: { enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
      tolerationSeconds: { type: 'integer' },
    },
  },
};
const imagePullSecrets: JsonSchema = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: { type: 'string', pattern: `^${DNS_SUBDOMAIN}$` } },
  },
};

/** Splits `[registry/]repository[:tag][@digest]`; the first segment is a registry when it looks like a host. */
export function splitImage(image: string): { registry: string; repository: string; tag: string; digest: string } {
  const [name, digest = ''] = image.split('@');
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const registry = /[.:]/.test(first) || first === 'localhost' ? first : '';
  const rest = registry ? name.slice(slash + 1) : name;
  const colon = rest.lastIndexOf(':');
  const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : '';
  return { registry, repository: tag ? rest.slice(0, colon) : rest, tag, digest };
}

/** Every container of the pod (init containers too) that runs the main container's image. */
function imageContainers(pod: Pod): any[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers].filter((c) => c.image === pod.main.image);
}

const json = (value: unknown): string => JSON.stringify(value);
const goList = (items: readonly string[]): string => `(list ${items.map(json).join(' ')})`;

/**
 * `map[key]` (a list or a map) gets the values' entries after the app's own; `check` is a template action
 * that fails on a value that cannot work. Without an app value the key itself appears only with values.
 */
function extend(map: any, key: string, at: ValuesRef, t: Templater, check = ''): void {
  const own = map[key];
  const empty = own === undefined || (Array.isArray(own) ? own.length === 0 : Object.keys(own).length === 0);
  if (empty) {
    replaceKey(
      map,
      key,
      t.block(
        (i) =>
          `${spaces(i)}${check}{{- with ${at.ref} }}\n${spaces(i)}${key}:\n${spaces(i + 2)}{{- toYaml . | nindent ${i + 2} }}\n${spaces(i)}{{- end }}`,
      ),
    );
    return;
  }
  const token = t.block((i) => `${spaces(i)}${check}{{- with ${at.ref} }}{{- toYaml . | nindent ${i} }}{{- end }}`);
  if (Array.isArray(own)) own.push(token);
  else own[token] = null;
}

/** A fail for keys of a map value that the app sets itself. */
const notOwnKeys = (at: ValuesRef, own: readonly string[]): string => `{{- include "${PREFIX}.notOwnKeys" (list ${json(at.key)} ${at.ref} ${goList(own)}) }}`;

/** The settings both pods have. */
function podSettings(component: string): HelmSetting[] {
  return [
    {
      key: 'image',
      description: `The ${component} image, \`[registry/]repository[:tag][@digest]\`, and its pull policy.`,
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['registry', 'repository', 'tag', 'digest', 'pullPolicy'],
        properties: {
          registry: { type: 'string', description: 'Registry host (empty: the runtime default).' },
          repository: { type: 'string', description: 'Repository; must not be empty.' },
          tag: {
            type: 'string',
            pattern: '^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$',
            description: 'Version tag; not `latest` (every node would run whatever latest was when it pulled).',
          },
          digest: { type: 'string', pattern: '^(sha256:[0-9a-f]{64})?$', description: 'sha256 digest; a tag or a digest is required.' },
          pullPolicy: { enum: enumValues(kplus.ImagePullPolicy), description: 'imagePullPolicy of its containers.' },
        },
      },
      read: (pod) => {
        if (pod.main.imagePullPolicy === undefined) throw new Error(`container ${pod.main.name} has no imagePullPolicy`);
        return { ...splitImage(pod.main.image), pullPolicy: pod.main.imagePullPolicy };
      },
      substitute: (pod, at, t) => {
        for (const container of imageContainers(pod)) {
          container.image = t.scalar(`include "${PREFIX}.image" (list ${json(at.key)} ${at.ref}) | toJson`);
          container.imagePullPolicy = t.scalar(`${at.ref}.pullPolicy | toJson`);
        }
      },
    },
    {
      key: 'resources',
      description: `Requests and limits of the ${component} container.`,
      schema: resources,
      read: (pod) => pod.main.resources ?? {},
      substitute: (pod, at, t) => {
        const check = `{{- include "${PREFIX}.resources" (list ${json(at.key)} ${at.ref}) }}`;
        if (pod.main.resources === undefined) {
          extend(pod.main, 'resources', at, t, check);
          return;
        }
        replaceKey(
          pod.main,
          'resources',
          t.block((i) => `${spaces(i)}${check}\n${spaces(i)}resources:{{- toYaml ${at.ref} | nindent ${i + 2} }}`),
        );
      },
    },
    {
      key: 'tolerations',
      description: `Tolerations added to the app's, e.g. for tainted dedicated edge nodes.`,
      schema: tolerations,
      read: () => [],
      substitute: (pod, at, t) => extend(pod.spec, 'tolerations', at, t),
    },
    {
      key: 'priorityClassName',
      description: 'PriorityClass of the pods (empty: none).',
      schema: { type: 'string', pattern: `^(${DNS_SUBDOMAIN})?$`, maxLength: 253 },
      read: (pod) => pod.spec.priorityClassName ?? '',
      substitute: (pod, at, t) =>
        replaceKey(
          pod.spec,
          'priorityClassName',
          t.block((i) => `${spaces(i)}{{- with ${at.ref} }}\n${spaces(i)}priorityClassName: {{ . | toJson }}\n${spaces(i)}{{- end }}`),
        ),
    },
    {
      key: 'podAnnotations',
      description: "Annotations added to the pods' (not replacing the app's).",
      schema: annotations,
      read: () => ({}),
      substitute: (pod, at, t) => {
        const metadata = pod.daemonSet.spec.template.metadata;
        extend(metadata, 'annotations', at, t, notOwnKeys(at, Object.keys(metadata.annotations ?? {})));
      },
    },
    {
      key: 'podLabels',
      description: "Labels added to the pods' (not replacing the app's, which the DaemonSet selects).",
      schema: labels,
      read: () => ({}),
      substitute: (pod, at, t) => {
        const metadata = pod.daemonSet.spec.template.metadata;
        extend(metadata, 'labels', at, t, notOwnKeys(at, Object.keys(metadata.labels ?? {})));
      },
    },
    {
      key: 'imagePullSecrets',
      description: 'Secrets (`- name: x`) to pull the image with.',
      schema: imagePullSecrets,
      read: () => [],
      substitute: (pod, at, t) => extend(pod.spec, 'imagePullSecrets', at, t),
    },
  ];
}

/** The index of the one argument starting with `prefix`. */
function argIndex(args: readonly string[], prefix: string): number {
  const i = args.findIndex((a) => a.startsWith(prefix));
  if (i < 0) throw new Error(`the Traefik container has no ${prefix} argument`);
  return i;
}

/** The access-log flags right after --log.level (the order lib/traefik/_args.ts writes them in). Substituted before the level. */
function accessLogArgs(args: readonly string[]): string[] {
  const after = args.slice(argIndex(args, '--log.level=') + 1);
  const end = after.findIndex((a) => !a.startsWith('--accesslog'));
  return after.slice(0, end < 0 ? after.length : end);
}

const traefikSettings: HelmSetting[] = [
  ...podSettings('Traefik').map((setting) =>
    setting.key !== 'resources'
      ? setting
      : {
          ...setting,
          description: `${setting.description} GOMEMLIMIT follows the memory limit (90 % of it), as in TypeScript.`,
          substitute: (pod: Pod, at: ValuesRef, t: Templater) => {
            setting.substitute(pod, at, t);
            // The Go GC must work harder before the kernel OOM-kills the VIP holder's proxy, whatever the limit.
            const env: any[] = pod.main.env ?? [];
            const own = env.findIndex((e) => e.name === 'GOMEMLIMIT');
            const token = t.block(
              (i) =>
                `${spaces(i)}{{- with include "${PREFIX}.goMemLimit" ${at.ref} }}\n${spaces(i)}- name: GOMEMLIMIT\n` +
                `${spaces(i)}  value: {{ . | toJson }}\n${spaces(i)}{{- end }}`,
            );
            if (own >= 0) env[own] = token;
            else env.splice(env.findIndex((e) => e.name === 'HOST_IP') + 1, 0, token);
          },
        },
  ),
  {
    key: 'accessLog',
    description: 'A JSON access log line per request on stdout.',
    schema: { type: 'boolean' },
    read: (pod) => accessLogArgs(pod.main.args).length > 0,
    substitute: (pod, at, t) => {
      const args: string[] = pod.main.args;
      const own = accessLogArgs(args);
      const flags = own.length > 0 ? own : ACCESS_LOG_ARGS;
      const token = t.block((i) => `${spaces(i)}{{- if ${at.ref} }}{{- toYaml ${goList(flags)} | nindent ${i} }}{{- end }}`);
      args.splice(argIndex(args, '--log.level=') + 1, own.length, token);
    },
  },
  {
    key: 'logLevel',
    description: "Traefik's `--log.level`.",
    schema: { enum: enumValues(TraefikLogLevel) },
    read: (pod) => pod.main.args[argIndex(pod.main.args, '--log.level=')].slice('--log.level='.length),
    substitute: (pod, at, t) => {
      pod.main.args[argIndex(pod.main.args, '--log.level=')] = t.scalar(`printf "--log.level=%s" ${at.ref} | toJson`);
    },
  },
  {
    key: 'additionalArguments',
    description: 'Traefik flags appended after all others (a later flag wins); not ACME, which cannot work in a DaemonSet.',
    schema: { type: 'array', items: { type: 'string', pattern: '^--[A-Za-z][^\\r\\n]*$' } },
    read: () => [],
    substitute: (pod, at, t) => extend(pod.main, 'args', at, t, `{{- include "${PREFIX}.noAcme" (list ${json(at.key)} ${at.ref}) }}`),
  },
  {
    key: 'env',
    description: `Environment variables added to the Traefik container (not ${OWN_ENV.join(', ')}).`,
    schema: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: '^[-._a-zA-Z][-._a-zA-Z0-9]*$' },
          value: { type: 'string' },
          valueFrom: { type: 'object' },
        },
      },
    },
    read: () => [],
    substitute: (pod, at, t) => {
      const own = [...new Set([...OWN_ENV, ...(pod.main.env ?? []).map((e: any) => e.name).filter(Boolean)])];
      extend(pod.main, 'env', at, t, `{{- include "${PREFIX}.notOwnNames" (list ${json(at.key)} ${at.ref} ${goList(own)}) }}`);
    },
  },
];

export const COMPONENTS: readonly HelmComponent[] = [
  { key: 'traefik', container: 'traefik', description: 'The Traefik DaemonSet.', settings: traefikSettings },
  { key: 'keepalived', container: 'keepalived', description: 'The keepalived DaemonSet.', settings: podSettings('keepalived') },
];

/** Labels added to every object's (the pods take `podLabels`). */
export const COMMON_LABELS = {
  key: 'commonLabels',
  description: "Labels added to every object's metadata (not replacing the app's or Helm's).",
  schema: labels,
  substitute: (object: any, t: Templater): void => {
    const at = { key: 'commonLabels', ref: '.Values.commonLabels' };
    extend(object.metadata, 'labels', at, t, notOwnKeys(at, Object.keys(object.metadata.labels ?? {})));
  },
} as const;
