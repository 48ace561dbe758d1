/**
 * A Kubernetes node label, `key=value`, that marks the edge nodes.
 */
export interface NodeLabel {
  /** Label key, e.g. `edgenode`. */
  readonly key: string;
  /** Label value, e.g. `true`. */
  readonly value: string;
}

/** The seed's edge-node label: `edgenode=true`. */
export const DEFAULT_EDGE_NODE_LABEL: NodeLabel = { key: 'edgenode', value: 'true' };

// Kubernetes label syntax: optional DNS-subdomain prefix, then a name of 1-63 alphanumerics, '-', '_', '.'.
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Throws unless `label` is a valid Kubernetes label; `prop` names the property in the message. */
export function validateNodeLabel(prop: string, label: NodeLabel): void {
  const slash = label.key.indexOf('/');
  const prefix = slash >= 0 ? label.key.slice(0, slash) : undefined;
  const name = slash >= 0 ? label.key.slice(slash + 1) : label.key;
  if ((prefix !== undefined && (prefix.length > 253 || !LABEL_PREFIX.test(prefix))) || !LABEL_NAME.test(name)) {
    throw new Error(`${prop}.key "${label.key}" is not a valid Kubernetes label key`);
  }
  if (label.value !== '' && !LABEL_NAME.test(label.value)) {
    throw new Error(`${prop}.value "${label.value}" is not a valid Kubernetes label value`);
  }
}
