import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { NodeLabel } from '../node-label';
import { canonicalQuantity } from '../quantity';
import { Problems } from '../validation/checks';
import { DYNAMIC_DIR, HOST_IP_ENV, LOOPBACK, needsFileProvider, traefikArgs } from './_args';
import { DYNAMIC_CONFIG_FILE, renderDynamicConfig } from './_dynamic-config';
import { gatewayObjects } from './_gateway';
import { ResolvedTraefik, resolveTraefikProps } from './_props';
import { traefikClusterRoleRules } from './_rbac';
import { TraefikOptions } from './traefik-options';

/**
 * Properties for `TraefikDaemonSet`.
 */
export interface TraefikDaemonSetProps extends TraefikOptions {
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
   * Port of a Prometheus `metrics` entrypoint, bound to the node's own address (the downward API's
   * `status.hostIP`), so Prometheus scrapes `<node-ip>:<port>/metrics` on each node and never through
   * the VIP. The pods carry the `prometheus.io/scrape`, `path` and `port` annotations. Avoid 9100: with
   * host networking it clashes with node-exporter on the same node. IPv4 and IPv6 nodes both work
   * (the address is written in brackets).
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
}

const CONTROLLER = 'traefik.io/ingress-controller';

/**
 * Traefik v3 as an edge-node DaemonSet: host network, web (and optionally websecure) on host ports of the
 * labelled edge nodes, ping/API/dashboard on loopback only, metrics on the node's own address, the
 * Kubernetes Ingress provider (optionally the CRD and Gateway API providers) with its ClusterRole, and an
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
  /** Port of the Prometheus `metrics` entrypoint on each node's own address, if enabled. */
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
  /** ClusterRole `<name>-<namespace>` with the rules of the enabled providers. */
  public readonly clusterRole: k8s.KubeClusterRole;
  /** ClusterRoleBinding `<name>-<namespace>` of the ClusterRole to the ServiceAccount. */
  public readonly clusterRoleBinding: k8s.KubeClusterRoleBinding;
  /** The Traefik DaemonSet `<name>`; `ApiObject.of(daemonSet)` is the rendered object. */
  public readonly daemonSet: kplus.DaemonSet;
  /** IngressClass `<ingressClassName>` for controller traefik.io/ingress-controller. */
  public readonly ingressClass: k8s.KubeIngressClass;
  /** ConfigMap `<name>-dynamic` with the file provider's configuration, when a redirect or default certificate is set. */
  public readonly dynamicConfig?: k8s.KubeConfigMap;
  /** GatewayClass `<gatewayClassName>`, with `gatewayApi`. */
  public readonly gatewayClass?: ApiObject;
  /** Gateway `<name>` for the web (and websecure) entrypoints, with `gatewayApi`. */
  public readonly gateway?: ApiObject;

  private readonly _labels: Record<string, string>;
  private readonly _selectorLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: TraefikDaemonSetProps) {
    super(scope, id);

    const problems = new Problems();
    const r = resolveTraefikProps(problems, props);
    problems.throwIfAny();

    this.namespace = r.namespace;
    this.name = r.name;
    this.image = r.image;
    this.webPort = r.webPort;
    this.websecurePort = r.websecurePort;
    this.adminPort = r.adminPort;
    this.metricsPort = r.metricsPort;
    this.healthPort = r.healthPort;
    this.ingressClassName = r.ingressClassName;
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
      rules: traefikClusterRoleRules({ crdProvider: r.crdProvider, gatewayApi: r.gatewayApi }),
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
        annotations: r.defaultIngressClass ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : undefined,
      },
      spec: { controller: CONTROLLER },
    });

    if (needsFileProvider(r)) {
      this.dynamicConfig = new k8s.KubeConfigMap(this, 'DynamicConfig', {
        metadata: { name: `${this.name}-dynamic`, namespace: this.namespace, labels: this.labels },
        data: { [DYNAMIC_CONFIG_FILE]: renderDynamicConfig(r) },
      });
    }

    if (r.gatewayApi) {
      const gateway = gatewayObjects(this, r, this.labels);
      this.gatewayClass = gateway.gatewayClass;
      this.gateway = gateway.gateway;
    }

    this.daemonSet = this.buildDaemonSet(r);
  }

  /** Labels on every object (a copy). */
  public get labels(): Record<string, string> {
    return { ...this._labels };
  }

  /** Labels the DaemonSet selects its pods by (a copy). */
  public get selectorLabels(): Record<string, string> {
    return { ...this._selectorLabels };
  }

  private buildDaemonSet(r: ResolvedTraefik): kplus.DaemonSet {
    const daemonSet = new kplus.DaemonSet(this, 'DaemonSet', {
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
      terminationGracePeriod: Duration.seconds(r.terminationGracePeriodSeconds),
    });
    daemonSet.select(kplus.LabelSelector.of({ labels: this._selectorLabels }));

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
    if (this.metricsPort !== undefined) {
      env[HOST_IP_ENV] = kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_IP);
    }
    if (r.goMemLimit) {
      env.GOMEMLIMIT = kplus.EnvValue.fromValue(r.goMemLimit);
    }

    daemonSet.addContainer({
      name: 'traefik',
      image: this.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: traefikArgs(r),
      // No `portNumber`: cdk8s-plus would add a TCP startup probe for it.
      ports: this.buildPorts(),
      envVariables: env,
      resources: r.resources,
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
    const resource = ApiObject.of(daemonSet);
    resource.addJsonPatch(
      // A surge pod could not bind the host ports held by the old one: replace pods one node at a time.
      // (IntOrString wrappers: the generated KubeDaemonSet serializer drops bare numbers here.)
      JsonPatch.add('/spec/updateStrategy', {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1), maxSurge: k8s.IntOrString.fromNumber(0) },
      }),
      // cdk8s-plus only offers node affinity; a literal nodeSelector is what `kubectl get ds` shows.
      JsonPatch.add('/spec/template/spec/nodeSelector', { [r.nodeLabel.key]: r.nodeLabel.value }),
      // cdk8s-plus renders pod-level runAsNonRoot and fsGroupChangePolicy; keep only seccomp.
      JsonPatch.replace('/spec/template/spec/securityContext', { seccompProfile: { type: 'RuntimeDefault' } }),
      // Plain capability names: cdk8s-plus-27's Capability enum has CAP_-prefixed values and no ALL.
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', {
        drop: ['ALL'],
        add: ['NET_BIND_SERVICE'],
      }),
      JsonPatch.add('/spec/template/spec/containers/0/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    );
    // The API server drops a zero minReadySeconds and stores quantities canonically (1024Mi as 1Gi): emit the
    // same, or every client-side `kubectl apply` reports the DaemonSet "configured" with a no-op patch.
    resource.addJsonPatch(JsonPatch.remove('/spec/minReadySeconds'));
    for (const [path, value] of Object.entries(renderedResources(r.resources))) {
      resource.addJsonPatch(JsonPatch.replace(`/spec/template/spec/containers/0/resources/${path}`, k8s.Quantity.fromString(canonicalQuantity(value))));
    }
    if (r.priorityClassName !== '') {
      resource.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', r.priorityClassName));
    }
    if (r.tolerations.length > 0) {
      resource.addJsonPatch(JsonPatch.add('/spec/template/spec/tolerations', r.tolerations));
    }
    this.patchVolumesAndEnv(resource, r);
    return daemonSet;
  }

  /** The file provider's volume and the user's extra env, volumes and mounts (raw Kubernetes types). */
  private patchVolumesAndEnv(resource: ApiObject, r: ResolvedTraefik): void {
    const volumes: unknown[] = [];
    const mounts: unknown[] = [];
    if (this.dynamicConfig !== undefined) {
      // One projected volume for the config and the certificate: the kubelet swaps it atomically, and
      // the file provider watching this directory reloads both together. (The provider also descends into
      // the kubelet's timestamped `..<date>` directory and finds dynamic.yaml twice: it keeps the first
      // copy and logs "already configured, skipping" for the identical second one.)
      const sources: unknown[] = [{ configMap: { name: this.dynamicConfig.name } }];
      if (r.defaultCertificateSecretName !== undefined) {
        sources.push({
          secret: {
            name: r.defaultCertificateSecretName,
            items: [{ key: 'tls.crt', path: 'tls.crt' }, { key: 'tls.key', path: 'tls.key' }],
            // cert-manager may not have issued it yet: start anyway and pick it up when it appears.
            optional: true,
          },
        });
      }
      volumes.push({ name: 'dynamic', projected: { sources } });
      mounts.push({ name: 'dynamic', mountPath: DYNAMIC_DIR, readOnly: true });
    }
    // Typed values as given: the generated KubeDaemonSet serializer runs over the patched object and
    // turns Quantity and IntOrString wrappers into what the API expects.
    volumes.push(...r.volumes);
    mounts.push(...r.volumeMounts);
    for (const volume of volumes) {
      resource.addJsonPatch(JsonPatch.add('/spec/template/spec/volumes/-', volume));
    }
    for (const mount of mounts) {
      resource.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', mount));
    }
    for (const env of r.env) {
      resource.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/env/-', env));
    }
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

/** The quantities cdk8s-plus renders for `resources`, by JSON pointer below `resources/` (as it spells them). */
function renderedResources(resources: kplus.ContainerResources | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (kind: 'limits' | 'requests', name: string, value: string | undefined): void => {
    if (value !== undefined) out[`${kind}/${name}`] = value;
  };
  put('limits', 'cpu', resources?.cpu?.limit?.amount);
  put('requests', 'cpu', resources?.cpu?.request?.amount);
  put('limits', 'memory', resources?.memory?.limit && `${resources.memory.limit.toMebibytes()}Mi`);
  put('requests', 'memory', resources?.memory?.request && `${resources.memory.request.toMebibytes()}Mi`);
  put('limits', 'ephemeral-storage', resources?.ephemeralStorage?.limit && `${resources.ephemeralStorage.limit.toGibibytes()}Gi`);
  put('requests', 'ephemeral-storage', resources?.ephemeralStorage?.request && `${resources.ephemeralStorage.request.toGibibytes()}Gi`);
  return out;
}
