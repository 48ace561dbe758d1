/** The LVS scenarios, each on a freshly reset cluster. */
import { nowMs, sleep } from '../core/sys';
import {
  CheckerEvent,
  HeldConn,
  LvsRun,
  LvsScenario,
  RolloutStep,
  failedIn,
  failedRequests,
  failuresStopS,
  heldSurvival,
  slowAnswers,
} from './lvs-analysis';
import { LvsCluster } from './lvs-cluster';

export interface LvsMode {
  readonly name: 'short' | 'full';
  readonly runs: Readonly<Record<LvsScenario, number>>;
  /** Runs per scenario of the comparison variants (VRRP only, no loop guard: one spread run at most). */
  readonly variantRuns: number;
  readonly spreadConnections: number;
  /** Long-lived connections per node in the fault scenarios. */
  readonly heldPerNode: number;
  /** Observation after a fault. */
  readonly observeMs: number;
}

export const LVS_MODES: Record<'short' | 'full', LvsMode> = {
  // Inside User-Mode Linux (one CPU) a fault run takes about 25 s: short is CI's budget, with three runs of the
  // two VIP-holder faults so that one stalled run does not decide a median.
  short: {
    name: 'short',
    runs: { spread: 1, crash: 3, 'graceful-stop': 3, 'traefik-rollout': 1, 'traefik-kill': 2 },
    variantRuns: 1,
    spreadConnections: 3000,
    heldPerNode: 8,
    observeMs: 5000,
  },
  full: {
    name: 'full',
    runs: { spread: 2, crash: 5, 'graceful-stop': 5, 'traefik-rollout': 2, 'traefik-kill': 5 },
    variantRuns: 3,
    spreadConnections: 3000,
    heldPerNode: 10,
    observeMs: 6000,
  },
};

/**
 * New connections every LOAD_INTERVAL_MS. A request fails when it is refused or reset, or has no answer after
 * LOAD_TIMEOUT_MS: long enough for one SYN retransmission (1 s), as any real client waits, so a SYN lost
 * in a sub-second VIP handover is slow, not failed.
 */
const LOAD_INTERVAL_MS = 50;
const LOAD_TIMEOUT_MS = 3000;

export interface ScenarioCtx {
  readonly cluster: LvsCluster;
  readonly variant: string;
  readonly mode: LvsMode;
  readonly progress: (msg: string) => void;
}

export interface RunTrace {
  readonly t0: number;
  readonly from: number;
  readonly to: number;
  readonly held: HeldConn[];
}

/** A lab fault: more VRRP masters than the scenario explains, or check scripts timing out (CPU stall). */
function labFault(c: LvsCluster, from: number, expectedMasters: number): string | null {
  const masters = c.transitions.filter((t) => t.t >= from && t.state === 'MASTER').length;
  const stalls = c.scriptTimeouts.filter((t) => t.t >= from).length;
  if (stalls > 0) return `${stalls} check script timeout(s) (CPU stall)`;
  if (masters > expectedMasters) return `${masters} VRRP MASTER transitions, ${expectedMasters} expected`;
  return null;
}

async function startLoad(c: LvsCluster): Promise<void> {
  c.clientSend({ cmd: 'load', intervalMs: LOAD_INTERVAL_MS, timeoutMs: LOAD_TIMEOUT_MS });
  await sleep(500);
}

async function stopLoad(c: LvsCluster): Promise<void> {
  c.clientSend({ cmd: 'loadStop' });
  await c.clientAwait('loadStopped', 10000);
}

async function holdConnections(c: LvsCluster, perNode: number): Promise<Record<string, number>> {
  c.clientSend({ cmd: 'hold', perNode, maxTries: perNode * 30, everyMs: 250 });
  // Long enough for the seed's settings, where many attempts time out (3 s each).
  const r = await c.clientAwait('held', 900000);
  return r.perNode as Record<string, number>;
}

async function heldReport(c: LvsCluster): Promise<HeldConn[]> {
  c.clientSend({ cmd: 'holdReport' });
  const r = await c.clientAwait('holdReport', 10000);
  c.clientSend({ cmd: 'holdClose' });
  await c.clientAwait('holdClosed', 10000);
  return r.conns as HeldConn[];
}

export async function spread(ctx: ScenarioCtx, runNo: number): Promise<{ record: LvsRun }> {
  const c = ctx.cluster;
  const holder = await c.reset();
  const from = nowMs();
  const arpBefore = c.arpCheck();
  c.zeroStats();
  const servedBefore = await c.served();
  c.clientSend({ cmd: 'spread', n: ctx.mode.spreadConnections, concurrency: 8 });
  const r = await c.clientAwait('spread', 600000);
  const servedAfter = await c.served();
  const schedulingNodes = Object.fromEntries(c.nodes.map((n) => [n, c.scheduledConns(n)]));
  const holderConnStates = c.connStates(holder);
  const answered = (r.total as number) - (r.failed as number);
  const servedDelta = c.nodes.reduce((s, n) => s + (servedAfter[n] - servedBefore[n]), 0);
  const arpAfter = c.arpCheck();
  return {
    record: {
      // A real server still failing its check at the start skews the spread: a lab fault, not a result.
      scenario: 'spread',
      variant: ctx.variant,
      run: runNo,
      labFault: labFault(c, from, 0) ?? (c.resetNote ? `at the start ${c.resetNote}` : null),
      holderBefore: holder,
      perNode: r.perNode as Record<string, number>,
      failed: r.failed as number,
      total: r.total as number,
      schedulingNodes,
      extraAnswers: servedDelta - answered,
      holderConnStates,
      arpResponders: [arpBefore, arpAfter],
    },
  };
}

/** The VIP holder crashes (power loss) or its keepalived stops gracefully, with connections open to every node. */
export async function holderFault(
  ctx: ScenarioCtx,
  kind: 'crash' | 'graceful-stop',
  runNo: number,
): Promise<{ record: LvsRun; trace: RunTrace }> {
  const c = ctx.cluster;
  const holder = await c.reset();
  const from = nowMs();
  await startLoad(c);
  const perNode = await holdConnections(c, ctx.mode.heldPerNode);
  await sleep(1000 + Math.random() * 500);
  const arpBefore = c.arpCheck();
  const t0 = kind === 'crash' ? await c.crash(holder) : await c.stopKeepalived(holder);
  let after: string | undefined;
  try {
    after = await c.waitStable(500, 10000);
  } catch {
    after = undefined;
  }
  const arpAfter = c.arpCheck();
  await sleep(Math.max(0, t0 + ctx.mode.observeMs - nowMs()));
  const held = await heldReport(c);
  await stopLoad(c);
  const to = nowMs();
  // By now (observeMs after the stop) the stopped node's start command has released its services.
  const stoppedNodeServices = kind === 'graceful-stop' ? c.serviceCount(holder) : undefined;
  const samples = c.samples.filter((s) => s.start >= from && s.start <= to);
  ctx.progress(`  held per node ${JSON.stringify(perNode)}`);
  return {
    record: {
      scenario: kind,
      variant: ctx.variant,
      run: runNo,
      labFault: labFault(c, t0, 1),
      note: c.resetNote,
      holderBefore: holder,
      holderAfter: after,
      faultNode: holder,
      survival: heldSurvival(held, kind === 'crash' ? holder : null),
      failuresStopS: failuresStopS(samples, t0),
      failedNew: failedIn(samples, t0, to),
      slowNew: slowAnswers(samples, t0, to),
      failures: failedRequests(c.samples, t0, to, t0),
      requests: samples.filter((s) => s.start >= t0).length,
      arpResponders: [arpBefore, arpAfter],
      vrrpTransitions: c.transitions.filter((t) => t.t >= t0).length,
      stoppedNodeServices,
    },
    trace: { t0, from: t0 - 2000, to: t0 + ctx.mode.observeMs, held },
  };
}

/** Traefik restarted on each node in turn (SIGTERM, drain, exit, start) under steady load. */
export async function traefikRollout(ctx: ScenarioCtx, runNo: number): Promise<{ record: LvsRun }> {
  const c = ctx.cluster;
  const holder = await c.reset();
  await startLoad(c);
  const from = nowMs();
  const rel = (t: number): number => Math.round(t - from) / 1000;
  const arp: number[] = [c.arpCheck()];
  const steps: RolloutStep[] = [];
  for (const n of c.nodes) {
    const { sigterm, exited } = await c.terminateStandin(n);
    await c.startStandin(n);
    const ready = nowMs();
    // The next node only after this one is back in every director's table (a DaemonSet's maxUnavailable 1
    // waits for readiness the same way).
    const h = c.holders()[0] ?? holder;
    const listed = await c.waitRealServersUp(h, 15000);
    steps.push({ node: n, sigtermS: rel(sigterm), exitedS: rel(exited), readyS: rel(ready), listedS: listed ? rel(nowMs()) : null });
    await sleep(1000);
    arp.push(c.arpCheck());
  }
  await stopLoad(c);
  const to = nowMs();
  const samples = c.samples.filter((s) => s.start >= from && s.start <= to);
  const director = c.holders()[0] ?? holder;
  const checkerEvents: CheckerEvent[] = c.checkerChanges
    .filter((e) => e.t >= from && e.t <= to && e.director === director)
    .map((e) => ({ atS: rel(e.t), director: e.director, server: e.server, change: e.change }));
  // With loadBalancing the VIP does not follow Traefik: no MASTER transition is expected (one would be a stall).
  return {
    record: {
      scenario: 'traefik-rollout',
      variant: ctx.variant,
      run: runNo,
      labFault: labFault(c, from, 0),
      note: c.resetNote,
      holderBefore: holder,
      holderAfter: c.holders()[0],
      failedNew: failedIn(samples, from, to),
      slowNew: slowAnswers(samples, from, to),
      failures: failedRequests(c.samples, from, to, from),
      requests: samples.length,
      arpResponders: arp,
      vrrpTransitions: c.transitions.filter((t) => t.t >= from).length,
      rolloutSteps: steps,
      checkerEvents,
    },
  };
}

/** Traefik SIGKILLed on a node that does not hold the VIP, under steady load. */
export async function traefikKill(ctx: ScenarioCtx, runNo: number): Promise<{ record: LvsRun }> {
  const c = ctx.cluster;
  const holder = await c.reset();
  await startLoad(c);
  await sleep(1000 + Math.random() * 500);
  const victim = c.nodes.filter((n) => n !== holder)[runNo % 2];
  const from = nowMs();
  const t0 = c.killStandin(victim);
  await sleep(ctx.mode.observeMs);
  await stopLoad(c);
  const to = nowMs();
  const samples = c.samples.filter((s) => s.start >= from && s.start <= to);
  await c.startStandin(victim);
  return {
    record: {
      scenario: 'traefik-kill',
      variant: ctx.variant,
      run: runNo,
      labFault: labFault(c, from, 0),
      note: c.resetNote,
      holderBefore: holder,
      faultNode: victim,
      failuresStopS: failuresStopS(samples, t0),
      failedNew: failedIn(samples, t0, to),
      slowNew: slowAnswers(samples, t0, to),
      failures: failedRequests(c.samples, t0, to, t0),
      requests: samples.length,
      vrrpTransitions: c.transitions.filter((t) => t.t >= from).length,
    },
  };
}
