import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';

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

/**
 * The Traefik settings a user chooses, shared by `TraefikDaemonSetProps` and `EdgeIngressProps.traefik`: a new
 * option is added here once (with its validation in `_props.ts`) and reaches both.
 */
export interface TraefikOptions {

  /**
   * Traefik image, pinned by version tag or digest. A missing tag or `:latest`
   * is rejected: a DaemonSet pulls on every node, and floating tags let edge
   * nodes drift apart.
   *
   * @default 'docker.io/traefik:v3.7.11'
   */
  readonly image?: string;

  /**
   * Host port of the plain-HTTP `web` entrypoint (the pod uses the host network,
   * so this is the port the node, and the VIP, serve on).
   *
   * @default 80
   */
  readonly webPort?: number;

  /**
   * Host port of the TLS `websecure` entrypoint (usually 443). TLS is enabled
   * on that entrypoint by default, as in the Traefik chart.
   *
   * @default - websecure entrypoint disabled
   */
  readonly websecurePort?: number;

  /**
   * Port of the `traefik` entrypoint serving `/ping`, the API and the dashboard.
   * It is bound to 127.0.0.1 only: reachable by the kubelet probes, by
   * keepalived health checks on the same node (see `pingUrl`) and through
   * `kubectl port-forward`, never from the network.
   *
   * @default 8580
   */
  readonly adminPort?: number;

  /**
   * Name of the IngressClass to create and to watch.
   *
   * @default 'traefik'
   */
  readonly ingressClassName?: string;

  /**
   * Mark the IngressClass as the cluster default, so Ingresses without
   * `ingressClassName` are served by this Traefik.
   *
   * @default false
   */
  readonly defaultIngressClass?: boolean;

  /**
   * Enable the Traefik CRD provider (IngressRoute, Middleware, TLSOption, ...) and grant read access to
   * the traefik.io resources. The CRDs themselves are not installed by this construct: apply Traefik's
   * CRD manifest of the same Traefik version first (see the README).
   *
   * @default false
   */
  readonly crdProvider?: boolean;

  /**
   * Enable the Gateway API provider: a GatewayClass `gatewayClassName` for Traefik's controller, a
   * Gateway `<name>` in `namespace` with a `web` listener (and a `websecure` HTTPS listener when
   * `defaultCertificateSecretName` is set), `status.addresses` set to `ingressEndpointIp`, and the RBAC
   * the provider needs. The Gateway API CRDs (gateway.networking.k8s.io v1) must already be installed
   * in the cluster: they belong to the cluster, not to one controller.
   *
   * @default false
   */
  readonly gatewayApi?: boolean;

  /**
   * Name of the GatewayClass created with `gatewayApi`.
   *
   * @default 'traefik'
   */
  readonly gatewayClassName?: string;

  /**
   * Name of a `kubernetes.io/tls` Secret in `namespace` whose certificate Traefik serves on websecure
   * when no route's own certificate matches (e.g. a wildcard from cert-manager). Traefik reads it through
   * its file provider from a mounted volume, so neither CRDs nor Secret read access are needed for it,
   * and a renewed Secret is picked up without a restart. The pod starts even before the Secret exists
   * (Traefik then serves its self-signed default). Requires `websecurePort`.
   *
   * @default - Traefik's self-signed default certificate
   */
  readonly defaultCertificateSecretName?: string;

  /**
   * Permanently redirect every plain-HTTP request on `web` to HTTPS on `websecurePort` (301 for GET, 308 for
   * other methods, as Traefik's redirectScheme answers), except
   * ACME HTTP-01 challenges under `/.well-known/acme-challenge/`, which stay on HTTP so cert-manager's
   * HTTP-01 solver keeps working. Requires `websecurePort`.
   *
   * @default false
   */
  readonly redirectToHttps?: boolean;

  /**
   * Write an access log line per request, as JSON, to stdout.
   *
   * @default false
   */
  readonly accessLog?: boolean;

  /**
   * Log only responses with these status codes or ranges, e.g. `['400-599']`. Requires `accessLog`.
   *
   * @default - every request is logged
   */
  readonly accessLogStatusCodes?: string[];

  /**
   * Proxies in front of the `web` entrypoint whose X-Forwarded-* headers or PROXY protocol headers are
   * believed. Never the edge nodes' own subnet (see TraefikTrustedProxies).
   *
   * @default - none trusted
   */
  readonly webTrustedProxies?: TraefikTrustedProxies;

  /**
   * Proxies in front of the `websecure` entrypoint, as `webTrustedProxies`. Requires `websecurePort`.
   *
   * @default - none trusted
   */
  readonly websecureTrustedProxies?: TraefikTrustedProxies;

  /**
   * Extra Traefik flags, appended after every flag the construct sets (a later flag wins), e.g.
   * `--entryPoints.websecure.http.middlewares=...`. Flags configuring Traefik's own ACME are rejected:
   * in a DaemonSet every node would request the same certificates (use cert-manager).
   *
   * @default - none
   */
  readonly additionalArguments?: string[];

  /**
   * Extra environment variables of the Traefik container (not POD_NAME, POD_NAMESPACE, HOST_IP or
   * GOMEMLIMIT, which the construct sets).
   *
   * @default - none
   */
  readonly env?: k8s.EnvVar[];

  /**
   * Extra pod volumes, e.g. a Secret for a plugin or a file the additional arguments name (not named
   * data, tmp or dynamic, which the construct uses).
   *
   * @default - none
   */
  readonly volumes?: k8s.Volume[];

  /**
   * Mounts of the extra `volumes` into the Traefik container (not inside /data, /tmp or
   * /etc/traefik/dynamic).
   *
   * @default - none
   */
  readonly volumeMounts?: k8s.VolumeMount[];

  /**
   * Container resources. Traefik keeps every Secret, Service and EndpointSlice of the cluster in memory,
   * so its working set grows with the cluster (Helm release Secrets alone can reach hundreds of MiB),
   * and an OOM kill of the pod holding the VIP is a failover. Hence a generous memory limit, with
   * GOMEMLIMIT at 90% of it so the Go GC works harder long before the kernel kills; raise it for large
   * clusters. No CPU limit on purpose: CFS throttling on a proxy shows up as request latency.
   *
   * @default - requests cpu 100m and memory 256Mi, limit memory 1Gi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * PriorityClass of the pods. `system-node-critical` (like kube-proxy): the pod
   * is pinned to its node by host ports and cannot be rescheduled elsewhere, so
   * it should be the last thing evicted under node pressure. Some clusters
   * restrict this class to kube-system with a ResourceQuota. Pass an empty
   * string to leave `priorityClassName` unset.
   *
   * @default 'system-node-critical'
   */
  readonly priorityClassName?: string;

  /**
   * Traefik log level.
   *
   * @default TraefikLogLevel.INFO
   */
  readonly logLevel?: TraefikLogLevel;
}
