import { ApiObject, Duration, JsonPatch, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { validatePinnedImage } from '../image';
import { DEFAULT_EDGE_NODE_LABEL, NodeLabel, validateNodeLabel } from '../node-label';
import { traefikClusterRoleRules } from './_rbac';
import {
  checkDistinctPorts,
  checkDnsLabel,
  checkDnsSubdomain,
  checkIp,
  checkNonNegativeInteger,
  checkPort,
} from './_validate';

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
 * Properties for `TraefikDaemonSet`.
 */
export interface TraefikDaemonSetProps {
  /**
   * Namespace of the DaemonSet and ServiceAccount. Required because the
   * ClusterRoleBinding subject must name it explicitly (a Helm release
   * namespace cannot fill it in later).
   */
  readonly namespace: string;

  /**
   * Name of the DaemonSet and ServiceAccount. The ClusterRole and
   * ClusterRoleBinding are named `<name>-<namespace>` (as the Traefik chart
   * does) so two instances in different namespaces do not collide.
   *
   * @default 'traefik-ingress-lb'
   */
  readonly name?: string;

  /**
   * Only nodes carrying this label run Traefik (the edge nodes); rendered as
   * the pod's `nodeSelector`.
   *
   * @default - { key: 'edgenode', value: 'true' }
   */
  readonly nodeSelectorLabel?: NodeLabel;

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
   * Host port of a `health` entrypoint that serves only `/ping`, on every node
   * address (loopback included). Other machines can then see this Traefik's
   * health, e.g. LVS directors checking each edge node, and they see the 503
   * `/ping` answers while Traefik drains. `/ping` moves from the `traefik`
   * entrypoint to this one (Traefik serves it on one entrypoint only); the API
   * and dashboard stay on loopback. `pingUrl` and the probes follow.
   *
   * @default - no health entrypoint: `/ping` on the loopback `traefik` entrypoint
   */
  readonly healthPort?: number;

  /**
   * Host port of a Prometheus `metrics` entrypoint, bound on all node
   * addresses so Prometheus can scrape `<node-ip>:<port>/metrics`. Avoid 9100:
   * with host networking it clashes with node-exporter on the same node.
   *
   * @default - Prometheus metrics disabled
   */
  readonly metricsPort?: number;

  /**
   * The virtual IP in front of the edge nodes. Traefik publishes it in each
   * Ingress `status.loadBalancer` (there is no Service to take it from).
   *
   * @default - none; Ingress status is left empty
   */
  readonly ingressEndpointIp?: string;

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
   * Enable the Traefik CRD provider (IngressRoute, Middleware, ...) and grant
   * read access to the traefik.io resources. The CRDs themselves are not
   * installed by this construct.
   *
   * @default false
   */
  readonly crdProvider?: boolean;

  /**
   * Container resources. There is no CPU limit on purpose: CFS throttling on
   * a proxy shows up as request latency, and the request already reserves CPU.
   * The memory limit must stay well above Traefik v3's working set (the 30Mi
   * of the original manifest gets OOM-killed); GOMEMLIMIT is set to 90% of it.
   *
   * @default - requests cpu 100m and memory 128Mi, limit memory 256Mi
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Seconds Traefik gets to drain connections after SIGTERM.
   *
   * @default 60
   */
  readonly terminationGracePeriodSeconds?: number;

  /**
   * Seconds Traefik keeps accepting new requests after SIGTERM while `/ping` already answers 503. keepalived
   * polls the ping endpoint, so this window lets the VIP leave the node before Traefik stops listening:
   * a Traefik rollout then drops no requests. Must be shorter than `terminationGracePeriodSeconds`.
   *
   * @default 0 (Traefik's default: stop accepting at once)
   */
  readonly requestAcceptGraceSeconds?: number;

  /**
   * Tolerations, e.g. for a `NoSchedule` taint that keeps other workloads off
   * the edge nodes.
   *
   * @default - none beyond those the DaemonSet controller adds
   */
  readonly tolerations?: k8s.Toleration[];

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

const DEFAULT_IMAGE = 'docker.io/traefik:v3.7.11';
const CONTROLLER = 'traefik.io/ingress-controller';
const LOOPBACK = '127.0.0.1';

/**
 * Traefik v3 as an edge-node DaemonSet: host network, web (and optionally
 * websecure) on host ports of the labelled edge nodes, ping/API/dashboard on
 * loopback only, the Kubernetes Ingress provider with its ClusterRole, and an
 * IngressClass.
 */
export class TraefikDaemonSet extends Construct {
  /** Name of the DaemonSet and ServiceAccount. */
  public readonly name: string;
  /** Namespace of the namespaced objects. */
  public readonly namespace: string;
  /** Port of the `web` entrypoint on each edge node. */
  public readonly webPort: number;
  /** Port of the `websecure` entrypoint, if enabled. */
  public readonly websecurePort?: number;
  /** Port of the loopback-only `traefik` (ping/API/dashboard) entrypoint. */
  public readonly adminPort: number;
  /** Port of the Prometheus `metrics` entrypoint, if enabled. */
  public readonly metricsPort?: number;
  /** Port of the `health` (`/ping` on every node address) entrypoint, if enabled. */
  public readonly healthPort?: number;
  /**
   * Health endpoint as seen from the edge node itself, e.g. for a keepalived
   * `vrrp_script` (host-network processes share the node's loopback).
   */
  public readonly pingUrl: string;
  /** Name of the IngressClass. */
  public readonly ingressClassName: string;
  /** The pinned Traefik image. */
  public readonly image: string;

  /** ServiceAccount `<name>` the pods run as. */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** ClusterRole `<name>-<namespace>` with the Ingress (and optionally CRD) provider rules. */
  public readonly clusterRole: k8s.KubeClusterRole;
  /** ClusterRoleBinding `<name>-<namespace>` of the ClusterRole to the ServiceAccount. */
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;
  /** The Traefik DaemonSet `<name>`; `ApiObject.of(daemonSet)` is the rendered object. */
  public readonly daemonSet: kplus.DaemonSet;
  /** IngressClass `<ingressClassName>` for controller traefik.io/ingress-controller. */
  public readonly ingressClass: k8s.KubeIngressClass;

  private readonly _labels: Record<string, string>;
  private readonly _selectorLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: TraefikDaemonSetProps) {
    super(scope, id);

    this.namespace = props.namespace;
    this.name = props.name ?? 'traefik-ingress-lb';
    this.image = props.image ?? DEFAULT_IMAGE;
    this.webPort = props.webPort ?? 80;
    this.websecurePort = props.websecurePort;
    this.adminPort = props.adminPort ?? 8580;
    this.metricsPort = props.metricsPort;
    this.healthPort = props.healthPort;
    this.ingressClassName = props.ingressClassName ?? 'traefik';
    const nodeLabel = props.nodeSelectorLabel ?? DEFAULT_EDGE_NODE_LABEL;
    const terminationGracePeriodSeconds = props.terminationGracePeriodSeconds ?? 60;
    const priorityClassName = props.priorityClassName ?? 'system-node-critical';
    const logLevel = props.logLevel ?? TraefikLogLevel.INFO;
    const crdProvider = props.crdProvider ?? false;
    const resources = props.resources ?? {
      cpu: { request: kplus.Cpu.millis(100) },
      memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
    };

    checkDnsLabel('namespace', this.namespace);
    checkDnsLabel('name', this.name);
    validatePinnedImage(this.image, 'image');
    checkPort('webPort', this.webPort);
    if (this.websecurePort !== undefined) checkPort('websecurePort', this.websecurePort);
    checkPort('adminPort', this.adminPort);
    if (this.metricsPort !== undefined) checkPort('metricsPort', this.metricsPort);
    if (this.healthPort !== undefined) checkPort('healthPort', this.healthPort);
    checkDistinctPorts([
      ['webPort', this.webPort],
      ['websecurePort', this.websecurePort],
      ['adminPort', this.adminPort],
      ['metricsPort', this.metricsPort],
      ['healthPort', this.healthPort],
    ]);
    validateNodeLabel('nodeSelectorLabel', nodeLabel);
    if (props.ingressEndpointIp !== undefined) checkIp('ingressEndpointIp', props.ingressEndpointIp);
    checkDnsSubdomain('ingressClassName', this.ingressClassName);
    checkNonNegativeInteger('terminationGracePeriodSeconds', terminationGracePeriodSeconds);
    const requestAcceptGraceSeconds = props.requestAcceptGraceSeconds ?? 0;
    checkNonNegativeInteger('requestAcceptGraceSeconds', requestAcceptGraceSeconds);
    if (requestAcceptGraceSeconds >= terminationGracePeriodSeconds && requestAcceptGraceSeconds > 0) {
      throw new Error(`requestAcceptGraceSeconds ${requestAcceptGraceSeconds} must be shorter than terminationGracePeriodSeconds ${terminationGracePeriodSeconds}`);
    }
    if (priorityClassName !== '') checkDnsSubdomain('priorityClassName', priorityClassName);
    if (!Object.values(TraefikLogLevel).includes(logLevel)) {
      throw new Error(`logLevel ${logLevel} is not one of ${Object.values(TraefikLogLevel).join(', ')}`);
    }
    const goMemLimit = checkResources(resources);

    this.pingUrl = `http://${LOOPBACK}:${this.healthPort ?? this.adminPort}/ping`;
    this._selectorLabels = {
      'app.kubernetes.io/name': 'traefik',
      'app.kubernetes.io/instance': this.name,
    };
    this._labels = {
      ...this._selectorLabels,
      'app.kubernetes.io/component': 'ingress-controller',
      'app.kubernetes.io/part-of': 'cdk8s-edge-ingress',
      'app.kubernetes.io/managed-by': 'cdk8s',
      // Kept from the original edge-node manifest so existing kubectl selectors keep working.
      'k8s-app': this.name,
    };
    const clusterScopedName = `${this.name}-${this.namespace}`;

    // The chart's pattern: the SA itself does not automount its token; only the Traefik pod opts in.
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.labels },
      automountToken: false,
    });

    this.clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: clusterScopedName, labels: this.labels },
      rules: traefikClusterRoleRules({ crdProvider }),
    });

    this.clusterRoleBinding = new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterScopedName, labels: this.labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.clusterRole.name },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.namespace }],
    });

    this.ingressClass = new k8s.KubeIngressClass(this, 'IngressClass', {
      metadata: {
        name: this.ingressClassName,
        labels: this.labels,
        annotations: props.defaultIngressClass ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : undefined,
      },
      spec: { controller: CONTROLLER },
    });

    this.daemonSet = new kplus.DaemonSet(this, 'DaemonSet', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.labels },
      podMetadata: {
        labels: this.labels,
        annotations: this.metricsPort === undefined ? undefined : {
          'prometheus.io/scrape': 'true',
          'prometheus.io/path': '/metrics',
          'prometheus.io/port': String(this.metricsPort),
        },
      },
      // cdk8s-plus would select on a hash of the construct path; the selector is
      // immutable, so use stable, readable labels instead.
      select: false,
      serviceAccount: this.serviceAccount,
      // Traefik watches Ingresses, Services and EndpointSlices through the API.
      automountServiceAccountToken: true,
      hostNetwork: true,
      // Without this, a host-network pod resolves through the node's resolv.conf and cannot see cluster DNS.
      dns: { policy: kplus.DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET },
      terminationGracePeriod: Duration.seconds(terminationGracePeriodSeconds),
    });
    this.daemonSet.select(kplus.LabelSelector.of({ labels: this._selectorLabels }));

    const probe = (failureThreshold: number) => kplus.Probe.fromHttpGet('/ping', {
      port: this.healthPort ?? this.adminPort,
      host: LOOPBACK,
      scheme: kplus.ConnectionScheme.HTTP,
      failureThreshold,
      initialDelaySeconds: Duration.seconds(2),
      periodSeconds: Duration.seconds(10),
      successThreshold: 1,
      timeoutSeconds: Duration.seconds(2),
    });

    const env: Record<string, kplus.EnvValue> = {
      POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
      POD_NAMESPACE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
    };
    if (goMemLimit) {
      env.GOMEMLIMIT = kplus.EnvValue.fromValue(goMemLimit);
    }

    this.daemonSet.addContainer({
      name: 'traefik',
      image: this.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: this.buildArgs({ logLevel, crdProvider, ingressEndpointIp: props.ingressEndpointIp, requestAcceptGraceSeconds }),
      // No `portNumber`: cdk8s-plus would add a TCP startup probe for it.
      ports: this.buildPorts(),
      envVariables: env,
      resources,
      readiness: probe(1),
      liveness: probe(3),
      volumeMounts: [
        { path: '/data', volume: kplus.Volume.fromEmptyDir(this, 'DataVolume', 'data') },
        // Needed because the root filesystem is read-only.
        { path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'TmpVolume', 'tmp') },
      ],
      // Root is required: under hostNetwork the node's net.ipv4.ip_unprivileged_port_start
      // (1024) applies, and Kubernetes grants no ambient capabilities, so a non-root uid
      // cannot bind :80 even with NET_BIND_SERVICE unless the binary carries file
      // capabilities (the stock image does not). Root is boxed in below: every capability
      // but NET_BIND_SERVICE dropped, no privilege escalation, read-only root filesystem.
      securityContext: {
        user: 0,
        group: 0,
        ensureNonRoot: false,
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
      },
    });

    // What cdk8s-plus-27 cannot express is patched onto the rendered object.
    const resource = ApiObject.of(this.daemonSet);
    resource.addJsonPatch(
      // A surge pod could not bind the host ports held by the old one: replace pods one node at a time.
      // (IntOrString wrappers: the generated KubeDaemonSet serializer drops bare numbers here.)
      JsonPatch.add('/spec/updateStrategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1), maxSurge: k8s.IntOrString.fromNumber(0) },
      }),
      // cdk8s-plus only offers node affinity; a literal nodeSelector is what `kubectl get ds` shows.
      JsonPatch.add('/spec/template/spec/nodeSelector', { [nodeLabel.key]: nodeLabel.value }),
      // cdk8s-plus renders pod-level runAsNonRoot and fsGroupChangePolicy; keep only seccomp.
      JsonPatch.replace('/spec/template/spec/securityContext', { seccompProfile: { type: 'RuntimeDefault' } }),
      // Plain capability names: cdk8s-plus-27's Capability enum has CAP_-prefixed values and no ALL.
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', {
        drop: ['ALL'],
        add: ['NET_BIND_SERVICE'],
      }),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    );
    if (priorityClassName !== '') {
      resource.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', priorityClassName));
    }
    if (props.tolerations && props.tolerations.length > 0) {
      resource.addJsonPatch(JsonPatch.add('/spec/template/spec/tolerations', props.tolerations));
    }
  }

  /** Labels on every object (a copy). */
  public get labels(): Record<string, string> {
    return { ...this._labels };
  }

  /** Labels the DaemonSet selects its pods by (a copy). */
  public get selectorLabels(): Record<string, string> {
    return { ...this._selectorLabels };
  }

  private buildArgs(opts: {
    logLevel: TraefikLogLevel; crdProvider: boolean; ingressEndpointIp?: string; requestAcceptGraceSeconds: number;
  }): string[] {
    const args = [
      '--global.checkNewVersion=false',
      '--global.sendAnonymousUsage=false',
      `--entryPoints.traefik.address=${LOOPBACK}:${this.adminPort}/tcp`,
      `--entryPoints.web.address=:${this.webPort}/tcp`,
    ];
    if (this.websecurePort !== undefined) {
      args.push(`--entryPoints.websecure.address=:${this.websecurePort}/tcp`);
    }
    if (this.metricsPort !== undefined) {
      args.push(`--entryPoints.metrics.address=:${this.metricsPort}/tcp`);
    }
    if (this.healthPort !== undefined) {
      args.push(`--entryPoints.health.address=:${this.healthPort}/tcp`);
    }
    args.push(
      '--api.dashboard=true',
      // Serves the (read-only) API and dashboard on the `traefik` entrypoint without auth.
      // Acceptable only because that entrypoint listens on 127.0.0.1: use kubectl port-forward.
      '--api.insecure=true',
      '--ping=true',
    );
    if (this.healthPort !== undefined) {
      args.push('--ping.entryPoint=health');
    }
    if (this.metricsPort !== undefined) {
      args.push('--metrics.prometheus=true', '--metrics.prometheus.entrypoint=metrics');
    }
    args.push(
      '--providers.kubernetesingress',
      `--providers.kubernetesingress.ingressclass=${this.ingressClassName}`,
      '--providers.kubernetesingress.allowEmptyServices=true',
    );
    if (opts.ingressEndpointIp !== undefined) {
      args.push(`--providers.kubernetesingress.ingressendpoint.ip=${opts.ingressEndpointIp}`);
    }
    if (opts.crdProvider) {
      args.push('--providers.kubernetescrd', '--providers.kubernetescrd.allowEmptyServices=true');
    }
    if (this.websecurePort !== undefined) {
      args.push('--entryPoints.websecure.http.tls=true');
    }
    if (opts.requestAcceptGraceSeconds > 0) {
      // The health entrypoint too: it must keep answering 503 (not refuse connections) while Traefik drains.
      const draining = ['web', ...(this.websecurePort !== undefined ? ['websecure'] : []), ...(this.healthPort !== undefined ? ['health'] : [])];
      for (const entryPoint of draining) {
        args.push(`--entryPoints.${entryPoint}.transport.lifeCycle.requestAcceptGraceTimeout=${opts.requestAcceptGraceSeconds}s`);
      }
    }
    args.push(`--log.level=${opts.logLevel}`);
    return args;
  }

  private buildPorts(): kplus.ContainerPort[] {
    // Under hostNetwork the API requires hostPort == containerPort; declaring them also
    // lets the scheduler refuse a second pod that wants the same host port.
    const ports: kplus.ContainerPort[] = [
      { name: 'web', number: this.webPort, hostPort: this.webPort, protocol: kplus.Protocol.TCP },
    ];
    if (this.websecurePort !== undefined) {
      ports.push({ name: 'websecure', number: this.websecurePort, hostPort: this.websecurePort, protocol: kplus.Protocol.TCP });
    }
    // Declared for port-forward and readability only; Traefik binds it on loopback.
    ports.push({ name: 'traefik', number: this.adminPort, protocol: kplus.Protocol.TCP });
    if (this.metricsPort !== undefined) {
      ports.push({ name: 'metrics', number: this.metricsPort, hostPort: this.metricsPort, protocol: kplus.Protocol.TCP });
    }
    if (this.healthPort !== undefined) {
      ports.push({ name: 'health', number: this.healthPort, hostPort: this.healthPort, protocol: kplus.Protocol.TCP });
    }
    return ports;
  }
}

/**
 * Rejects a memory limit below the request (the API server would refuse the
 * pod) and returns GOMEMLIMIT at 90% of the limit, so the Go GC works harder
 * before the kernel OOM-kills the proxy.
 */
function checkResources(resources: kplus.ContainerResources): string | undefined {
  const request = resources.memory?.request;
  const limit = resources.memory?.limit;
  const kib = (s: Size) => s.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  const show = (s: Size) => (kib(s) % 1024 === 0 ? `${kib(s) / 1024}Mi` : `${kib(s)}Ki`);
  if (request && limit && kib(limit) < kib(request)) {
    throw new Error(`resources memory limit ${show(limit)} is below the request ${show(request)}`);
  }
  const mib = limit ? Math.floor(limit.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) * 0.9) : 0;
  return mib > 0 ? `${mib}MiB` : undefined;
}
