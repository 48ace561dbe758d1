/** Where the VIP is: each node namespace's `ip monitor address link`, read into one sorted event list. */
import { ChildProcess, spawn } from 'child_process';
import * as readline from 'readline';
import { NodeEvent, NodeState, parseMonitorLine } from './timeline';
import { track } from './sys';

export interface VipMonitorOptions {
  readonly node: string;
  /** The node's network namespace. */
  readonly ns: string;
  readonly vip: string;
  readonly interfaceName: string;
  /** Every node's events, kept sorted by time (two monitors may deliver slightly out of order). */
  readonly events: NodeEvent[];
  /** Every node's VIP and link state now, updated by each event. */
  readonly live: Record<string, NodeState>;
  /** False until the cluster has taken its initial snapshot: earlier events are dropped. */
  readonly recording: () => boolean;
  /** Called with each recorded event. */
  readonly onEvent?: (e: NodeEvent) => void;
}

export function startVipMonitor(o: VipMonitorOptions): ChildProcess {
  const mon = spawn('ip', ['-ts', '-n', o.ns, 'monitor', 'address', 'link'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TZ: 'UTC' }, // parseIpTimestamp reads UTC
  });
  mon.once('error', (error) => process.stderr.write(`lab: ip monitor on ${o.node}: ${error.message}\n`));
  track(mon, false);
  readline.createInterface({ input: mon.stdout! }).on('line', (line) => {
    const e = parseMonitorLine(line, o.node, o.vip, o.interfaceName);
    if (!e || !o.recording()) return;
    o.events.push(e);
    for (let i = o.events.length - 1; i > 0 && o.events[i - 1].t > o.events[i].t; i--) {
      [o.events[i - 1], o.events[i]] = [o.events[i], o.events[i - 1]];
    }
    const s = o.live[o.node];
    if (e.kind === 'vip-add') s.vip = true;
    else if (e.kind === 'vip-del') s.vip = false;
    else if (e.kind === 'link-up') s.link = true;
    else s.link = false;
    o.onEvent?.(e);
  });
  return mon;
}
