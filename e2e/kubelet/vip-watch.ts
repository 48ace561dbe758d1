/**
 * Where the VIP is on the real edge nodes, event by event: the lab's VIP monitor (`ip -ts monitor address link` in
 * each node's network namespace) over the e2e cluster, and the lab's timeline analysis over what it saw.
 */
import { ChildProcess } from 'child_process';
import { analyzeVip, NodeEvent, NodeState, Timeline, VipAnalysis } from '../../lab/core/timeline';
import { startVipMonitor } from '../../lab/core/vip-monitor';
import { ipn, sleep } from '../../lab/core/sys';
import { E2eCluster } from '../cluster';

export class VipWatch {
  readonly events: NodeEvent[] = [];
  private readonly initial: Record<string, NodeState> = {};
  private readonly live: Record<string, NodeState> = {};
  private readonly monitors: ChildProcess[] = [];
  private readonly nodes: string[];
  private recording = false;

  constructor(
    private readonly cluster: E2eCluster,
    private readonly vip: string,
  ) {
    this.nodes = cluster.edgeNodes.map((n) => n.name);
  }

  /** Starts a monitor per edge node, then takes the snapshot the events are applied to. */
  async start(): Promise<void> {
    const interfaceName = this.cluster.topology.interfaceName;
    for (const node of this.nodes) {
      this.monitors.push(
        startVipMonitor({
          node,
          ns: this.cluster.ns(node),
          vip: this.vip,
          interfaceName,
          events: this.events,
          live: this.live,
          recording: () => this.recording,
        }),
      );
    }
    // `ip monitor` prints nothing until it is subscribed; give it a moment before the snapshot.
    await sleep(300);
    for (const node of this.nodes) {
      const ns = this.cluster.ns(node);
      const addr = ipn(ns, ['-o', '-4', 'addr', 'show', 'dev', interfaceName], true);
      const link = ipn(ns, ['-o', 'link', 'show', 'dev', interfaceName], true);
      const state = { vip: addr.includes(` ${this.vip}/`), link: /[<,]UP[,>]/.test(link) && link.includes('LOWER_UP') };
      this.initial[node] = { ...state };
      this.live[node] = { ...state };
    }
    this.recording = true;
  }

  /** The nodes holding the VIP on a live link now. */
  holders(): string[] {
    return this.nodes.filter((n) => this.live[n]?.vip && this.live[n]?.link);
  }

  timeline(): Timeline {
    return { nodes: this.nodes, initial: this.initial, events: [...this.events] };
  }

  analyze(from: number, to: number): VipAnalysis {
    return analyzeVip(this.timeline(), from, to);
  }

  /** Waits until one node other than `old` holds the VIP alone; returns when it took it, or null on timeout. */
  async newHolder(old: string, since: number, timeoutMs: number): Promise<{ node: string; at: number } | null> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const a = this.analyze(since, Date.now());
      if (a.firstNewHolderAt !== null && a.firstNewHolder !== old) return { node: a.firstNewHolder!, at: a.firstNewHolderAt };
      await sleep(20);
    }
    return null;
  }

  /** Waits until exactly one node holds the VIP. */
  async settled(timeoutMs: number): Promise<string | null> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const h = this.holders();
      if (h.length === 1) return h[0];
      await sleep(50);
    }
    return null;
  }

  stop(): void {
    for (const m of this.monitors) m.kill('SIGKILL');
  }
}
