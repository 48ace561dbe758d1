/** Result records of lab runs and their per-scenario summaries (pure). */
import { Summary, min, ratio, summarize } from '../core/stats';

export type VariantId = 'project' | 'seed';

export const SCENARIOS = [
  'graceful-stop',
  'crash',
  'traefik-unhealthy',
  'traefik-dead',
  'return-after-crash',
  'rollout',
  'cpu-load',
  'partition',
] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export const SCENARIO_TITLES: Record<ScenarioId, string> = {
  'graceful-stop': '1 graceful stop of the master keepalived (SIGTERM, pod deletion)',
  crash: '2 crash of the master (SIGKILL keepalived + link down, power loss)',
  'traefik-unhealthy': '3 Traefik unhealthy on the master (ping 503)',
  'traefik-dead': '4 Traefik process dies on the master',
  'return-after-crash': '5 old master returns after a crash (reboot)',
  rollout: '6 config-change rollout (keepalived restarted node by node)',
  'cpu-load': '7 both CPUs saturated',
  partition: '8 network partition between the nodes',
};

export interface RunRecord {
  readonly scenario: ScenarioId;
  readonly variant: VariantId;
  readonly run: number;
  /** e.g. the node order of a rollout */
  readonly label?: string;
  readonly ok: boolean;
  readonly error?: string;
  /** Fault injection (epoch ms) and end of the analysed window. */
  readonly t0: number;
  readonly tEnd: number;
  /** Holder when the fault was injected. */
  readonly faultNode: string | null;
  readonly newHolder: string | null;
  /** Seconds until the VIP was on another node; null if it never moved in the window. */
  readonly vipMoveS: number | null;
  /** Largest interval without a successful client answer in the window. */
  readonly clientGapS: number | null;
  readonly moves: number | null;
  readonly doubleHoldingS: number | null;
  readonly failedRequests: number | null;
  readonly requests: number | null;
  /** Client served again before the window closed (false: the gap is a lower bound). */
  readonly clientRecovered?: boolean;
  /** VIP/link events in the window, "<s after t0> <node> <kind>" (for checking a run by hand). */
  readonly vipEvents?: string[];
  /** keepalived state changes in the window (CPU load: all of them are spurious). */
  readonly vrrpTransitions?: number;
  /** CPU load: share of all CPUs' time that was busy during the load (0..1). */
  readonly cpuBusy?: number;
  /** Partition: seconds from the end of the partition until one holder remained. */
  readonly healS?: number | null;
  /** Rollout: node order and the moves a restart order forces with preemption off. */
  readonly order?: string[];
  readonly structuralMoves?: number;
  readonly notes: string[];
}

export interface ScenarioSummary {
  readonly runs: number;
  readonly erroredRuns: number;
  readonly vipMoveS: Summary;
  /** Runs in which the VIP did not move at all. */
  readonly notMoved: number;
  readonly clientGapS: Summary;
  /** Runs whose window closed before the client was served again (their gap is a lower bound). */
  readonly gapLowerBound: number;
  readonly movesPerRun: number[];
  readonly doubleHoldingS: Summary;
  readonly doubleHoldingTotalS: number;
  readonly failedRequests: number;
  readonly requests: number;
  readonly vrrpTransitions: number | null;
  readonly healS: Summary | null;
  /** Lowest CPU busy share over the runs (CPU load scenario). */
  readonly cpuBusyMin: number | null;
}

export interface ScenarioResult {
  readonly scenario: ScenarioId;
  readonly variant: VariantId;
  readonly variantLabel: string;
  readonly title: string;
  readonly runs: RunRecord[];
  readonly summary: ScenarioSummary;
  /** SVG file name (relative to the output dir) of the representative run. */
  readonly svg?: string;
  readonly svgRun?: number;
}

export function summarizeRuns(runs: readonly RunRecord[]): ScenarioSummary {
  const ok = runs.filter((r) => r.ok);
  const sum = (vs: Array<number | null | undefined>): number => vs.reduce<number>((a, v) => a + (typeof v === 'number' ? v : 0), 0);
  const heal = ok.filter((r) => r.healS !== undefined);
  const trans = ok.filter((r) => r.vrrpTransitions !== undefined);
  return {
    runs: runs.length,
    erroredRuns: runs.length - ok.length,
    vipMoveS: summarize(ok.map((r) => r.vipMoveS)),
    notMoved: ok.filter((r) => r.vipMoveS === null).length,
    clientGapS: summarize(ok.map((r) => r.clientGapS)),
    gapLowerBound: ok.filter((r) => r.clientRecovered === false).length,
    movesPerRun: ok.map((r) => r.moves ?? 0),
    doubleHoldingS: summarize(ok.map((r) => r.doubleHoldingS)),
    doubleHoldingTotalS: sum(ok.map((r) => r.doubleHoldingS)),
    failedRequests: sum(ok.map((r) => r.failedRequests)),
    requests: sum(ok.map((r) => r.requests)),
    vrrpTransitions: trans.length ? sum(trans.map((r) => r.vrrpTransitions)) : null,
    healS: heal.length ? summarize(heal.map((r) => r.healS)) : null,
    cpuBusyMin: min(ok.map((r) => r.cpuBusy)),
  };
}

/** The run whose VIP move time is the median (the one worth drawing); falls back to the first good run. */
export function representativeRun(runs: readonly RunRecord[]): RunRecord | undefined {
  const ok = runs.filter((r) => r.ok);
  const timed = ok.filter((r) => r.vipMoveS !== null).sort((a, b) => a.vipMoveS! - b.vipMoveS!);
  if (timed.length) return timed[Math.floor((timed.length - 1) / 2)];
  return ok[0] ?? runs[0];
}

/** Scenarios in which a fault should move the VIP: the ones worth comparing seed / project. */
export const FAULT_SCENARIOS: readonly ScenarioId[] = ['graceful-stop', 'crash', 'traefik-unhealthy', 'traefik-dead'];

export interface Ratio {
  readonly scenario: ScenarioId;
  /** Seed runs in which the VIP never moved (so there is no seed move time to compare). */
  readonly seedNotMoved: number;
  /** seed / project of the medians */
  readonly vipMove: number | null;
  readonly clientGap: number | null;
  readonly seedVipMoveMedianS: number | null;
  readonly projectVipMoveMedianS: number | null;
  readonly seedGapMedianS: number | null;
  readonly projectGapMedianS: number | null;
}

export function findResult(results: readonly ScenarioResult[], scenario: ScenarioId, variant: VariantId): ScenarioResult | undefined {
  return results.find((r) => r.scenario === scenario && r.variant === variant);
}

export function seedProjectRatios(results: readonly ScenarioResult[]): Ratio[] {
  const out: Ratio[] = [];
  for (const scenario of FAULT_SCENARIOS) {
    const p = findResult(results, scenario, 'project');
    const s = findResult(results, scenario, 'seed');
    if (!p || !s) continue;
    out.push({
      scenario,
      seedNotMoved: s.summary.notMoved,
      vipMove: ratio(s.summary.vipMoveS.median, p.summary.vipMoveS.median),
      clientGap: ratio(s.summary.clientGapS.median, p.summary.clientGapS.median),
      seedVipMoveMedianS: s.summary.vipMoveS.median,
      projectVipMoveMedianS: p.summary.vipMoveS.median,
      seedGapMedianS: s.summary.clientGapS.median,
      projectGapMedianS: p.summary.clientGapS.median,
    });
  }
  return out;
}
