// Traefik's command line, built from the validated props, one helper per concern. The order follows the
// Traefik chart's template: entrypoints, api/ping, metrics, providers, per-entrypoint settings, logs, and
// the user's additional arguments last (Traefik lets a later flag override an earlier one).
// Internal: not re-exported from index.ts.
import { ResolvedTraefik, ResolvedTrust } from './_props';

/** The admin entrypoint (ping, API, dashboard) listens on loopback only. */
export const LOOPBACK = '127.0.0.1';
/** Environment variable holding the node's own address (downward API `status.hostIP`). */
export const HOST_IP_ENV = 'HOST_IP';
/** The flags that turn on the JSON access log on stdout (the Helm chart's `traefik.accessLog` inserts the same). */
export const ACCESS_LOG_ARGS: readonly string[] = ['--accesslog=true', '--accesslog.format=json'];
/** Mount path of the file provider's directory (dynamic config plus the default certificate). */
export const DYNAMIC_DIR = '/etc/traefik/dynamic';

export function traefikArgs(r: ResolvedTraefik): string[] {
  return [
    '--global.checkNewVersion=false',
    '--global.sendAnonymousUsage=false',
    ...entryPointAddressArgs(r),
    ...apiArgs(r),
    ...metricsArgs(r),
    ...providerArgs(r),
    ...entryPointArgs(r),
    ...logArgs(r),
    ...r.additionalArguments,
  ];
}

/** The entrypoints Traefik serves traffic on (web, websecure) in declaration order. */
export function publicEntryPoints(r: ResolvedTraefik): string[] {
  return r.websecurePort !== undefined ? ['web', 'websecure'] : ['web'];
}

function entryPointAddressArgs(r: ResolvedTraefik): string[] {
  const args = [
    `--entryPoints.traefik.address=${LOOPBACK}:${r.adminPort}/tcp`,
    `--entryPoints.web.address=:${r.webPort}/tcp`,
  ];
  if (r.websecurePort !== undefined) {
    args.push(`--entryPoints.websecure.address=:${r.websecurePort}/tcp`);
  }
  if (r.metricsPort !== undefined) {
    // The node's own address (the kubelet expands $(HOST_IP)): metrics are not served on the VIP,
    // which would let a scrape through the VIP hit whichever node holds it. In brackets, so an IPv6
    // node address parses too; Go's net.Listen takes "[10.0.0.1]:9101" as well as "[fd00::1]:9101".
    args.push(`--entryPoints.metrics.address=[$(${HOST_IP_ENV})]:${r.metricsPort}/tcp`);
  }
  if (r.healthPort !== undefined) {
    // Every address, loopback included: the LVS directors check each node's /ping from the network,
    // keepalived's own check and the kubelet's probes ask loopback.
    args.push(`--entryPoints.health.address=:${r.healthPort}/tcp`);
  }
  return args;
}

function apiArgs(r: ResolvedTraefik): string[] {
  const args = [
    '--api.dashboard=true',
    // Serves the (read-only) API and dashboard on the `traefik` entrypoint without auth.
    // Acceptable only because that entrypoint listens on 127.0.0.1: use kubectl port-forward.
    '--api.insecure=true',
    '--ping=true',
  ];
  // Traefik serves /ping on one entrypoint only: the health one when there is one.
  if (r.healthPort !== undefined) args.push('--ping.entryPoint=health');
  return args;
}

function metricsArgs(r: ResolvedTraefik): string[] {
  return r.metricsPort === undefined ? [] : ['--metrics.prometheus=true', '--metrics.prometheus.entrypoint=metrics'];
}

function providerArgs(r: ResolvedTraefik): string[] {
  const args = [
    '--providers.kubernetesingress',
    `--providers.kubernetesingress.ingressclass=${r.ingressClassName}`,
    '--providers.kubernetesingress.allowEmptyServices=true',
  ];
  if (r.ingressEndpointIp !== undefined) {
    args.push(`--providers.kubernetesingress.ingressendpoint.ip=${r.ingressEndpointIp}`);
  }
  if (r.crdProvider) {
    args.push('--providers.kubernetescrd', '--providers.kubernetescrd.allowEmptyServices=true');
  }
  if (r.gatewayApi) {
    args.push('--providers.kubernetesgateway');
    if (r.ingressEndpointIp !== undefined) {
      // Gateways get the VIP in status.addresses, as Ingresses do in status.loadBalancer.
      args.push(`--providers.kubernetesgateway.statusaddress.ip=${r.ingressEndpointIp}`);
    }
  }
  if (needsFileProvider(r)) {
    // Directory mode: Traefik reloads on any change in the directory, which is how the kubelet's
    // atomic swap of a renewed certificate Secret shows up.
    args.push(`--providers.file.directory=${DYNAMIC_DIR}`, '--providers.file.watch=true');
  }
  return args;
}

/** The file provider carries the redirect router and the default certificate. */
export function needsFileProvider(r: ResolvedTraefik): boolean {
  return r.redirectToHttps || r.defaultCertificateSecretName !== undefined;
}

function entryPointArgs(r: ResolvedTraefik): string[] {
  const args: string[] = [];
  if (r.websecurePort !== undefined) {
    args.push('--entryPoints.websecure.http.tls=true');
  }
  args.push(...trustArgs('web', r.webTrust));
  if (r.websecurePort !== undefined) {
    args.push(...trustArgs('websecure', r.websecureTrust));
  }
  if (r.requestAcceptGraceSeconds > 0) {
    // The health entrypoint too: it must keep answering 503 (not refuse connections) while Traefik drains.
    const draining = [...publicEntryPoints(r), ...(r.healthPort !== undefined ? ['health'] : [])];
    for (const entryPoint of draining) {
      args.push(`--entryPoints.${entryPoint}.transport.lifeCycle.requestAcceptGraceTimeout=${r.requestAcceptGraceSeconds}s`);
    }
  }
  return args;
}

function trustArgs(entryPoint: string, trust: ResolvedTrust): string[] {
  const args: string[] = [];
  if (trust.forwardedHeaders.length > 0) {
    args.push(`--entryPoints.${entryPoint}.forwardedHeaders.trustedIPs=${trust.forwardedHeaders.join(',')}`);
  }
  if (trust.proxyProtocol.length > 0) {
    args.push(`--entryPoints.${entryPoint}.proxyProtocol.trustedIPs=${trust.proxyProtocol.join(',')}`);
  }
  return args;
}

function logArgs(r: ResolvedTraefik): string[] {
  const args = [`--log.level=${r.logLevel}`];
  if (r.accessLog) {
    // No filePath: stdout, where the container runtime and log shippers pick it up.
    args.push(...ACCESS_LOG_ARGS);
    if (r.accessLogStatusCodes.length > 0) {
      args.push(`--accesslog.filters.statuscodes=${r.accessLogStatusCodes.join(',')}`);
    }
  }
  return args;
}
