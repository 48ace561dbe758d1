/** Traefik's `--log.level` values. */
export enum TraefikLogLevel {
  TRACE = 'TRACE',
  DEBUG = 'DEBUG',
  INFO = 'INFO',
  WARN = 'WARN',
  ERROR = 'ERROR',
  FATAL = 'FATAL',
  PANIC = 'PANIC',
}

/**
 * Upstream proxies or load balancers whose client-address information an entrypoint believes.
 *
 * Only list the addresses of proxies you run in front of the edge. Never list the edge nodes' own
 * subnet or 0.0.0.0/0: any client there could then forge `X-Forwarded-For` or a PROXY header and
 * pose as any address (defeating IP allow-lists and rate limits).
 */
export interface TraefikTrustedProxies {
  /**
   * Addresses or CIDRs whose `X-Forwarded-*` headers are kept (`forwardedHeaders.trustedIPs`); from
   * any other client Traefik replaces them.
   *
   * @default - no proxy is trusted: Traefik overwrites X-Forwarded-* with what it sees
   */
  readonly forwardedHeaders?: string[];

  /**
   * Addresses or CIDRs that must open each connection with a PROXY protocol (v1 or v2) header
   * (`proxyProtocol.trustedIPs`); the header's client address becomes the connection's source.
   * Connections from other addresses are served without PROXY protocol.
   *
   * @default - PROXY protocol is not accepted
   */
  readonly proxyProtocol?: string[];
}
