/** Pure logic of the LVS lab: parsing tool output, per-run figures, medians and the target check. */
import { LabTarget, statusOf } from '../core/outcome';
import { median } from '../core/stats';

export interface LoadSample {
  readonly start: number;
  readonly end: number;
  readonly ok: boolean;
  readonly node: string | null;
  /** Client source address and port (0 when the socket never got one). */
  readonly src?: string;
  readonly srcPort?: number;
  /** Why it failed: an errno code (ECONNREFUSED, ECONNRESET), 'timeout', 'status 503', ... */
  readonly error?: string | null;
}

export interface HeldConn {
  readonly node: string;
  readonly src: string;
  readonly srcPort: number;
  readonly requests: number;
  /** Start of the request that failed (epoch ms), -1 when the lab closed it, null while alive. */
  readonly failedAt: number | null;
  readonly error: string | null;
  readonly maxLatencyMs: number;
}

/** Distinct MAC addresses that answered an `arping` (iputils) for the VIP. */
export function arpResponders(arpingOutput: string): string[] {
  const macs = new Set<string>();
  for (const m of arpingOutput.matchAll(/reply from \S+ \[([0-9a-f:]{17})\]/gi)) macs.add(m[1].toLowerCase());
  return [...macs];
}

/**
 * Connections scheduled by this node's IPVS for the service (the `Conns` column of
 * `ipvsadm -Ln --stats`); 0 when the service does not exist.
 */
export function ipvsScheduledConns(statsOutput: string, vip: string, port: number): number {
  const line = statsOutput.split('\n').find((l) => l.trim().startsWith('TCP') && l.includes(`${vip}:${port} `));
  if (!line) return 0;
  const n = Number(line.trim().split(/\s+/)[2]);
  return Number.isFinite(n) ? n : 0;
}

/**
 * The director's connection entries of the service by real server and TCP state, from `ipvsadm -Lnc`
 * (`pro expire state source virtual destination`). A SYN_RECV entry is a flow whose handshake the director
 * never saw finish; a weighted-least-connection scheduler counts it against that real server.
 */
export function ipvsConnStates(lncOutput: string, vip: string, port: number): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const l of lncOutput.split('\n')) {
    const [pro, , state, , virtual, destination] = l.trim().split(/\s+/);
    if (pro !== 'TCP' || virtual !== `${vip}:${port}` || !destination) continue;
    const dest = destination.split(':')[0];
    const byState = (out[dest] ??= {});
    byState[state] = (byState[state] ?? 0) + 1;
  }
  return out;
}

/** Number of IPVS virtual services in `ipvsadm -Ln` output. */
export function ipvsServiceCount(listOutput: string): number {
  return listOutput.split('\n').filter((l) => /^(TCP|UDP|SCTP|FWM)\s/.test(l.trim())).length;
}

/** Real servers of the service with their weights, from `ipvsadm -Ln`. */
export function ipvsRealServers(listOutput: string, vip: string, port: number): Record<string, number> {
  const out: Record<string, number> = {};
  let inService = false;
  for (const l of listOutput.split('\n')) {
    const t = l.trim();
    if (/^(TCP|UDP|SCTP|FWM)\s/.test(t)) inService = t.startsWith(`TCP  ${vip}:${port} `) || t.startsWith(`TCP ${vip}:${port} `);
    else if (inService && t.startsWith('->') && !t.startsWith('-> RemoteAddress')) {
      const [, addr, , weight] = t.split(/\s+/);
      out[addr.split(':')[0]] = Number(weight);
    }
  }
  return out;
}

/** Share of each node in [0, 1]. */
export function shares(perNode: Readonly<Record<string, number>>, nodes: readonly string[]): Record<string, number> {
  const total = nodes.reduce((s, n) => s + (perNode[n] ?? 0), 0);
  return Object.fromEntries(nodes.map((n) => [n, total === 0 ? 0 : (perNode[n] ?? 0) / total]));
}

/**
 * Seconds from the fault to the start of the last failed new-connection request (0 when none failed
 * after the fault). Requests started before the fault are ignored.
 */
export function failuresStopS(samples: readonly LoadSample[], t0: number): number {
  let last: number | null = null;
  for (const s of samples) if (!s.ok && s.start >= t0 && (last === null || s.start > last)) last = s.start;
  return last === null ? 0 : (last - t0) / 1000;
}

export function failedIn(samples: readonly LoadSample[], from: number, to: number): number {
  return samples.filter((s) => !s.ok && s.start >= from && s.start <= to).length;
}

/** A new connection answered later than this waited for at least one SYN retransmission (the first after 1 s). */
export const SLOW_MS = 1000;

/** Answered new-connection requests that took longer than SLOW_MS, and the slowest answered one (ms). */
export function slowAnswers(samples: readonly LoadSample[], from: number, to: number): { slow: number; slowestMs: number | null } {
  const ok = samples.filter((s) => s.ok && s.start >= from && s.start <= to).map((s) => s.end - s.start);
  return { slow: ok.filter((ms) => ms > SLOW_MS).length, slowestMs: ok.length ? Math.round(Math.max(...ok)) : null };
}

/** A failed new-connection request, with what could explain it. */
export interface FailedRequest {
  /** Seconds from the scenario's reference time (the fault, or the start of a rollout). */
  readonly atS: number;
  readonly error: string;
  /** Client address:port. */
  readonly source: string;
  /**
   * The last earlier request from the same address and port: seconds before, and the node that answered
   * it. IPVS keeps a closed flow's entry for minutes and, by default, sends a new SYN with the same
   * addresses and ports to that entry's real server.
   */
  readonly sameSourceBefore: { readonly agoS: number; readonly node: string | null } | null;
}

export function failedRequests(samples: readonly LoadSample[], from: number, to: number, t0: number): FailedRequest[] {
  const out: FailedRequest[] = [];
  const lastBySource = new Map<string, LoadSample>();
  for (const s of [...samples].sort((a, b) => a.start - b.start)) {
    const source = `${s.src ?? '?'}:${s.srcPort ?? 0}`;
    if (!s.ok && s.start >= from && s.start <= to) {
      const before = s.srcPort ? lastBySource.get(source) : undefined;
      out.push({
        atS: Math.round(s.start - t0) / 1000,
        error: s.error ?? 'unknown',
        source,
        sameSourceBefore: before ? { agoS: Math.round(s.start - before.start) / 1000, node: before.node } : null,
      });
    }
    if (s.srcPort) lastBySource.set(source, s);
  }
  return out;
}

export interface Survival {
  /** Connections to nodes that stayed up. */
  readonly toSurviving: number;
  readonly survivedSurviving: number;
  /** Connections to the node that died (lost by definition; counted apart). */
  readonly toDead: number;
  readonly lostDead: number;
  /** Lost connections per node (node -> count), for the report. */
  readonly lostPerNode: Record<string, number>;
}

/** Which held connections survived the fault at t0 (a failure before t0 is a lab problem, counted as lost). */
export function heldSurvival(conns: readonly HeldConn[], deadNode: string | null): Survival {
  let toSurviving = 0;
  let survivedSurviving = 0;
  let toDead = 0;
  let lostDead = 0;
  const lostPerNode: Record<string, number> = {};
  for (const c of conns) {
    const lost = c.failedAt !== null && c.failedAt !== -1;
    if (lost) lostPerNode[c.node] = (lostPerNode[c.node] ?? 0) + 1;
    if (c.node === deadNode) {
      toDead++;
      if (lost) lostDead++;
    } else {
      toSurviving++;
      if (!lost) survivedSurviving++;
    }
  }
  return { toSurviving, survivedSurviving, toDead, lostDead, lostPerNode };
}

/** One node's step of a Traefik rollout, in seconds from the rollout's start. */
export interface RolloutStep {
  readonly node: string;
  readonly sigtermS: number;
  readonly exitedS: number;
  /** The new stand-in listening. */
  readonly readyS: number;
  /** The VIP holder's IPVS lists it with weight > 0 again; null: not within the scenario's wait. */
  readonly listedS: number | null;
}

/** A real server enabled or disabled by a director's health checker (keepalived's log). */
export interface CheckerEvent {
  readonly atS: number;
  readonly director: string;
  readonly server: string;
  readonly change: 'enabled' | 'disabled';
}

/** keepalived's checker enabling or disabling a real server ("Enabling service [10.77.0.12]:tcp:80 of VS ..."). */
export function parseCheckerChange(line: string): { address: string; change: 'enabled' | 'disabled' } | null {
  const m = /(Enabling|Disabling) service \[([\d.]+)\]:/.exec(line);
  return m ? { address: m[2], change: m[1] === 'Enabling' ? 'enabled' : 'disabled' } : null;
}

export type LvsScenario = 'spread' | 'crash' | 'graceful-stop' | 'traefik-rollout' | 'traefik-kill';

export interface LvsRun {
  readonly scenario: LvsScenario;
  readonly variant: string;
  readonly run: number;
  /** A lab fault (unexpected VRRP transition, CPU stall): reported, not used for the figures. */
  readonly labFault: string | null;
  readonly error?: string;
  /** Something about the start state worth knowing (e.g. a real server not up yet). */
  readonly note?: string | null;
  readonly holderBefore?: string;
  readonly holderAfter?: string;
  readonly faultNode?: string;
  // spread
  readonly perNode?: Record<string, number>;
  readonly failed?: number;
  readonly total?: number;
  /** Nodes whose IPVS scheduled connections (only the VIP holder should). */
  readonly schedulingNodes?: Record<string, number>;
  /** Requests the stand-ins served minus successful answers the client got (0 = each answered once). */
  readonly extraAnswers?: number;
  /** The VIP holder's connection entries right after the spread, by real server (node) and TCP state. */
  readonly holderConnStates?: Record<string, Record<string, number>>;
  // every scenario
  readonly arpResponders?: number[];
  // fault scenarios
  readonly survival?: Survival;
  readonly failuresStopS?: number;
  readonly failedNew?: number;
  /** Answered new connections that took longer than SLOW_MS (a SYN retransmitted), and the slowest (ms). */
  readonly slowNew?: { readonly slow: number; readonly slowestMs: number | null };
  /** Each failed new-connection request (error kind, source, earlier use of the same source port). */
  readonly failures?: FailedRequest[];
  readonly requests?: number;
  readonly vrrpTransitions?: number;
  /** Graceful stop: IPVS virtual services left on the stopped node after the handover (0: released). */
  readonly stoppedNodeServices?: number;
  // rollout: what happened when, to place each failure
  readonly rolloutSteps?: RolloutStep[];
  /** The VIP holder's checker changes during the rollout. */
  readonly checkerEvents?: CheckerEvent[];
}

const good = (runs: readonly LvsRun[], s: LvsScenario, v: string): LvsRun[] =>
  runs.filter((r) => r.scenario === s && r.variant === v && !r.labFault && !r.error);

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const sec = (x: number | null): string => (x === null ? '–' : `${x.toFixed(2)} s`);

/**
 * Medians over the good runs of `variant`, compared with the targets. With `portReuseVariant` (the
 * same defaults, every new connection reusing a recent client port) the rollout and SIGKILL targets are
 * also required of its runs.
 */
export function evaluateLvsTargets(runs: readonly LvsRun[], variant: string, portReuseVariant?: string): LabTarget[] {
  const out = measureLvsTargets(runs, variant);
  if (portReuseVariant !== undefined) {
    out.push(rolloutTarget(runs, portReuseVariant, 'rollout-port-reuse', ', every new connection reusing a recent client port'));
    out.push(killTarget(runs, portReuseVariant, 'traefik-kill-port-reuse', ', every new connection reusing a recent client port'));
  }
  return out;
}

function rolloutTarget(runs: readonly LvsRun[], variant: string, id: string, how: string): LabTarget {
  const ro = good(runs, 'traefik-rollout', variant);
  const failed = ro.reduce((s, r) => s + (r.failedNew ?? 0), 0);
  return {
    id,
    description: `Traefik rollout node by node under load${how}: failed requests (all runs)`,
    measured: ro.length ? `${failed} of ${ro.reduce((s, r) => s + (r.requests ?? 0), 0)}` : 'not run',
    required: '0',
    status: statusOf(ro.length ? failed === 0 : null),
  };
}

function killTarget(runs: readonly LvsRun[], variant: string, id: string, how: string): LabTarget {
  const k = median(good(runs, 'traefik-kill', variant).map((r) => r.failuresStopS ?? null));
  return {
    id,
    description: `Traefik SIGKILL on a backup node under load${how}: failures stop within (median)`,
    measured: sec(k),
    required: '≤ 2 s',
    status: statusOf(k === null ? null : k <= 2),
  };
}

function measureLvsTargets(runs: readonly LvsRun[], variant: string): LabTarget[] {
  const out: LabTarget[] = [];
  const spread = good(runs, 'spread', variant);
  const nodes = [...new Set(spread.flatMap((r) => Object.keys(r.perNode ?? {})))].sort();
  const worstShare =
    spread.length === 0
      ? null
      : Math.max(
          ...spread.flatMap((r) => {
            const sh = shares(r.perNode ?? {}, nodes.length ? nodes : Object.keys(r.perNode ?? {}));
            return Object.values(sh).map((x) => Math.abs(x - 1 / 3));
          }),
        );
  out.push({
    id: 'spread',
    description: 'spread of new connections: every node 33 % ± 5 points (worst node of every run)',
    measured: spread.length
      ? `${spread
          .map((r) =>
            Object.values(shares(r.perNode ?? {}, Object.keys(r.perNode ?? {}).sort()))
              .map((x) => (x * 100).toFixed(1))
              .join('/'),
          )
          .join('; ')} %`
      : 'not run',
    required: '|share − 33.3 %| ≤ 5 points',
    status: statusOf(worstShare === null ? null : worstShare <= 0.05),
  });
  const loops = spread.map((r) => Object.values(r.schedulingNodes ?? {}).filter((n) => n > 0).length);
  const extra = spread.map((r) => r.extraAnswers ?? 0);
  out.push({
    id: 'no-loops',
    description: 'no director loops: only the VIP holder schedules, every request answered once',
    measured: spread.length
      ? `scheduling nodes per run [${loops.join(',')}], extra answers [${extra.join(',')}], ` +
        `failed [${spread.map((r) => r.failed).join(',')}]`
      : 'not run',
    required: '1 scheduling node, 0 extra answers, 0 failed',
    status: statusOf(
      spread.length ? loops.every((n) => n === 1) && extra.every((e) => e === 0) && spread.every((r) => r.failed === 0) : null,
    ),
  });
  const arp = runs.filter((r) => r.variant === variant && !r.labFault && !r.error).flatMap((r) => r.arpResponders ?? []);
  out.push({
    id: 'arp',
    description: 'ARP: exactly one responder for the VIP, before and after every move',
    measured: arp.length
      ? `${arp.filter((n) => n === 1).length} of ${arp.length} checks had exactly one (counts seen: ${[...new Set(arp)].sort().join(',')})`
      : 'not run',
    required: 'every check: 1',
    status: statusOf(arp.length ? arp.every((n) => n === 1) : null),
  });
  const surv = (s: LvsScenario): number | null =>
    median(
      good(runs, s, variant).map((r) =>
        r.survival && r.survival.toSurviving > 0 ? r.survival.survivedSurviving / r.survival.toSurviving : null,
      ),
    );
  const g = surv('graceful-stop');
  out.push({
    id: 'graceful-established',
    description: "graceful stop of the VIP holder's keepalived: established connections that survive (median)",
    measured: pct(g),
    required: '≥ 99 %',
    status: statusOf(g === null ? null : g >= 0.99),
  });
  const stops = good(runs, 'graceful-stop', variant).filter((r) => r.stoppedNodeServices !== undefined);
  out.push({
    id: 'handover-release',
    description: 'graceful stop: the stopped node releases its IPVS services after the handover (every run)',
    measured: stops.length ? `services left per run [${stops.map((r) => r.stoppedNodeServices).join(',')}]` : 'not run',
    required: '0 in every run',
    status: statusOf(stops.length ? stops.every((r) => r.stoppedNodeServices === 0) : null),
  });
  const c = surv('crash');
  out.push({
    id: 'crash-established',
    description: 'crash of the VIP holder: established connections to surviving nodes that survive (median)',
    measured: pct(c),
    required: '≥ 99 %',
    status: statusOf(c === null ? null : c >= 0.99),
  });
  const cs = median(good(runs, 'crash', variant).map((r) => r.failuresStopS ?? null));
  out.push({
    id: 'crash-new',
    description: 'crash of the VIP holder: new connections fail until (median, s after the fault)',
    measured: sec(cs),
    required: '≤ 2 s',
    status: statusOf(cs === null ? null : cs <= 2),
  });
  out.push(rolloutTarget(runs, variant, 'rollout', ''));
  out.push(killTarget(runs, variant, 'traefik-kill', ''));
  return out;
}
