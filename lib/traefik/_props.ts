// Validation and defaults of TraefikDaemonSetProps, in one place so that EdgeIngress can run the same
// checks on the values it passes down, with its own property paths (`traefik.webPort`, `virtualIp`).
// Internal: not re-exported from index.ts.
import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as k8s from '../../imports/k8s';
import { validatePinnedImage } from '../image';
import { DEFAULT_EDGE_NODE_LABEL, NodeLabel, validateNodeLabel } from '../node-label';
import {
  checkAddressOrCidr, checkArray, checkBoolean, checkEnum, checkObject, collectThrown, enumValues, Problems, show,
} from '../validation/checks';
import {
  checkDistinctPorts, checkDnsLabel, checkDnsSubdomain, checkEnvName, checkLiteralIp, checkMountPath,
  checkNonNegativeInteger, checkPort,
} from '../validation/kubernetes';
import type { TraefikDaemonSetProps } from './traefik-daemon-set';
import { TraefikLogLevel, TraefikTrustedProxies } from './traefik-options';

/** Where each TraefikDaemonSet prop came from, as the user wrote it (a prop name, or an EdgeIngress path). */
export type TraefikPropPath = (prop: keyof TraefikDaemonSetProps) => string;

/** TraefikDaemonSet's own names. */
export const OWN_PATHS: TraefikPropPath = (prop) => prop;

export const DEFAULT_IMAGE = 'docker.io/traefik:v3.7.11';

/**
 * Default resources. Traefik keeps every Secret, Service and EndpointSlice of the cluster in memory
 * (its providers watch them cluster-wide), so its working set grows with the cluster, not with the
 * traffic: Helm release Secrets alone can be hundreds of MiB. An OOM kill of the pod that holds the VIP
 * is a failover, so the limit is generous (1Gi) and GOMEMLIMIT (90%) makes the Go GC work harder well
 * before the kernel kills. The 256Mi request keeps the pod out of the first line of node-pressure
 * eviction. No CPU limit: CFS throttling on a proxy shows up as request latency.
 */
export const DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(100) },
  memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) },
};

/** Environment variables, volumes and mount paths the construct sets itself (extra ones must not clash). */
export const OWN_ENV = ['POD_NAME', 'POD_NAMESPACE', 'HOST_IP', 'GOMEMLIMIT'];
export const OWN_VOLUMES = ['data', 'tmp', 'dynamic'];
export const OWN_MOUNT_PATHS = ['/data', '/tmp', '/etc/traefik/dynamic'];

/** Trusted-proxy lists after validation. */
export interface ResolvedTrust {
  readonly forwardedHeaders: string[];
  readonly proxyProtocol: string[];
}

/** TraefikDaemonSetProps after validation, with defaults applied. */
export interface ResolvedTraefik {
  readonly namespace: string;
  readonly name: string;
  readonly nodeLabel: NodeLabel;
  readonly image: string;
  readonly webPort: number;
  readonly websecurePort?: number;
  readonly adminPort: number;
  readonly metricsPort?: number;
  readonly healthPort?: number;
  readonly ingressEndpointIp?: string;
  readonly ingressClassName: string;
  readonly defaultIngressClass: boolean;
  readonly crdProvider: boolean;
  readonly gatewayApi: boolean;
  readonly gatewayClassName: string;
  readonly defaultCertificateSecretName?: string;
  readonly redirectToHttps: boolean;
  readonly accessLog: boolean;
  readonly accessLogStatusCodes: string[];
  readonly webTrust: ResolvedTrust;
  readonly websecureTrust: ResolvedTrust;
  readonly resources: kplus.ContainerResources;
  readonly goMemLimit?: string;
  readonly terminationGracePeriodSeconds: number;
  readonly requestAcceptGraceSeconds: number;
  readonly tolerations: k8s.Toleration[];
  readonly priorityClassName: string;
  readonly logLevel: TraefikLogLevel;
  readonly additionalArguments: string[];
  readonly env: k8s.EnvVar[];
  readonly volumes: k8s.Volume[];
  readonly volumeMounts: k8s.VolumeMount[];
}

/**
 * Validates `props`, naming each value by `at(prop)`, and applies the defaults. Every problem is
 * collected into `p`; the result is only meaningful when `p` stayed empty.
 */
export function resolveTraefikProps(
  p: Problems, props: TraefikDaemonSetProps, at: TraefikPropPath = OWN_PATHS,
): ResolvedTraefik {
  const namespace = checkDnsLabel(p, at('namespace'), props.namespace) ?? '';
  const name = checkDnsLabel(p, at('name'), props.name ?? 'traefik-ingress-lb') ?? '';
  const nodeLabel = props.nodeSelectorLabel ?? DEFAULT_EDGE_NODE_LABEL;
  collectThrown(p, () => validateNodeLabel(at('nodeSelectorLabel'), nodeLabel));
  const image = props.image ?? DEFAULT_IMAGE;
  collectThrown(p, () => validatePinnedImage(image, at('image')));

  const webPort = checkPort(p, at('webPort'), props.webPort ?? 80);
  const websecurePort = props.websecurePort === undefined ? undefined : checkPort(p, at('websecurePort'), props.websecurePort);
  const adminPort = checkPort(p, at('adminPort'), props.adminPort ?? 8580);
  const metricsPort = props.metricsPort === undefined ? undefined : checkPort(p, at('metricsPort'), props.metricsPort);
  const healthPort = props.healthPort === undefined ? undefined : checkPort(p, at('healthPort'), props.healthPort);
  checkDistinctPorts(p, [
    [at('webPort'), webPort],
    [at('websecurePort'), websecurePort],
    [at('adminPort'), adminPort],
    [at('metricsPort'), metricsPort],
    [at('healthPort'), healthPort],
  ]);

  const ingressEndpointIp = props.ingressEndpointIp === undefined
    ? undefined : checkLiteralIp(p, at('ingressEndpointIp'), props.ingressEndpointIp);
  const ingressClassName = checkDnsSubdomain(p, at('ingressClassName'), props.ingressClassName ?? 'traefik') ?? '';
  const defaultIngressClass = checkBoolean(p, at('defaultIngressClass'), props.defaultIngressClass ?? false) ?? false;
  const crdProvider = checkBoolean(p, at('crdProvider'), props.crdProvider ?? false) ?? false;
  const gatewayApi = checkBoolean(p, at('gatewayApi'), props.gatewayApi ?? false) ?? false;
  const gatewayClassName = checkDnsSubdomain(p, at('gatewayClassName'), props.gatewayClassName ?? 'traefik') ?? '';

  const defaultCertificateSecretName = props.defaultCertificateSecretName === undefined
    ? undefined : checkDnsSubdomain(p, at('defaultCertificateSecretName'), props.defaultCertificateSecretName);
  if (props.defaultCertificateSecretName !== undefined && props.websecurePort === undefined) {
    p.add(`${at('defaultCertificateSecretName')} ${show(props.defaultCertificateSecretName)} needs ${at('websecurePort')} `
      + '(the certificate is served on the websecure entrypoint)');
  }
  const redirectToHttps = checkBoolean(p, at('redirectToHttps'), props.redirectToHttps ?? false) ?? false;
  if (redirectToHttps && props.websecurePort === undefined) {
    p.add(`${at('redirectToHttps')} true needs ${at('websecurePort')} (there is no HTTPS entrypoint to redirect to)`);
  }

  const accessLog = checkBoolean(p, at('accessLog'), props.accessLog ?? false) ?? false;
  const accessLogStatusCodes = resolveStatusCodes(p, at('accessLogStatusCodes'), props.accessLogStatusCodes);
  if (props.accessLogStatusCodes !== undefined && !accessLog) {
    p.add(`${at('accessLogStatusCodes')} ${show(props.accessLogStatusCodes)} needs ${at('accessLog')} true`);
  }

  const webTrust = resolveTrust(p, at('webTrustedProxies'), props.webTrustedProxies);
  const websecureTrust = resolveTrust(p, at('websecureTrustedProxies'), props.websecureTrustedProxies);
  if (props.websecureTrustedProxies !== undefined && props.websecurePort === undefined) {
    p.add(`${at('websecureTrustedProxies')} needs ${at('websecurePort')}`);
  }

  const resources = props.resources ?? DEFAULT_RESOURCES;
  const goMemLimit = checkResources(p, at('resources'), resources);
  const terminationGracePeriodSeconds = checkNonNegativeInteger(
    p, at('terminationGracePeriodSeconds'), props.terminationGracePeriodSeconds ?? 60) ?? 60;
  const requestAcceptGraceSeconds = checkNonNegativeInteger(
    p, at('requestAcceptGraceSeconds'), props.requestAcceptGraceSeconds ?? 0) ?? 0;
  if (requestAcceptGraceSeconds > 0 && requestAcceptGraceSeconds >= terminationGracePeriodSeconds) {
    p.add(`${at('requestAcceptGraceSeconds')} ${requestAcceptGraceSeconds} must be shorter than `
      + `${at('terminationGracePeriodSeconds')} ${terminationGracePeriodSeconds}`);
  }
  const priorityClassName = props.priorityClassName ?? 'system-node-critical';
  if (priorityClassName !== '') checkDnsSubdomain(p, at('priorityClassName'), priorityClassName);
  const logLevel = checkEnum(p, at('logLevel'), props.logLevel ?? TraefikLogLevel.INFO, enumValues(TraefikLogLevel))
    ?? TraefikLogLevel.INFO;

  const additionalArguments = resolveAdditionalArguments(p, at('additionalArguments'), props.additionalArguments);
  const env = resolveEnv(p, at('env'), props.env);
  const volumes = resolveVolumes(p, at('volumes'), props.volumes);
  const volumeMounts = resolveVolumeMounts(p, at('volumeMounts'), props.volumeMounts, volumes);

  return {
    namespace, name, nodeLabel, image,
    webPort: webPort ?? 80, websecurePort, adminPort: adminPort ?? 8580, metricsPort, healthPort,
    ingressEndpointIp, ingressClassName, defaultIngressClass, crdProvider, gatewayApi, gatewayClassName,
    defaultCertificateSecretName, redirectToHttps, accessLog, accessLogStatusCodes, webTrust, websecureTrust,
    resources, goMemLimit, terminationGracePeriodSeconds, requestAcceptGraceSeconds,
    tolerations: props.tolerations ?? [], priorityClassName, logLevel,
    additionalArguments, env, volumes, volumeMounts,
  };
}

/** Traefik's status-code filter takes codes and ranges: `404`, `500-599`. */
function resolveStatusCodes(p: Problems, path: string, value: string[] | undefined): string[] {
  if (value === undefined) return [];
  const list = checkArray<string>(p, path, value) ?? [];
  if (list.length === 0) {
    p.add(`${path} is empty: leave it unset to log every request`);
  }
  return list.filter((code, i) => {
    const match = typeof code === 'string' ? /^([1-5][0-9]{2})(?:-([1-5][0-9]{2}))?$/.exec(code) : null;
    if (match === null || (match[2] !== undefined && Number(match[2]) < Number(match[1]))) {
      p.add(`${path}[${i}] ${show(code)} is not a status code or range such as "404" or "500-599"`);
      return false;
    }
    return true;
  });
}

function resolveTrust(p: Problems, path: string, value: TraefikTrustedProxies | undefined): ResolvedTrust {
  if (value === undefined) return { forwardedHeaders: [], proxyProtocol: [] };
  const trust = checkObject<TraefikTrustedProxies>(p, path, value);
  const list = (field: 'forwardedHeaders' | 'proxyProtocol'): string[] => {
    const raw = trust?.[field];
    if (raw === undefined) return [];
    const entries = checkArray<string>(p, `${path}.${field}`, raw) ?? [];
    if (entries.length === 0) p.add(`${path}.${field} is empty: leave it unset to trust no proxy`);
    return entries
      .map((entry, i) => checkAddressOrCidr(p, `${path}.${field}[${i}]`, entry))
      .filter((entry): entry is string => entry !== undefined);
  };
  return { forwardedHeaders: list('forwardedHeaders'), proxyProtocol: list('proxyProtocol') };
}

function resolveAdditionalArguments(p: Problems, path: string, value: string[] | undefined): string[] {
  if (value === undefined) return [];
  const list = checkArray<string>(p, path, value) ?? [];
  list.forEach((arg, i) => {
    if (typeof arg !== 'string' || !/^--[A-Za-z]/.test(arg) || /[\r\n]/.test(arg)) {
      p.add(`${path}[${i}] ${show(arg)} must be one Traefik flag such as "--entryPoints.web.http.middlewares=x"`);
    } else if (/\.acme\./i.test(arg)) {
      // Every edge node would run its own ACME client with its own storage: they race for the same
      // certificates and hit the CA's rate limits. cert-manager issues one Secret for all of them.
      p.add(`${path}[${i}] ${show(arg)}: Traefik's own ACME does not work in a DaemonSet; use cert-manager and `
        + 'the default certificate Secret instead');
    }
  });
  return list;
}

function resolveEnv(p: Problems, path: string, value: k8s.EnvVar[] | undefined): k8s.EnvVar[] {
  if (value === undefined) return [];
  const list = checkArray<k8s.EnvVar>(p, path, value) ?? [];
  const seen = new Set<string>();
  list.forEach((env, i) => {
    const name = checkEnvName(p, `${path}[${i}].name`, env?.name);
    if (name === undefined) return;
    if (OWN_ENV.includes(name)) {
      p.add(`${path}[${i}].name ${show(name)} is set by the construct itself (${OWN_ENV.join(', ')})`);
    } else if (seen.has(name)) {
      p.add(`${path}[${i}].name ${show(name)} is listed twice`);
    }
    seen.add(name);
  });
  return list;
}

function resolveVolumes(p: Problems, path: string, value: k8s.Volume[] | undefined): k8s.Volume[] {
  if (value === undefined) return [];
  const list = checkArray<k8s.Volume>(p, path, value) ?? [];
  const seen = new Set<string>();
  list.forEach((volume, i) => {
    const name = checkDnsLabel(p, `${path}[${i}].name`, volume?.name);
    if (name === undefined) return;
    if (OWN_VOLUMES.includes(name)) {
      p.add(`${path}[${i}].name ${show(name)} is used by the construct itself (${OWN_VOLUMES.join(', ')})`);
    } else if (seen.has(name)) {
      p.add(`${path}[${i}].name ${show(name)} is listed twice`);
    }
    seen.add(name);
  });
  return list;
}

function resolveVolumeMounts(
  p: Problems, path: string, value: k8s.VolumeMount[] | undefined, volumes: k8s.Volume[],
): k8s.VolumeMount[] {
  if (value === undefined) return [];
  const list = checkArray<k8s.VolumeMount>(p, path, value) ?? [];
  const names = new Set(volumes.map((v) => v.name));
  list.forEach((mount, i) => {
    if (!names.has(mount?.name)) {
      p.add(`${path}[${i}].name ${show(mount?.name)} is not the name of one of the extra volumes`);
    }
    const mountPath = checkMountPath(p, `${path}[${i}].mountPath`, mount?.mountPath);
    if (mountPath !== undefined && OWN_MOUNT_PATHS.some((own) => mountPath === own || mountPath.startsWith(`${own}/`))) {
      p.add(`${path}[${i}].mountPath ${show(mountPath)} is inside a path the construct mounts (${OWN_MOUNT_PATHS.join(', ')})`);
    }
  });
  return list;
}

/**
 * Rejects a memory limit below the request (the API server would refuse the pod) and returns GOMEMLIMIT
 * at 90% of the limit, so the Go GC works harder before the kernel OOM-kills the proxy.
 */
function checkResources(p: Problems, path: string, resources: kplus.ContainerResources): string | undefined {
  const request = resources.memory?.request;
  const limit = resources.memory?.limit;
  const kib = (s: Size) => s.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  const text = (s: Size) => (kib(s) % 1024 === 0 ? `${kib(s) / 1024}Mi` : `${kib(s)}Ki`);
  if (request && limit && kib(limit) < kib(request)) {
    p.add(`${path} memory limit ${text(limit)} is below the request ${text(request)}`);
    return undefined;
  }
  const mib = limit ? Math.floor(limit.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) * 0.9) : 0;
  return mib > 0 ? `${mib}MiB` : undefined;
}

