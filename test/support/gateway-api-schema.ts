/**
 * Checks GatewayClass and Gateway objects against the Gateway API v1 (standard channel) shape. These are
 * CRDs, so the Kubernetes 1.27 schema does not know them. The schema below carries over, by hand, the
 * fields, required fields, enums, patterns and limits of the upstream CRDs
 * (kubernetes-sigs/gateway-api config/crd/standard gateway.networking.k8s.io_{gatewayclasses,gateways}.yaml)
 * that our objects use, plus the CEL rules on listeners that the API server would enforce. Objects are
 * closed, as with `kubectl apply --validate=strict`.
 */
import Ajv from 'ajv';

const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const CONTROLLER_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$";
const PROTOCOL =
  '^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9]+$';

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const metadata = (namespaced: boolean) => ({
  type: 'object',
  additionalProperties: false,
  required: namespaced ? ['name', 'namespace'] : ['name'],
  properties: {
    name: { type: 'string', pattern: DNS_SUBDOMAIN, maxLength: 253 },
    namespace: { type: 'string' },
    labels: stringMap,
    annotations: stringMap,
  },
});

const gatewayClass = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'gateway.networking.k8s.io/v1' },
    kind: { const: 'GatewayClass' },
    metadata: metadata(false),
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['controllerName'],
      properties: {
        controllerName: { type: 'string', minLength: 1, maxLength: 253, pattern: CONTROLLER_NAME },
        description: { type: 'string', maxLength: 64 },
      },
    },
  },
};

const secretObjectReference = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    group: { type: 'string', maxLength: 253 },
    kind: { type: 'string', minLength: 1, maxLength: 63 },
    name: { type: 'string', minLength: 1, maxLength: 253 },
    namespace: { type: 'string', minLength: 1, maxLength: 63 },
  },
};

const listener = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'port', 'protocol'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 253, pattern: DNS_SUBDOMAIN },
    hostname: { type: 'string', minLength: 1, maxLength: 253 },
    port: { type: 'integer', minimum: 1, maximum: 65535 },
    protocol: { type: 'string', minLength: 1, maxLength: 255, pattern: PROTOCOL },
    tls: {
      type: 'object',
      additionalProperties: false,
      properties: {
        mode: { enum: ['Terminate', 'Passthrough'] },
        certificateRefs: { type: 'array', maxItems: 64, items: secretObjectReference },
        options: stringMap,
      },
    },
    allowedRoutes: {
      type: 'object',
      additionalProperties: false,
      properties: {
        namespaces: {
          type: 'object',
          additionalProperties: false,
          properties: { from: { enum: ['All', 'Selector', 'Same'] }, selector: { type: 'object' } },
        },
        kinds: { type: 'array', maxItems: 8 },
      },
    },
  },
};

const gateway = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'gateway.networking.k8s.io/v1' },
    kind: { const: 'Gateway' },
    metadata: metadata(true),
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['gatewayClassName', 'listeners'],
      properties: {
        gatewayClassName: { type: 'string', minLength: 1, maxLength: 253 },
        listeners: { type: 'array', minItems: 1, maxItems: 64, items: listener },
        addresses: { type: 'array', maxItems: 16 },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: false });
const validators: Record<string, ReturnType<typeof ajv.compile>> = {
  GatewayClass: ajv.compile(gatewayClass),
  Gateway: ajv.compile(gateway),
};

/** The CEL validations of the v1 Gateway CRD on listeners, as plain code. */
function listenerRules(obj: any): string[] {
  const errors: string[] = [];
  const listeners: any[] = obj.spec?.listeners ?? [];
  const names = listeners.map((l) => l.name);
  if (new Set(names).size !== names.length) errors.push('Listener name must be unique within the Gateway');
  listeners.forEach((l, i) => {
    if ((l.protocol === 'HTTP' || l.protocol === 'TCP' || l.protocol === 'UDP') && l.tls !== undefined) {
      errors.push(`listeners[${i}]: tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']`);
    }
    if ((l.protocol === 'HTTPS' || l.protocol === 'TLS') && l.tls === undefined) {
      errors.push(`listeners[${i}]: tls mode must be set for protocol HTTPS and TLS`);
    }
    if (
      l.tls !== undefined &&
      (l.tls.mode ?? 'Terminate') === 'Terminate' &&
      (l.tls.certificateRefs ?? []).length === 0 &&
      l.tls.options === undefined
    ) {
      errors.push(`listeners[${i}]: certificateRefs or options must be specified when mode is Terminate`);
    }
  });
  return errors;
}

/** Errors for each GatewayClass or Gateway, prefixed with kind and name; empty when all are valid. */
export function validateGatewayApi(objects: any[]): string[] {
  const errors: string[] = [];
  for (const obj of objects) {
    const label = `${obj?.kind} ${obj?.metadata?.name}`;
    const validate = validators[obj?.kind];
    if (validate === undefined) {
      errors.push(`${label}: not a GatewayClass or Gateway`);
      continue;
    }
    if (!validate(obj)) {
      errors.push(...(validate.errors ?? []).map((e) => `${label}: ${e.instancePath || '/'} ${e.message}`));
    }
    if (obj.kind === 'Gateway') {
      errors.push(...listenerRules(obj).map((e) => `${label}: ${e}`));
    }
  }
  return errors;
}
