// Internal prop checks for the Traefik constructs. Messages follow the
// construct-library convention: lowercase, no trailing period, name the prop
// and the offending value.
import * as ipaddr from 'ipaddr.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Kubernetes object names that end up in labels or pod names (namespace, DaemonSet). */
export function checkDnsLabel(prop: string, value: string): void {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new Error(`${prop} "${value}" is not a valid DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters)`);
  }
}

/** Names of cluster-scoped or referenced objects (IngressClass, PriorityClass). */
export function checkDnsSubdomain(prop: string, value: string): void {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw new Error(`${prop} "${value}" is not a valid DNS-1123 subdomain`);
  }
}

export function checkPort(prop: string, value: number): void {
  if (!Number.isInteger(value)) {
    throw new Error(`${prop} ${value} is not an integer`);
  }
  if (value < 1 || value > 65535) {
    throw new Error(`${prop} ${value} is outside 1-65535`);
  }
}

/** Each entrypoint binds its own socket on the node: two entrypoints on one port cannot both start. */
export function checkDistinctPorts(ports: Array<[string, number | undefined]>): void {
  const seen = new Map<number, string>();
  for (const [prop, port] of ports) {
    if (port === undefined) {
      continue;
    }
    const owner = seen.get(port);
    if (owner) {
      throw new Error(`${prop} ${port} is already used by ${owner}`);
    }
    seen.set(port, prop);
  }
}

export function checkNonNegativeInteger(prop: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${prop} ${value} must be a non-negative integer`);
  }
}

/** Only literal addresses: Traefik writes this verbatim into Ingress status.loadBalancer.ingress[].ip. */
export function checkIp(prop: string, value: string): void {
  if (!ipaddr.IPv4.isValidFourPartDecimal(value) && !ipaddr.IPv6.isValid(value)) {
    throw new Error(`${prop} "${value}" is not a valid IPv4 or IPv6 address`);
  }
}
