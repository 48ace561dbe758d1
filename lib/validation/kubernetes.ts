/*
 * Shared checks for values that end up in Kubernetes objects: object names, node names, ports,
 * environment variable names. Same contract as ./checks: the caller passes the property path as its
 * user wrote it, problems go into a Problems list, the usable value (or undefined) comes back.
 *
 * Internal: not re-exported from index.ts.
 */
import * as ipaddr from 'ipaddr.js';
import { checkInteger, Problems, show } from './checks';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Names that end up in labels or pod names (namespace, DaemonSet, volume names). */
export function checkDnsLabel(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 63 || !DNS_LABEL.test(value)) {
    p.add(`${path} ${show(value)} is not a valid DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters)`);
    return undefined;
  }
  return value;
}

/** Names of cluster-scoped or referenced objects (IngressClass, PriorityClass, Secret, GatewayClass). */
export function checkDnsSubdomain(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    p.add(`${path} ${show(value)} is not a valid DNS-1123 subdomain`);
    return undefined;
  }
  return value;
}

/**
 * A Kubernetes node name (a DNS-1123 subdomain, as the API server validates Node objects). A name the
 * API server would never accept can never match `spec.nodeName`, so keepalived on that node would not
 * find its `@<name>` lines and run without a priority.
 */
export function checkNodeName(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    p.add(`${path} ${show(value)} is not a valid Kubernetes node name `
      + '(DNS-1123 subdomain: lowercase alphanumerics, \'-\' and \'.\', at most 253 characters)');
    return undefined;
  }
  return value;
}

/** A TCP/UDP port. */
export function checkPort(p: Problems, path: string, value: unknown): number | undefined {
  return checkInteger(p, path, value, 1, 65535);
}

/** Each listener binds its own socket on the node: two on one port cannot both start. */
export function checkDistinctPorts(p: Problems, ports: Array<[string, number | undefined]>): void {
  const seen = new Map<number, string>();
  for (const [path, port] of ports) {
    if (port === undefined) {
      continue;
    }
    const owner = seen.get(port);
    if (owner !== undefined) {
      p.add(`${path} ${port} is already used by ${owner}`);
    } else {
      seen.set(port, path);
    }
  }
}

/** Seconds and counts that Kubernetes takes as a non-negative integer. */
export function checkNonNegativeInteger(p: Problems, path: string, value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    p.add(`${path} ${show(value)} must be a non-negative integer`);
    return undefined;
  }
  return value;
}

/** Only literal addresses: Traefik writes this verbatim into status.loadBalancer.ingress[].ip. */
export function checkLiteralIp(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || (!ipaddr.IPv4.isValidFourPartDecimal(value) && !ipaddr.IPv6.isValid(value))) {
    p.add(`${path} ${show(value)} is not a valid IPv4 or IPv6 address`);
    return undefined;
  }
  return value;
}

/** An environment variable name as the API server accepts it (C identifier-like, '.', '-' allowed). */
export function checkEnvName(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(value)) {
    p.add(`${path} ${show(value)} is not a valid environment variable name`);
    return undefined;
  }
  return value;
}

/** An absolute path inside the container (mountPath). */
export function checkMountPath(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('/') || value.includes('..') || /[\s:]/.test(value)) {
    p.add(`${path} ${show(value)} must be an absolute path without '..', ':' or whitespace`);
    return undefined;
  }
  return value;
}
