/** Target evaluation (pure): what the project defaults must achieve, checked at the end of a lab run. */
import { ScenarioId, ScenarioResult, findResult } from './results';
import { LabTarget, TargetStatus } from '../core/outcome';
import { fmt, ratio } from '../core/stats';

export interface LvsStatus {
  readonly available: boolean;
  readonly detail: string;
  /** Why the LVS scenarios were not run although they could be (e.g. the vrrp suite). */
  readonly skipped?: string;
  /** Set when the LVS scenarios ran (lab/lvs/): where, and what they found. */
  readonly ran?: {
    readonly where: string;
    readonly exitCode: number;
    /** Descriptions of the LVS targets that were missed. */
    readonly missed: readonly string[];
    /** results.md of the LVS part, relative to the lab output folder. */
    readonly results: string;
  };
}

export interface TargetLimits {
  readonly crashMoveMedianS: number;
  readonly crashGapMedianS: number;
  readonly crashSpeedupVsSeed: number;
  readonly gracefulMoveMedianS: number;
  readonly traefikMoveMedianS: number;
}

export const DEFAULT_LIMITS: TargetLimits = {
  crashMoveMedianS: 0.8,
  crashGapMedianS: 1.0,
  crashSpeedupVsSeed: 4,
  gracefulMoveMedianS: 0.2,
  traefikMoveMedianS: 2.5,
};

export function evaluateTargets(results: readonly ScenarioResult[], lvs: LvsStatus, limits: TargetLimits = DEFAULT_LIMITS): LabTarget[] {
  const out: LabTarget[] = [];
  const project = (s: ScenarioId): ScenarioResult | undefined => findResult(results, s, 'project');
  const usable = (r: ScenarioResult | undefined): boolean => !!r && r.summary.runs - r.summary.erroredRuns > 0;

  const median = (id: string, description: string, scenario: ScenarioId, what: 'vipMoveS' | 'clientGapS', limit: number): void => {
    const r = project(scenario);
    if (!r) return void out.push({ id, description, required: `median <= ${limit} s`, measured: '–', status: 'not-run' });
    if (!usable(r))
      return void out.push({ id, description, required: `median <= ${limit} s`, measured: 'no successful run', status: 'no-data' });
    const s = r.summary[what];
    const notMoved = what === 'vipMoveS' && r.summary.notMoved > 0 ? `; VIP did not move in ${r.summary.notMoved} run(s)` : '';
    // A run in which the VIP never moved has no move time; it must not vanish from the verdict.
    const med = s.median;
    const met = med !== null && med <= limit && notMoved === '';
    out.push({
      id,
      description,
      required: `median <= ${limit} s`,
      measured: `median ${fmt(med)} s, max ${fmt(s.max)} s (n=${s.n})${notMoved}`,
      status: med === null ? 'no-data' : met ? 'met' : 'missed',
    });
  };

  /** One target judged on one scenario's result; no usable result means not run or no data. */
  const check = (
    id: string,
    description: string,
    required: string,
    r: ScenarioResult | undefined,
    judge: (res: ScenarioResult) => { measured: string; met: boolean },
  ): void => {
    if (!usable(r)) {
      out.push({ id, description, required, measured: '–', status: r ? 'no-data' : 'not-run' });
      return;
    }
    const { measured, met } = judge(r!);
    out.push({ id, description, required, measured, status: met ? 'met' : 'missed' });
  };

  median('crash-vip-move', 'Crash: VIP on a new node', 'crash', 'vipMoveS', limits.crashMoveMedianS);
  median('crash-client-gap', 'Crash: client-observed gap', 'crash', 'clientGapS', limits.crashGapMedianS);

  {
    const p = project('crash');
    const s = findResult(results, 'crash', 'seed');
    const required = `seed/project VIP move median >= ${limits.crashSpeedupVsSeed}x`;
    const desc = 'Crash: faster than the seed settings';
    if (!p || !s) out.push({ id: 'crash-vs-seed', description: desc, required, measured: '–', status: 'not-run' });
    else {
      const r = ratio(s.summary.vipMoveS.median, p.summary.vipMoveS.median);
      out.push({
        id: 'crash-vs-seed',
        description: desc,
        required,
        measured:
          r === null
            ? 'no data'
            : `${r.toFixed(2)}x (seed ${fmt(s.summary.vipMoveS.median)} s / project ${fmt(p.summary.vipMoveS.median)} s)`,
        status: r === null ? 'no-data' : r >= limits.crashSpeedupVsSeed ? 'met' : 'missed',
      });
    }
  }

  median('graceful-stop', 'Graceful stop: VIP on a new node', 'graceful-stop', 'vipMoveS', limits.gracefulMoveMedianS);
  median('traefik-unhealthy', 'Traefik unhealthy: VIP on a new node', 'traefik-unhealthy', 'vipMoveS', limits.traefikMoveMedianS);
  median('traefik-dead', 'Traefik dead: VIP on a new node', 'traefik-dead', 'vipMoveS', limits.traefikMoveMedianS);

  {
    const faults: ScenarioId[] = ['graceful-stop', 'crash', 'traefik-unhealthy', 'traefik-dead'];
    const ran = faults.map((f) => project(f)).filter((r): r is ScenarioResult => usable(r));
    const parts = ran.map((r) => `${r.scenario}: [${r.summary.movesPerRun.join(',')}]`);
    const bad = ran.filter((r) => r.summary.movesPerRun.some((m) => m !== 1));
    out.push({
      id: 'one-move-per-fault',
      description: 'Exactly one VIP move per fault',
      required: 'moves = 1 in every run',
      measured: parts.join('; ') || '–',
      status: ran.length === 0 ? 'not-run' : bad.length ? 'missed' : 'met',
    });
  }

  {
    const r = project('return-after-crash');
    check(
      'return-no-move',
      'Old master returns after a crash: no second VIP move (preemption off)',
      'moves = 0 after the return',
      r,
      (res) => ({
        measured: `moves per run [${res.summary.movesPerRun.join(',')}]`,
        met: res.summary.movesPerRun.every((m) => m === 0),
      }),
    );
    check(
      'return-no-split-brain',
      'Crash then return: zero seconds of split brain once the node is back',
      '0 s with >= 2 holders',
      r,
      (res) => ({
        measured: `${fmt(res.summary.doubleHoldingTotalS)} s in total (max per run ${fmt(res.summary.doubleHoldingS.max)} s)`,
        met: res.summary.doubleHoldingTotalS === 0,
      }),
    );
  }

  {
    const r = project('rollout');
    if (!usable(r)) {
      out.push({
        id: 'rollout-moves',
        description: 'Rollout: one VIP move per rollout',
        required: 'moves = 1',
        measured: '–',
        status: r ? 'no-data' : 'not-run',
      });
    } else {
      for (const run of r!.runs.filter((x) => x.ok)) {
        const min = run.structuralMoves ?? 1;
        const moves = run.moves ?? 0;
        const order = run.order?.join(' → ') ?? '';
        let status: TargetStatus;
        let note: string | undefined;
        if (moves > min) status = 'missed';
        else if (min > 1) {
          status = 'structural';
          note =
            'with preemption off, a restart of the holder moves the VIP to the best running node; ' +
            `this order restarts that node later again, so it needs ${min} moves (only a holder-last order can do it in one)`;
        } else status = moves === 1 ? 'met' : 'missed';
        out.push({
          id: `rollout-moves-${run.run}`,
          description: `Rollout ${run.label ?? ''} (${order})`,
          required: 'moves = 1',
          measured: `${moves} move(s), structural minimum ${min}`,
          status,
          note,
        });
      }
    }
  }

  check('cpu-no-spurious', 'CPU saturation: no spurious transitions', '0 transitions, 0 moves', project('cpu-load'), (res) => {
    const transitions = res.summary.vrrpTransitions ?? 0;
    const moves = res.summary.movesPerRun.reduce((x, y) => x + y, 0);
    return {
      measured: `${transitions} VRRP state change(s), ${moves} VIP move(s), ${res.summary.failedRequests} failed request(s)`,
      met: transitions === 0 && moves === 0,
    };
  });

  const ran = lvs.ran;
  out.push({
    id: 'lvs-dr',
    description: 'LVS direct routing',
    required: `every LVS target${ran ? ` (${ran.results})` : ''}`,
    measured: !ran
      ? `not run: ${lvsNotRunReason(lvs)}`
      : ran.missed.length
        ? `${ran.where}: missed ${ran.missed.join('; ')}`
        : ran.exitCode === 0
          ? `${ran.where}: every target met`
          : `${ran.where}: the LVS lab failed (exit ${ran.exitCode})`,
    status: !ran ? 'not-run' : ran.exitCode === 0 && ran.missed.length === 0 ? 'met' : 'missed',
  });
  return out;
}

/** Why the LVS scenarios did not run: skipped on request, or no kernel with IP_VS. */
export function lvsNotRunReason(lvs: LvsStatus): string {
  if (lvs.skipped) return lvs.skipped;
  return lvs.available ? lvs.detail : `kernel without IP_VS (${lvs.detail})`;
}
