/**
 * The e2e cluster: the real control plane (e2e/control-plane.ts) in a network namespace of its own, on one bridge
 * with a namespace per node, a client and a backend. Nothing is connected to the host's network.
 *
 * The cluster has no kubelets yet: the harness registers the Node objects and reports them Ready, the DaemonSet
 * controller and the scheduler then create and bind the pods, and e2e/pod-runner.ts runs a pod's container on its
 * node's namespace as a kubelet would.
 */
import { pickFreeAddress } from '../lab/core/addr';
import { addBridge, addNamespaces, attachToBridge } from '../lab/core/network';
import { ipn, trackPrefix } from '../lab/core/sys';
import { ControlPlane, SERVICE_CIDR } from './control-plane';

export { BIN_DIR, E2E_DIR, KUBERNETES_SERVICE_IP, REPO_ROOT, SERVICE_CIDR } from './control-plane';

export interface ClusterNode {
  readonly name: string;
  readonly address: string;
  /** Edge nodes get the edge label from `npm run label-nodes -- --apply`; the worker does not. */
  readonly edge: boolean;
}

export interface ClusterTopology {
  readonly nodes: readonly ClusterNode[];
  readonly subnet: string;
  readonly interfaceName: string;
  /** Addresses the harness must not hand out (e.g. the VIPs). */
  readonly reserved: readonly string[];
}

export interface ClusterOptions {
  readonly prefix: string;
  readonly workDir: string;
}

/** The harness's own addresses: the first free ones of the node subnet, after the nodes and reserved ones. */
function harnessAddresses(topology: ClusterTopology): { cp: string; client: string; backend: string } {
  const prefixLength = Number(topology.subnet.split('/')[1]);
  const taken = [...topology.reserved, ...topology.nodes.map((n) => n.address)];
  const pick = (): string => {
    const a = pickFreeAddress(topology.nodes[0].address, prefixLength, taken);
    taken.push(a);
    return a;
  };
  return { cp: pick(), client: pick(), backend: pick() };
}

export class E2eCluster extends ControlPlane {
  readonly brNs: string;
  readonly clientNs: string;
  readonly backendNs: string;
  readonly clientAddress: string;
  readonly backendAddress: string;
  readonly prefixLength: number;
  private readonly nsOf = new Map<string, string>();

  constructor(
    readonly topology: ClusterTopology,
    readonly opts: ClusterOptions,
  ) {
    trackPrefix(opts.prefix);
    const addresses = harnessAddresses(topology);
    super({ namespace: `${opts.prefix}cp`, address: addresses.cp, workDir: opts.workDir });
    this.brNs = `${opts.prefix}br`;
    this.clientNs = `${opts.prefix}client`;
    this.backendNs = `${opts.prefix}backend`;
    topology.nodes.forEach((n, i) => this.nsOf.set(n.name, `${opts.prefix}n${i}`));
    this.prefixLength = Number(topology.subnet.split('/')[1]);
    this.clientAddress = addresses.client;
    this.backendAddress = addresses.backend;
  }

  /** The network namespace of a node. */
  ns(node: string): string {
    const ns = this.nsOf.get(node);
    if (!ns) throw new Error(`unknown node ${node}`);
    return ns;
  }

  get edgeNodes(): ClusterNode[] {
    return this.topology.nodes.filter((n) => n.edge);
  }

  async start(): Promise<void> {
    this.network();
    await this.startControlPlane();
  }

  private network(): void {
    const { interfaceName } = this.topology;
    // IPv6 stays on, as on a real node (the e2e suite checks the cluster, not failover timing).
    addNamespaces([this.brNs, this.cpNs, this.clientNs, this.backendNs, ...this.nsOf.values()], { ipv6: true });
    addBridge(this.brNs);
    let port = 0;
    const attach = (ns: string, address: string): void => {
      attachToBridge(this.brNs, `p${port++}`, ns, interfaceName, address, this.prefixLength);
      if (ns !== this.cpNs) ipn(ns, ['route', 'add', SERVICE_CIDR, 'via', this.cpAddress]);
    };
    attach(this.cpNs, this.cpAddress);
    attach(this.clientNs, this.clientAddress);
    attach(this.backendNs, this.backendAddress);
    for (const n of this.topology.nodes) attach(this.ns(n.name), n.address);
  }

  /** Registers every node of the topology (labels are left to `npm run label-nodes -- --apply`). */
  registerNodes(): void {
    for (const n of this.topology.nodes) this.registerNode(n.name, n.address);
  }

  /** Stops the control plane (the namespaces go with the harness's cleanup). */
  stop(): void {
    this.stopControlPlane();
  }
}
