/** The failure scenarios, each measured on a freshly reset cluster. */
import { spawn } from 'child_process';
import * as fs from 'fs';
import { LabCluster, Marker } from '../core/cluster';
import { RunRecord, ScenarioId, VariantId } from './results';
import { cpuBusyShare } from '../core/stats';
import { nowMs, sleep, track, waitFor } from '../core/sys';
import {
  ClientSample,
  Timeline,
  analyzeVip,
  clientGapMs,
  clientRecovered,
  effectiveHolders,
  failedRequests,
  requestsIn,
  singleHolderSince,
  stateAt,
  structuralRolloutMoves,
} from '../core/timeline';

export interface ModeConfig {
  readonly name: 'short' | 'full';
  readonly runs: Readonly<Record<ScenarioId, number>>;
  /** Scenarios also run with the seed settings. */
  readonly seedScenarios: readonly ScenarioId[];
  /** Fewer seed runs where the seed's outcome is deterministic (e.g. no health check: the VIP never moves). */
  readonly seedRuns?: Readonly<Partial<Record<ScenarioId, number>>>;
  readonly cpuLoadSeconds: number;
  readonly partitionSeconds: number;
  /** Cluster must be quiet this long before a fault is injected. */
  readonly settleMs: number;
  /**
   * Random extra wait before the fault. Without it the fault would hit the same phase of the advert
   * and check timers in every run (they start with keepalived at the reset), biasing every figure.
   */
  readonly phaseJitterMs: number;
  /** Observation after the VIP has moved (catches second moves, flaps). */
  readonly tailMs: number;
  /** Give up waiting for a move after this long. */
  readonly maxMoveWaitMs: number;
  /** After the move, give up waiting for the client to be served again after this long. */
  readonly maxRecoverWaitMs: number;
  /** Observation after a crashed node returns (long enough to see a preemption even at advert_int 1). */
  readonly returnObserveMs: number;
}

export const MODES: Record<'short' | 'full', ModeConfig> = {
  short: {
    name: 'short',
    runs: {
      'graceful-stop': 3,
      crash: 3,
      'return-after-crash': 3,
      'traefik-unhealthy': 3,
      'traefik-dead': 3,
      rollout: 1, // x3 node orders
      'cpu-load': 1,
      partition: 2,
    },
    seedScenarios: ['graceful-stop', 'crash', 'return-after-crash', 'traefik-unhealthy', 'traefik-dead', 'cpu-load', 'partition'],
    seedRuns: { 'traefik-unhealthy': 1, 'traefik-dead': 1 },
    cpuLoadSeconds: 20,
    partitionSeconds: 4,
    settleMs: 1000,
    phaseJitterMs: 1000,
    tailMs: 1500,
    maxMoveWaitMs: 8000,
    maxRecoverWaitMs: 8000,
    returnObserveMs: 5000,
  },
  full: {
    name: 'full',
    runs: {
      'graceful-stop': 6,
      crash: 6,
      'return-after-crash': 6,
      'traefik-unhealthy': 6,
      'traefik-dead': 6,
      rollout: 2, // x3 node orders
      'cpu-load': 5,
      partition: 5,
    },
    seedScenarios: [
      'graceful-stop',
      'crash',
      'return-after-crash',
      'traefik-unhealthy',
      'traefik-dead',
      'rollout',
      'cpu-load',
      'partition',
    ],
    cpuLoadSeconds: 60,
    partitionSeconds: 8,
    settleMs: 1500,
    phaseJitterMs: 1000,
    tailMs: 2000,
    maxMoveWaitMs: 10000,
    maxRecoverWaitMs: 10000,
    returnObserveMs: 6000,
  },
};

/** What a run leaves behind for drawing: the window, the data in it, and its markers. */
export interface RunTrace {
  readonly from: number;
  readonly to: number;
  readonly t0: number;
  readonly timeline: Timeline;
  readonly samples: ClientSample[];
  readonly markers: Array<Marker & { fault?: boolean }>;
  readonly axisLabel?: string;
}

export interface RunOutput {
  readonly record: RunRecord;
  readonly trace: RunTrace;
}

export interface ScenarioContext {
  readonly cluster: LabCluster;
  readonly variant: VariantId;
  readonly mode: ModeConfig;
  readonly progress: (msg: string) => void;
}

const RESET_TIMEOUT_MS = 20000;

function readProcStat(): string {
  try {
    return fs.readFileSync('/proc/stat', 'utf8');
  } catch {
    return '';
  }
}

/** Fresh cluster with one stable master, then a random phase offset; returns the master. */
async function resetCluster(ctx: ScenarioContext): Promise<string> {
  const holder = await ctx.cluster.reset(ctx.mode.settleMs, RESET_TIMEOUT_MS);
  await sleep(Math.random() * ctx.mode.phaseJitterMs);
  const still = ctx.cluster.stableHolder(0);
  if (still !== holder) throw new Error(`VIP holder changed before the fault (${holder} -> ${still ?? 'none'})`);
  return holder;
}

/** Lets the monitors and the client deliver what happened up to now. */
async function drain(): Promise<void> {
  await sleep(150);
}

function measure(
  c: LabCluster,
  base: { scenario: ScenarioId; variant: VariantId; run: number; label?: string },
  t0: number,
  tEnd: number,
  faultNode: string | null,
  notes: string[],
  extra: Partial<RunRecord> = {},
): RunRecord {
  const tl = c.timeline();
  const a = analyzeVip(tl, t0, tEnd);
  const vipEvents = tl.events
    .filter((e) => e.t >= t0 - 50 && e.t <= tEnd)
    .map((e) => `${((e.t - t0) / 1000).toFixed(4)} ${e.node} ${e.kind}`);
  return {
    ...base,
    ok: true,
    t0,
    tEnd,
    faultNode,
    newHolder: a.firstNewHolder,
    vipMoveS: a.firstNewHolderAt !== null ? (a.firstNewHolderAt - t0) / 1000 : null,
    clientGapS: clientGapMs(c.samples, t0, tEnd) / 1000,
    moves: a.moves,
    doubleHoldingS: a.doubleHoldingMs / 1000,
    failedRequests: failedRequests(c.samples, t0, tEnd),
    requests: requestsIn(c.samples, t0, tEnd),
    vipEvents,
    notes,
    ...extra,
  };
}

function trace(c: LabCluster, from: number, to: number, t0: number, markers: RunTrace['markers'], axisLabel?: string): RunTrace {
  return {
    axisLabel,
    from,
    to,
    t0,
    timeline: c.timeline(),
    samples: c.samples.filter((s) => s.start >= from && s.start <= to),
    markers,
  };
}

/** Consecutive successful requests that count as "the client is served again" (200 ms at 20 ms). */
const RECOVERED_K = 10;

/**
 * Waits until some node other than `old` effectively holds the VIP and the client is served again
 * (bounded), then observes `tailMs` more. Returns notes for what did not happen.
 */
async function waitMoveAndTail(
  c: LabCluster,
  old: string,
  t0: number,
  mode: ModeConfig,
): Promise<{ moved: boolean; recovered: boolean; notes: string[] }> {
  const moved = await waitFor(() => c.holders().some((h) => h !== old), mode.maxMoveWaitMs, 5);
  const after = moved ? nowMs() : t0;
  // Without a move there is nothing to recover to; only check briefly whether the client is fine anyway.
  const recovered = await waitFor(() => clientRecovered(c.samples, after, RECOVERED_K), moved ? mode.maxRecoverWaitMs : 1000, 20);
  await sleep(mode.tailMs);
  await drain();
  const notes: string[] = [];
  if (!moved) notes.push(`VIP did not move within ${(mode.maxMoveWaitMs / 1000).toFixed(0)} s`);
  if (!recovered) notes.push('client not served again when the window closed (gap is a lower bound)');
  return { moved, recovered, notes };
}

// ---------------------------------------------------------------------------------------------

type SingleFault = (c: LabCluster, holder: string) => Promise<{ t0: number; label: string }>;

async function singleFaultRun(ctx: ScenarioContext, scenario: ScenarioId, run: number, inject: SingleFault): Promise<RunOutput> {
  const { cluster: c, mode, variant } = ctx;
  const holder = await resetCluster(ctx);
  const { t0, label } = await inject(c, holder);
  const { notes, recovered } = await waitMoveAndTail(c, holder, t0, mode);
  const tEnd = nowMs();
  const record = measure(c, { scenario, variant, run }, t0, tEnd, holder, notes, { clientRecovered: recovered });
  return { record, trace: trace(c, t0 - 1000, tEnd, t0, [{ t: t0, label, fault: true }]) };
}

export async function gracefulStop(ctx: ScenarioContext, run: number): Promise<RunOutput> {
  return singleFaultRun(ctx, 'graceful-stop', run, async (c, holder) => {
    let t0 = 0;
    await c.stopKeepalived(holder, (t) => (t0 = t));
    return { t0, label: `SIGTERM keepalived on ${holder}` };
  });
}

export async function traefikUnhealthy(ctx: ScenarioContext, run: number): Promise<RunOutput> {
  return singleFaultRun(ctx, 'traefik-unhealthy', run, async (c, holder) => {
    const t0 = nowMs();
    c.setTraefikFailing(holder, true);
    return { t0, label: `ping 503 on ${holder}` };
  });
}

export async function traefikDead(ctx: ScenarioContext, run: number): Promise<RunOutput> {
  return singleFaultRun(ctx, 'traefik-dead', run, async (c, holder) => {
    const t0 = nowMs();
    c.killTraefik(holder);
    return { t0, label: `Traefik killed on ${holder}` };
  });
}

/** Scenario 2 and 5 share one run: the crash, then the crashed node returning after a reboot. */
export async function crashAndReturn(ctx: ScenarioContext, run: number): Promise<{ crash: RunOutput; ret: RunOutput }> {
  const { cluster: c, mode, variant } = ctx;
  const holder = await resetCluster(ctx);
  const t0 = await c.crashKeepalived(holder);
  c.linkDown(holder);
  const { notes: crashNotes, recovered } = await waitMoveAndTail(c, holder, t0, mode);
  const tCrashEnd = nowMs();
  const crash = measure(c, { scenario: 'crash', variant, run }, t0, tCrashEnd, holder, crashNotes, { clientRecovered: recovered });

  // The node comes back: a reboot flushed its addresses, then the link and keepalived come up.
  const tR = nowMs();
  c.rebootNetwork(holder);
  c.startKeepalived(holder);
  const stable = await waitFor(() => c.stableHolder(mode.settleMs) !== null, mode.returnObserveMs + 10000, 20);
  const waitUntil = tR + mode.returnObserveMs;
  if (nowMs() < waitUntil) await sleep(waitUntil - nowMs());
  await drain();
  const tEnd = nowMs();
  const retNotes = stable ? [] : ['cluster did not become stable after the return'];
  const holderBefore = effectiveHolders(stateAt(c.timeline(), tR))[0] ?? null;
  const ret = measure(c, { scenario: 'return-after-crash', variant, run }, tR, tEnd, holderBefore, retNotes);
  const markers = [
    { t: t0, label: `crash ${holder}`, fault: true },
    { t: tR, label: `${holder} returns` },
  ];
  return {
    crash: { record: crash, trace: trace(c, t0 - 1000, tCrashEnd, t0, markers) },
    ret: { record: ret, trace: trace(c, t0 - 1000, tEnd, tR, markers, 'seconds after the node returned') },
  };
}

/** The orders a rollout is measured with: the VIP holder first, in the middle and last. */
export function rolloutOrders(nodes: readonly string[], holder: string): Array<{ label: string; order: string[] }> {
  const others = nodes.filter((n) => n !== holder);
  const out: Array<{ label: string; order: string[] }> = [{ label: 'holder first', order: [holder, ...others] }];
  if (others.length >= 2) out.push({ label: 'holder middle', order: [others[0], holder, ...others.slice(1)] });
  out.push({ label: 'holder last', order: [...others, holder] });
  return out;
}

/** A DaemonSet rolling update: stop, start, wait until the new pod is BACKUP/stable, next node. */
export async function rollout(ctx: ScenarioContext, run: number, which: number): Promise<RunOutput> {
  const { cluster: c, mode, variant } = ctx;
  const holder = await resetCluster(ctx);
  const { label, order } = rolloutOrders(c.nodes, holder)[which];
  const t0 = nowMs();
  const markers: RunTrace['markers'] = [];
  const notes: string[] = [];
  for (const n of order) {
    markers.push({ t: nowMs(), label: `restart ${n}`, fault: markers.length === 0 });
    await c.stopKeepalived(n);
    c.startKeepalived(n);
    const ok = await waitFor(() => c.vrrpState[n] !== null && c.stableHolder(mode.settleMs) !== null, 15000, 20);
    if (!ok) notes.push(`${n}: cluster not stable 15 s after its restart`);
    // Like `npm run rollout`: a restarted backup takes part in failover only after its vrrp_startup_delay.
    await sleep(c.startupDelayMs(n));
  }
  await sleep(500);
  await drain();
  const tEnd = nowMs();
  const prio = Object.fromEntries(c.edge.nodes.map((n) => [n.name, n.priority]));
  const record = measure(c, { scenario: 'rollout', variant, run, label }, t0, tEnd, holder, notes, {
    order,
    structuralMoves: structuralRolloutMoves(order, prio, holder),
  });
  return { record, trace: trace(c, t0 - 1000, tEnd, t0, markers, 'seconds after the rollout started') };
}

/** Two busy loops (one per CPU of the CI runner) for `seconds`; each stops itself. */
export async function cpuLoad(ctx: ScenarioContext, run: number): Promise<RunOutput> {
  const { cluster: c, mode, variant } = ctx;
  const holder = await resetCluster(ctx);
  const ms = mode.cpuLoadSeconds * 1000;
  const statBefore = readProcStat();
  const t0 = nowMs();
  const burners = [0, 1].map(() => {
    const p = spawn(process.execPath, ['-e', `const end = Date.now() + ${ms}; while (Date.now() < end) {}`], { stdio: 'ignore' });
    track(p, false);
    return new Promise<void>((r) => p.once('exit', () => r())).then(() => undefined);
  });
  await Promise.race([Promise.all(burners), sleep(ms + 5000)]);
  const busy = cpuBusyShare(statBefore, readProcStat());
  await drain();
  const tEnd = nowMs();
  const transitions = c.transitions.filter((x) => x.t >= t0 && x.t <= tEnd);
  const notes = [
    `all CPUs ${busy === null ? '?' : (busy * 100).toFixed(0)} % busy during the load`,
    ...transitions.map((x) => `${((x.t - t0) / 1000).toFixed(2)} s: ${x.node} entered ${x.state}`),
  ];
  const record = measure(c, { scenario: 'cpu-load', variant, run }, t0, tEnd, holder, notes, {
    vrrpTransitions: transitions.length,
    cpuBusy: busy ?? undefined,
  });
  return {
    record,
    trace: trace(
      c,
      t0 - 1000,
      tEnd,
      t0,
      [
        { t: t0, label: `2 busy loops for ${mode.cpuLoadSeconds} s`, fault: true },
        ...transitions.map((x) => ({ t: x.t, label: `${x.node} ${x.state}` })),
      ],
      'seconds after the load started',
    ),
  };
}

/** Bridge port isolation between the nodes; the client still reaches all of them. */
export async function partition(ctx: ScenarioContext, run: number): Promise<RunOutput> {
  const { cluster: c, mode, variant } = ctx;
  const holder = await resetCluster(ctx);
  const t0 = nowMs();
  c.setPartition(true);
  await sleep(mode.partitionSeconds * 1000);
  const tHeal = nowMs();
  c.setPartition(false);
  const stable = await waitFor(() => c.stableHolder(500) !== null, 15000, 20);
  await sleep(mode.tailMs);
  await drain();
  const tEnd = nowMs();
  const healAt = singleHolderSince(c.timeline(), tHeal, tEnd);
  const notes = stable ? [] : ['cluster not stable 15 s after the partition ended'];
  const record = measure(c, { scenario: 'partition', variant, run }, t0, tEnd, holder, notes, {
    healS: healAt === null ? null : (healAt - tHeal) / 1000,
  });
  return {
    record,
    trace: trace(
      c,
      t0 - 1000,
      tEnd,
      t0,
      [
        { t: t0, label: 'partition', fault: true },
        { t: tHeal, label: 'partition ends' },
      ],
      'seconds after the partition started',
    ),
  };
}
