import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { KeepalivedDaemonSet, KeepalivedPrivilege } from '../keepalived/pod/keepalived-daemon-set';
import { KeepalivedConfig } from '../keepalived/conf/keepalived-config';
import { KeepalivedNode } from '../keepalived/conf/node';
import { LvsScheduler, VrrpVersion } from '../keepalived/conf/enums';
import { VirtualServerProps } from '../keepalived/conf/virtual-server';
import { DEFAULT_EDGE_NODE_LABEL, NodeLabel } from '../node-label';
import { TraefikDaemonSet, TraefikDaemonSetProps } from '../traefik/traefik-daemon-set';
import { TraefikOptions } from '../traefik/traefik-options';
import { validateEdgeProps } from './_validate-props';
import { defaultPriorities } from './priorities';

/** Seconds between the directors' checks of each node's Traefik, and each check's timeout (loadBalancing). */
const CHECK_INTERVAL_SECONDS = 0.5;
/** Failed attempts after the first before a node is set to weight 0, and the pause between attempts. */
const CHECK_RETRY = 1;
const CHECK_RETRY_DELAY_SECONDS = 0.2;
/** Traefik's health entrypoint port when loadBalancing is on and traefik.healthPort is not set. */
const DEFAULT_HEALTH_PORT = 8581;

/**
 * One edge node: a Kubernetes node that runs Traefik and keepalived and may hold the VIP.
 */
export interface EdgeNode {
  /**
   * The Kubernetes node name (`kubectl get nodes`), a DNS-1123 subdomain; keepalived's config-id on
   * that node.
   */
  readonly name: string;
  /** The node's address on the VRRP interface. */
  readonly address: string;
  /**
   * VRRP priority, 1-254, distinct per node; the highest is the preferred master.
   * @default - descending in list order: 150, 100, 50 for three nodes
   */
  readonly priority?: number;
}

/**
 * How keepalived decides that the local Traefik is unhealthy (it polls Traefik's ping endpoint).
 */
export interface TraefikHealthCheckOptions {
  /**
   * Seconds between checks (keepalived 2.2 accepts whole seconds only).
   * @default 1
   */
  readonly intervalSeconds?: number;
  /**
   * Consecutive failures before the node gives up the VIP.
   * @default 2
   */
  readonly fall?: number;
  /**
   * Consecutive successes before the node may hold the VIP again.
   * @default 2
   */
  readonly rise?: number;
}

/**
 * LVS direct routing: the VRRP master spreads new connections over every edge node's Traefik.
 * Requires the `ip_vs` kernel module on the nodes and kube-proxy not in IPVS mode.
 */
export interface LoadBalancingOptions {
  /**
   * IPVS scheduler.
   * @default LvsScheduler.MAGLEV_HASHING
   */
  readonly scheduler?: LvsScheduler;
  /**
   * Client persistence in seconds.
   * @default - no persistence
   */
  readonly persistenceTimeoutSeconds?: number;
}

/**
 * Traefik settings of {@link EdgeIngress}: every {@link TraefikOptions} setting, plus the ports whose defaults
 * EdgeIngress derives from the rest of the edge.
 */
export interface EdgeTraefikOptions extends TraefikOptions {
  /**
   * Port of Traefik's `health` entrypoint: `/ping` on every node address, so that with `loadBalancing` the
   * directors can check each node's Traefik and see it drain (503) before it stops accepting connections.
   * @default - 8581 with loadBalancing; none without (keepalived checks /ping on loopback)
   */
  readonly healthPort?: number;
  /**
   * Serve Prometheus metrics on `metricsPort` of each node's own address (never on the VIP), with the
   * `prometheus.io/*` scrape annotations on the pods.
   * @default true
   */
  readonly metrics?: boolean;
  /**
   * Port of the metrics endpoint on each edge node; not 9100, which node-exporter uses on the same host.
   * @default 9101
   */
  readonly metricsPort?: number;
}

/**
 * Settings of the keepalived DaemonSet of {@link EdgeIngress}.
 */
export interface EdgeKeepalivedOptions {
  /**
   * keepalived image.
   * @default 'docker.io/osixia/keepalived:2.3.4'
   */
  readonly image?: string;
  /**
   * Container privilege.
   * @default KeepalivedPrivilege.PRIVILEGED
   */
  readonly privilege?: KeepalivedPrivilege;
}

/**
 * Properties of {@link EdgeIngress}: one description of the edge, from which every manifest is derived.
 */
export interface EdgeIngressProps {
  /** The edge nodes, in order of preference. */
  readonly nodes: EdgeNode[];
  /** The virtual IP that clients use. */
  readonly virtualIp: string;
  /** The nodes' network in CIDR form; the nodes and the VIP must be inside it. */
  readonly subnet: string;
  /**
   * More VIPs that move together with `virtualIp`.
   * @default - none
   */
  readonly additionalVirtualIps?: string[];
  /**
   * Network interface that carries the VIP on every edge node.
   * @default 'eth0'
   */
  readonly interface?: string;
  /**
   * VRRP virtual router id, 1-255; must be unique on the L2 segment.
   * @default 51
   */
  readonly virtualRouterId?: number;
  /**
   * Namespace of all objects. Any namespace but kube-system is created, labelled for privileged pods.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Label that marks the edge nodes; both DaemonSets select it.
   * @default edgenode=true
   */
  readonly nodeLabel?: NodeLabel;
  /**
   * VRRP version. Version 3 allows sub-second adverts but has no authentication in keepalived 2.2.
   * @default VrrpVersion.V3
   */
  readonly vrrpVersion?: VrrpVersion;
  /**
   * VRRP advert interval in seconds.
   * @default - 0.2 with VRRP version 3, 1 with version 2
   */
  readonly advertIntervalSeconds?: number;
  /**
   * Let a returning higher-priority node take the VIP back (a second move).
   * @default false
   */
  readonly preempt?: boolean;
  /**
   * VRRP version 2 password (at most 8 characters), stored in a Secret. It only guards against
   * misconfigured neighbours: VRRP authentication is not security.
   * @default - no authentication
   */
  readonly vrrpAuthPassword?: string;
  /**
   * keepalived's check of the local Traefik (VRRP only).
   *
   * A node whose Traefik fails gives up the VIP. With `loadBalancing` the directors check every node's
   * Traefik instead and the VIP stays where it is; setting both is an error.
   * @default - every second, 2 failures to give up the VIP, 2 successes to take part again
   */
  readonly healthCheck?: TraefikHealthCheckOptions;
  /**
   * LVS direct routing across all edge nodes, on the web (and websecure) ports.
   * @default - VRRP only: the master's Traefik serves all traffic
   */
  readonly loadBalancing?: LoadBalancingOptions;
  /**
   * Traefik settings.
   * @default - see EdgeTraefikOptions
   */
  readonly traefik?: EdgeTraefikOptions;
  /**
   * keepalived settings.
   * @default - see EdgeKeepalivedOptions
   */
  readonly keepalived?: EdgeKeepalivedOptions;
  /**
   * Tolerations for both DaemonSets, e.g. for dedicated, tainted edge nodes.
   * @default - none
   */
  readonly tolerations?: k8s.Toleration[];
}

/**
 * A highly available ingress on bare metal: Traefik on every labelled edge node (hostNetwork), and keepalived
 * holding one virtual IP on a healthy edge node. Ports, addresses, labels and health checks are derived from
 * one description, so Traefik and keepalived cannot disagree.
 */
export class EdgeIngress extends Construct {
  /** The namespace of every object. */
  public readonly namespace: string;
  /** The label both DaemonSets select. */
  public readonly nodeLabel: NodeLabel;
  /** The nodes with their effective priorities. */
  public readonly nodes: KeepalivedNode[];
  /** The validated keepalived model. */
  public readonly keepalivedConfig: KeepalivedConfig;
  /** Traefik. */
  public readonly traefik: TraefikDaemonSet;
  /** keepalived. */
  public readonly keepalived: KeepalivedDaemonSet;

  constructor(scope: Construct, id: string, props: EdgeIngressProps) {
    super(scope, id);
    this.namespace = props.namespace ?? 'kube-system';
    this.nodeLabel = props.nodeLabel ?? DEFAULT_EDGE_NODE_LABEL;
    const nodes = Array.isArray(props.nodes) ? props.nodes : [];
    const priorities = defaultPriorities(nodes.length);
    this.nodes = nodes.map((node, i) => ({
      name: node?.name,
      address: node?.address,
      priority: node?.priority ?? priorities[i],
    }));

    const traefikProps = this.traefikProps(props);
    // Every prop is checked here, named as the EdgeIngress user wrote it; the parts below then build
    // from valid values.
    validateEdgeProps(props, traefikProps, Array.isArray(props.nodes) ? this.nodes : props.nodes);

    if (this.namespace !== 'kube-system') {
      new k8s.KubeNamespace(this, 'Namespace', {
        metadata: {
          name: this.namespace,
          // hostNetwork, hostPort and NET_ADMIN are only admitted at the "privileged" Pod Security level.
          labels: {
            'pod-security.kubernetes.io/enforce': 'privileged',
            'pod-security.kubernetes.io/audit': 'privileged',
            'pod-security.kubernetes.io/warn': 'privileged',
          },
        },
      });
    }

    const healthCheck = props.healthCheck ?? {};
    const checkInterval = healthCheck.intervalSeconds ?? 1;
    const checkFall = healthCheck.fall ?? 2;
    this.traefik = new TraefikDaemonSet(this, 'Traefik', traefikProps);

    const version = props.vrrpVersion ?? VrrpVersion.V3;
    const lvs = props.loadBalancing !== undefined;
    this.keepalivedConfig = new KeepalivedConfig({
      nodes: this.nodes,
      instance: {
        interface: props.interface ?? 'eth0',
        virtualRouterId: props.virtualRouterId ?? 51,
        virtualIpAddresses: [props.virtualIp, ...(props.additionalVirtualIps ?? [])],
        subnet: props.subnet,
        version,
        advertIntervalSeconds: props.advertIntervalSeconds ?? (version === VrrpVersion.V2 ? 1 : 0.2),
        preempt: props.preempt,
        // A lone edge node has no unicast peer to talk to.
        unicast: this.nodes.length > 1,
        // VRRP only: the holder's Traefik serves everything, so the VIP follows Traefik's health. With LVS the
        // holder only directs, whatever its own Traefik does: the directors' checks take a failing Traefik out of
        // balancing, and a VIP move (with its handover window) would only reset flows in flight.
        trackScripts: lvs ? [] : ['chk_traefik'],
      },
      scripts: lvs ? [] : [{
        name: 'chk_traefik',
        // Traefik answers 503 on /ping while it drains, so a stopping Traefik gives up the VIP too. No `-T`:
        // keepalived's script timeout bounds the check, and Debian's busybox-static wget (no timeout support)
        // crashes on -T, so the check would fail on every node.
        command: `/usr/bin/wget -q -O /dev/null ${this.traefik.pingUrl}`,
        intervalSeconds: checkInterval,
        timeoutSeconds: 1,
        fall: checkFall,
        rise: healthCheck.rise ?? 2,
        // Weight 0 puts a failing master into FAULT: it sends a priority-0 advert and the VIP moves at once.
        weight: 0,
      }],
      virtualServers: props.loadBalancing === undefined ? undefined
        : this.virtualServers(props.virtualIp, props.loadBalancing),
    });

    this.keepalived = new KeepalivedDaemonSet(this, 'Keepalived', {
      namespace: this.namespace,
      config: this.keepalivedConfig,
      nodeSelectorLabel: this.nodeLabel,
      authPassword: props.vrrpAuthPassword,
      image: props.keepalived?.image,
      privilege: props.keepalived?.privilege,
      tolerations: props.tolerations,
    });
  }

  /** The `kubectl label` commands that put the edge nodes into service. */
  public labelCommands(): string[] {
    return this.nodes.map((node) =>
      `kubectl label nodes ${node.name} ${this.nodeLabel.key}=${this.nodeLabel.value} --overwrite`);
  }

  /** TraefikDaemonSet's props, derived from EdgeIngress's (validated together with them). */
  private traefikProps(props: EdgeIngressProps): TraefikDaemonSetProps {
    const options = props.traefik ?? {};
    const healthCheck = props.healthCheck ?? {};
    // Long enough for keepalived to see /ping fail `fall` times (plus one check timeout) and move the VIP; with
    // loadBalancing (no healthCheck) the same 4 s leaves the directors' 0.5 s checks a wide margin.
    // (Invalid health-check numbers are reported under healthCheck.*; they must not show up here again.)
    const number = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);
    const requestAcceptGraceSeconds = Math.ceil((number(healthCheck.fall, 2) + 1) * number(healthCheck.intervalSeconds, 1) + 1);
    // Every shared option passes through as given; only the edge's own settings are derived here.
    const { healthPort, metrics, metricsPort, ...shared } = options;
    return {
      ...shared,
      namespace: this.namespace,
      nodeSelectorLabel: this.nodeLabel,
      healthPort: healthPort ?? (props.loadBalancing !== undefined ? DEFAULT_HEALTH_PORT : undefined),
      metricsPort: metrics === false ? undefined : metricsPort ?? 9101,
      ingressEndpointIp: props.virtualIp,
      requestAcceptGraceSeconds,
      // The drain window plus time to close connections; Traefik's 60 s default when that is longer.
      terminationGracePeriodSeconds: Math.max(60, requestAcceptGraceSeconds + 30),
      tolerations: props.tolerations,
    };
  }

  private virtualServers(vip: string, options: LoadBalancingOptions): VirtualServerProps[] {
    const ports = [this.traefik.webPort, ...(this.traefik.websecurePort !== undefined ? [this.traefik.websecurePort] : [])];
    const healthPort = this.traefik.healthPort!;
    return ports.map((port) => ({
      address: vip,
      port,
      scheduler: options.scheduler,
      persistenceTimeoutSeconds: options.persistenceTimeoutSeconds,
      // Two check rounds a second, 0.5 s timeout. A node is set to weight 0 only when a second attempt 0.2 s
      // after the first also fails: a draining Traefik (503) or a killed one (refused) is out within about
      // 0.7 s, a crashed one (timeouts) within about 1.7 s. With no retry, one slow answer under load was
      // enough, and when every director's check of every node failed together IPVS had no real server
      // left and refused all new connections (docs/lvs-direct-routing.md has the lab's figures).
      delayLoopSeconds: CHECK_INTERVAL_SECONDS,
      // Every edge node is a real server: its hostNetwork Traefik listens on the same port. The check asks
      // that node's Traefik /ping on its own address: 503 while it drains, so the directors stop sending it
      // new connections during the grace period, while it still accepts them.
      realServers: this.nodes.map((node) => ({
        address: node.address,
        port,
        httpGet: {
          path: '/ping', connectPort: healthPort, connectTimeoutSeconds: CHECK_INTERVAL_SECONDS,
          retry: CHECK_RETRY, delayBeforeRetrySeconds: CHECK_RETRY_DELAY_SECONDS,
        },
        // Weight 0 instead of removal: connections already open to a draining Traefik keep flowing.
        inhibitOnFailure: true,
      })),
    }));
  }
}
