/**
 * Stand-in for the edge nodes' kubelets (until real ones run here), for the pods of one namespace: every pod
 * bound to an edge node gets its containers started (e2e/pod-runner.ts), a container that exits is started
 * again (restartPolicy Always), and a pod marked for deletion gets SIGTERM, its grace period, and is then
 * removed. No probes, no status: what `npm run status` and `npm run rollout` read comes from the containers.
 */
import * as fs from 'fs';
import * as path from 'path';
import { E2eCluster } from './cluster';
import { RunningContainer, runContainer } from './pod-runner';

export class NodeAgent {
  /** Running containers by pod name. */
  readonly running = new Map<string, RunningContainer[]>();
  /** Pods whose containers were started, in order, with the time. */
  readonly started: Array<{ pod: string; node: string; at: number }> = [];
  private readonly stopping = new Set<string>();
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly cluster: E2eCluster,
    private readonly namespace: string,
    private readonly workDir: string,
    /** Where each pod's main pid is written for the `kubectl exec` stand-in (e2e/kubectl-exec). */
    readonly execDir: string,
  ) {
    fs.mkdirSync(execDir, { recursive: true });
  }

  start(intervalMs = 250): void {
    this.timer = setInterval(() => this.reconcile(), intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.running.values()].flat().map((c) => c.stop(3000)));
    this.running.clear();
  }

  private reconcile(): void {
    if (this.busy) return;
    this.busy = true;
    try {
      const edge = new Set(this.cluster.edgeNodes.map((n) => n.name));
      const pods = this.cluster.getJson(['-n', this.namespace, 'pods']).items.filter((p: any) => edge.has(p.spec.nodeName));
      const names = new Set(pods.map((p: any) => p.metadata.name));
      for (const pod of pods) {
        const name = pod.metadata.name;
        if (pod.metadata.deletionTimestamp) this.terminate(name);
        else this.ensureRunning(pod);
      }
      for (const name of [...this.running.keys()]) if (!names.has(name)) this.terminate(name);
    } finally {
      this.busy = false;
    }
  }

  private ensureRunning(pod: any): void {
    const name = pod.metadata.name;
    const containers = this.running.get(name);
    if (containers && containers.every((c) => c.child.exitCode === null && c.child.signalCode === null)) return;
    if (this.stopping.has(name)) return;
    const node = this.cluster.topology.nodes.find((n) => n.name === pod.spec.nodeName)!;
    const fresh = pod.spec.containers.map((c: any, i: number) =>
      containers?.[i] && containers[i].child.exitCode === null
        ? containers[i]
        : runContainer(this.cluster, pod, c.name, { nodeAddress: node.address, workDir: this.workDir }),
    );
    this.running.set(name, fresh);
    fs.writeFileSync(path.join(this.execDir, name), String(fresh[0].child.pid));
    this.started.push({ pod: name, node: node.name, at: Date.now() });
  }

  private terminate(name: string): void {
    if (this.stopping.has(name)) return;
    this.stopping.add(name);
    fs.rmSync(path.join(this.execDir, name), { force: true });
    const containers = this.running.get(name) ?? [];
    void Promise.all(containers.map((c) => c.stop())).then(() => {
      this.running.delete(name);
      this.cluster.kubectl(['-n', this.namespace, 'delete', 'pod', name, '--grace-period=0', '--force', '--ignore-not-found'], {
        allowFail: true,
      });
      this.stopping.delete(name);
    });
  }
}
