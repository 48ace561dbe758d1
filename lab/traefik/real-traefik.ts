/**
 * The real Traefik on the lab's edge nodes: a real control plane (e2e/control-plane.ts) joins the lab's bridge,
 * the lab edge's synthesized objects are applied to it, the DaemonSet controller and the scheduler create one
 * Traefik pod per node, and each node runs its pod's container as a kubelet would (e2e/pod-runner.ts: the pod's
 * args and env, its bound service-account token, its own host name). An Ingress routes to a backend that answers
 * with the forwarding node's name, so the lab's client sees which node served a request.
 *
 * Failing: Traefik has no switch for an unhealthy ping, so the lab does what a pod deletion does. SIGTERM makes
 * its /ping answer 503 for the entrypoints' requestAcceptGraceTimeout while requests are still served, then it
 * exits; healthy again means a fresh start.
 */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { BIN_DIR, CONTROL_PLANE_BINARIES, ControlPlane, E2E_DIR, SERVICE_CIDR } from '../../e2e/control-plane';
import { exec } from '../../e2e/exec';
import { applyObjects, backendIngress, daemonSetPodOn, externalBackend, waitForDaemonSetPods, waitUntil } from '../../e2e/objects';
import { RunningContainer, runContainer } from '../../e2e/pod-runner';
import { troubleLines } from '../../e2e/scenarios/traefik';
import { EdgeIngress, EdgeIngressProps } from '../../lib';
import { pickFreeAddress } from '../core/addr';
import { synthesizeEdge } from '../core/synthesized-edge';
import { TraefikFleet } from './fleet';
import { ipn, run, track } from '../core/sys';
import { addNamespaces, attachToBridge } from '../core/network';

const BACKEND_PORT = 8090;
const APPS_NAMESPACE = 'lab-apps';

/** The lab's network, as the fleet joins it. */
export interface LabNetwork {
  /** Namespace prefix of the lab run (`edgelab-<pid>-...`). */
  readonly prefix: string;
  readonly brNs: string;
  readonly interfaceName: string;
  readonly prefixLength: number;
  readonly nodes: readonly { readonly name: string; readonly address: string }[];
  /** Addresses in use besides the nodes' (VIPs, the client). */
  readonly taken: readonly string[];
  ns(node: string): string;
}

/** The upstream binaries the real fleet needs (build them with e2e/tools/build.sh). */
export function missingRealTraefikBinaries(): string[] {
  return [...CONTROL_PLANE_BINARIES, 'traefik'].filter((b) => run('test', ['-x', path.join(BIN_DIR, b)], { allowFail: true }).code !== 0);
}

function version(bin: string, args: string[], re: RegExp): string {
  return re.exec(exec(path.join(BIN_DIR, bin), args, { allowFail: true }).stdout)?.[1] ?? '?';
}

export function realTraefikDescription(): string {
  return (
    `Traefik ${version('traefik', ['version'], /Version:\s+(\S+)/)} (the real one, run from its pod) ` +
    `against kube-apiserver ${version('kube-apiserver', ['--version'], /Kubernetes (\S+)/)}`
  );
}

export class RealTraefik implements TraefikFleet {
  readonly description: string;
  private readonly cp: ControlPlane;
  private readonly backendNs: string;
  private readonly backendAddress: string;
  private readonly manifests: any[];
  private readonly edge: EdgeIngress;
  private readonly virtualIp: string;
  private backend?: ChildProcess;
  private readonly containers = new Map<string, RunningContainer>();
  private readonly terminating = new Map<string, Promise<void>>();
  private readonly restarting = new Map<string, Promise<void>>();
  /** Every container started, for the log check. */
  private readonly started: RunningContainer[] = [];

  constructor(
    private readonly net: LabNetwork,
    props: EdgeIngressProps,
    private readonly workDir: string,
  ) {
    const synthesized = synthesizeEdge(props);
    this.edge = synthesized.edge;
    this.virtualIp = props.virtualIp;
    this.manifests = synthesized.manifests;
    const taken = [...net.taken, ...net.nodes.map((n) => n.address)];
    const pick = (): string => {
      const a = pickFreeAddress(net.nodes[0].address, net.prefixLength, taken);
      taken.push(a);
      return a;
    };
    this.cp = new ControlPlane({ namespace: `${net.prefix}cp`, address: pick(), workDir: path.join(workDir, 'control-plane') });
    this.backendNs = `${net.prefix}backend`;
    this.backendAddress = pick();
    this.description = realTraefikDescription();
  }

  get pingUrl(): string {
    return this.edge.traefik.pingUrl;
  }

  get webPort(): number {
    return this.edge.traefik.webPort;
  }

  /** The pod runner's view of the lab: the API as administrator, each node's namespace. */
  private get host(): { kubectl: ControlPlane['kubectl']; getJson: ControlPlane['getJson']; ns: (n: string) => string } {
    return { kubectl: (a, o) => this.cp.kubectl(a, o), getJson: (a) => this.cp.getJson(a), ns: (n) => this.net.ns(n) };
  }

  async setup(): Promise<void> {
    const { net, cp } = this;
    addNamespaces([cp.cpNs, this.backendNs]);
    attachToBridge(net.brNs, 'pk', cp.cpNs, net.interfaceName, cp.cpAddress, net.prefixLength);
    attachToBridge(net.brNs, 'pb', this.backendNs, net.interfaceName, this.backendAddress, net.prefixLength);
    for (const n of net.nodes) this.networkReset(n.name);
    await cp.startControlPlane();

    // The nodes register; the edge label (the DaemonSet's nodeSelector) goes on every lab node.
    const ds = this.manifests.find((m) => m.kind === 'DaemonSet' && m.metadata.name === this.edge.traefik.daemonSet.name);
    const labels = Object.entries<string>(ds.spec.template.spec.nodeSelector ?? {}).map(([k, v]) => `${k}=${v}`);
    for (const n of net.nodes) {
      cp.registerNode(n.name, n.address);
      if (labels.length) cp.kubectl(['label', 'node', n.name, ...labels]);
    }
    applyObjects(cp, this.manifests, true);
    const pods = await waitForDaemonSetPods(
      cp,
      this.edge.namespace,
      net.nodes.map((n) => n.name),
    );
    if (!pods.ok) throw new Error(`the DaemonSets did not get one pod per lab node: ${JSON.stringify(pods.view)}`);

    this.backend = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.backendNs,
        process.execPath,
        '-r',
        require.resolve('@swc-node/register'),
        path.join(E2E_DIR, 'backend-server.ts'),
        String(BACKEND_PORT),
        'forwarding-node',
      ],
      { stdio: ['pipe', 'ignore', 'inherit'] },
    );
    track(this.backend, false);
    cp.kubectl(['create', 'namespace', APPS_NAMESPACE]);
    applyObjects(cp, [
      ...externalBackend(APPS_NAMESPACE, this.backendAddress, BACKEND_PORT),
      backendIngress(APPS_NAMESPACE, this.edge.traefik.ingressClassName),
    ]);
  }

  networkReset(node: string): void {
    // The in-cluster config's KUBERNETES_SERVICE_HOST is the `kubernetes` ClusterIP, an address of the control plane.
    ipn(this.net.ns(node), ['route', 'replace', SERVICE_CIDR, 'via', this.cp.cpAddress]);
  }

  private address(node: string): string {
    const n = this.net.nodes.find((x) => x.name === node);
    if (!n) throw new Error(`unknown lab node ${node}`);
    return n.address;
  }

  async start(node: string): Promise<void> {
    await this.restarting.get(node);
    await this.terminating.get(node);
    if (!this.containers.has(node)) await this.launch(node);
  }

  private async launch(node: string): Promise<void> {
    const pod = daemonSetPodOn(this.cp, this.edge.namespace, this.edge.traefik.daemonSet.name, node);
    const c = runContainer(this.host, pod, 'traefik', {
      nodeAddress: this.address(node),
      workDir: path.join(this.workDir, 'pods', node, String(this.started.length)),
    });
    this.containers.set(node, c);
    this.started.push(c);
    void c.exited.then(() => {
      if (this.containers.get(node) === c) this.containers.delete(node);
    });
    const ping = new URL(this.edge.traefik.pingUrl);
    const web = `http://${this.address(node)}:${this.edge.traefik.webPort}/`;
    const get = (url: string): string =>
      exec('ip', ['netns', 'exec', this.net.ns(node), 'curl', '-sS', '--max-time', '1', url], { allowFail: true }).stdout.trim();
    // Ready when its health check passes and the Ingress route is loaded (the answer names this node).
    await waitUntil(
      `Traefik on ${node}`,
      () => {
        if (c.child.exitCode !== null) throw new Error(`Traefik on ${node} exited ${c.child.exitCode}: ${c.log().slice(-800)}`);
        return get(`http://${ping.hostname}:${ping.port}${ping.pathname}`) === 'OK' && get(web) === node ? true : undefined;
      },
      30_000,
      100,
    );
  }

  kill(node: string): void {
    const c = this.containers.get(node);
    if (!c) return;
    try {
      process.kill(-c.child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
    this.containers.delete(node);
  }

  running(node: string): boolean {
    return this.containers.has(node) && !this.terminating.has(node) && !this.restarting.has(node);
  }

  setFailing(node: string, failing: boolean): void {
    if (failing) {
      const c = this.containers.get(node);
      if (c && !this.terminating.has(node)) this.terminating.set(node, c.stop());
      return;
    }
    const ending = this.terminating.get(node);
    if (!ending) return;
    this.terminating.delete(node);
    // A failed restart is retried by the next start(), which the lab's reset calls.
    const restart = ending
      .then(() => this.launch(node))
      .catch(() => undefined)
      .finally(() => this.restarting.delete(node));
    this.restarting.set(node, restart);
  }

  /** Traefik's error lines so far, less the expected ones (e2e/scenarios/traefik.ts); `checkAfterStart` reads the status. */
  errorLines(): string[] {
    return this.started.flatMap((c) => troubleLines(c.log()));
  }

  /** The Ingress reports the VIP (Traefik's ingressEndpoint.ip), as its status writes must leave it. */
  async checkAfterStart(): Promise<void> {
    const vip = this.virtualIp;
    await waitUntil(
      `Ingress status.loadBalancer.ingress[0].ip = ${vip}`,
      () =>
        this.cp.getJson(['-n', APPS_NAMESPACE, 'ingress', 'backend']).status?.loadBalancer?.ingress?.[0]?.ip === vip ? true : undefined,
      30_000,
      250,
    );
  }

  async teardown(): Promise<void> {
    await Promise.all([...this.restarting.values()].map((p) => p.catch(() => undefined)));
    await Promise.all([...this.containers.values()].map((c) => c.stop(5000)));
    this.backend?.stdin?.end();
    this.cp.stopControlPlane();
  }
}
