import {
  RunRecord,
  ScenarioId,
  ScenarioResult,
  VariantId,
  representativeRun,
  seedProjectRatios,
  summarizeRuns,
} from '../../../lab/vrrp/results';
import { failing } from '../../../lab/core/outcome';
import { evaluateTargets } from '../../../lab/vrrp/targets';
import { renderMarkdown } from '../../../lab/vrrp/report';

function run(scenario: ScenarioId, variant: VariantId, n: number, over: Partial<RunRecord> = {}): RunRecord {
  return {
    scenario,
    variant,
    run: n,
    ok: true,
    t0: 0,
    tEnd: 5000,
    faultNode: 'edge-1',
    newHolder: 'edge-2',
    vipMoveS: 0.5,
    clientGapS: 0.6,
    moves: 1,
    doubleHoldingS: 0,
    failedRequests: 30,
    requests: 200,
    notes: [],
    ...over,
  };
}

function result(scenario: ScenarioId, variant: VariantId, runs: RunRecord[]): ScenarioResult {
  return {
    scenario,
    variant,
    variantLabel: variant === 'project' ? 'project defaults' : 'seed settings',
    title: scenario,
    runs,
    summary: summarizeRuns(runs),
  };
}

function good(): ScenarioResult[] {
  const three = (s: ScenarioId, v: VariantId, over: Partial<RunRecord> = {}) => [1, 2, 3].map((i) => run(s, v, i, over));
  return [
    result('graceful-stop', 'project', three('graceful-stop', 'project', { vipMoveS: 0.13, clientGapS: 0.15 })),
    result('graceful-stop', 'seed', three('graceful-stop', 'seed', { vipMoveS: 0.62, clientGapS: 0.66 })),
    result('crash', 'project', three('crash', 'project', { vipMoveS: 0.7, clientGapS: 0.72 })),
    result('crash', 'seed', three('crash', 'seed', { vipMoveS: 3.6, clientGapS: 3.6 })),
    result('traefik-unhealthy', 'project', three('traefik-unhealthy', 'project', { vipMoveS: 1.4 })),
    result('traefik-dead', 'project', three('traefik-dead', 'project', { vipMoveS: 1.4 })),
    result('return-after-crash', 'project', three('return-after-crash', 'project', { vipMoveS: null, moves: 0 })),
    result('rollout', 'project', [
      run('rollout', 'project', 1, { label: 'holder first', order: ['edge-1', 'edge-2', 'edge-3'], moves: 2, structuralMoves: 2 }),
      run('rollout', 'project', 2, { label: 'holder last', order: ['edge-2', 'edge-3', 'edge-1'], moves: 1, structuralMoves: 1 }),
    ]),
    result('cpu-load', 'project', [run('cpu-load', 'project', 1, { vipMoveS: null, moves: 0, vrrpTransitions: 0 })]),
  ];
}

const LVS = { available: false, detail: '/proc/net/ip_vs missing' };
const byId = (ts: ReturnType<typeof evaluateTargets>, id: string) => ts.find((t) => t.id === id)!;

describe('summaries', () => {
  test('errored runs are counted but not measured', () => {
    const s = summarizeRuns([
      run('crash', 'project', 1, { vipMoveS: 0.6 }),
      run('crash', 'project', 2, { ok: false, vipMoveS: null, moves: null }),
      run('crash', 'project', 3, { vipMoveS: 0.8 }),
    ]);
    expect(s).toMatchObject({ runs: 3, erroredRuns: 1, movesPerRun: [1, 1] });
    expect(s.vipMoveS.median).toBeCloseTo(0.7, 10);
  });

  test('runs without a move and with an open gap are counted', () => {
    const s = summarizeRuns([run('traefik-dead', 'seed', 1, { vipMoveS: null, clientRecovered: false })]);
    expect(s.notMoved).toBe(1);
    expect(s.gapLowerBound).toBe(1);
  });

  test('representative run is the median by VIP move time', () => {
    const runs = [0.9, 0.5, 0.7].map((v, i) => run('crash', 'project', i + 1, { vipMoveS: v }));
    expect(representativeRun(runs)!.run).toBe(3);
  });

  test('ratios seed / project', () => {
    const r = seedProjectRatios(good());
    expect(r.map((x) => x.scenario)).toEqual(['graceful-stop', 'crash']);
    expect(r[1].vipMove).toBeCloseTo(3.6 / 0.7, 10);
  });
});

describe('targets', () => {
  test('all met on good data; rollout holder first is reported as structural, not as a miss', () => {
    const ts = evaluateTargets(good(), LVS);
    expect(ts.filter(failing)).toEqual([]);
    expect(byId(ts, 'crash-vip-move').status).toBe('met');
    expect(byId(ts, 'crash-vs-seed').status).toBe('met');
    expect(byId(ts, 'rollout-moves-1')).toMatchObject({ status: 'structural' });
    expect(byId(ts, 'rollout-moves-1').note).toMatch(/holder-last/);
    expect(byId(ts, 'rollout-moves-2').status).toBe('met');
    expect(byId(ts, 'lvs-dr')).toMatchObject({ status: 'not-run', measured: expect.stringContaining('not run: kernel without IP_VS') });
    // A suite without them says so instead of blaming the kernel.
    expect(byId(evaluateTargets(good(), { ...LVS, skipped: 'not in this suite' }), 'lvs-dr')).toMatchObject({
      status: 'not-run',
      measured: 'not run: not in this suite',
    });
    // Once the LVS part ran, its outcome is this target's: a missed LVS target fails the lab.
    const ran = (exitCode: number, missed: string[]) =>
      byId(evaluateTargets(good(), { ...LVS, ran: { where: 'User-Mode Linux', exitCode, missed, results: 'lvs/results.md' } }), 'lvs-dr');
    expect(ran(0, [])).toMatchObject({ status: 'met', measured: 'User-Mode Linux: every target met' });
    expect(ran(1, ['spread'])).toMatchObject({ status: 'missed', measured: 'User-Mode Linux: missed spread' });
    expect(ran(2, [])).toMatchObject({ status: 'missed' });
    expect(byId(ts, 'cpu-no-spurious').status).toBe('met');
  });

  test('slow crash failover and a weak speedup are missed', () => {
    const rs = good().map((r) =>
      r.scenario === 'crash' && r.variant === 'project'
        ? result(
            'crash',
            'project',
            [1, 2, 3].map((i) => run('crash', 'project', i, { vipMoveS: 1.2, clientGapS: 1.3 })),
          )
        : r,
    );
    const ts = evaluateTargets(rs, LVS);
    expect(byId(ts, 'crash-vip-move').status).toBe('missed');
    expect(byId(ts, 'crash-client-gap').status).toBe('missed');
    expect(byId(ts, 'crash-vs-seed').status).toBe('missed'); // 3.6 / 1.2 = 3x
  });

  test('a run without a move fails the move-time target even if the median looks fine', () => {
    const runs = [
      run('graceful-stop', 'project', 1, { vipMoveS: 0.1 }),
      run('graceful-stop', 'project', 2, { vipMoveS: 0.1 }),
      run('graceful-stop', 'project', 3, { vipMoveS: null, moves: 0 }),
    ];
    const ts = evaluateTargets([result('graceful-stop', 'project', runs)], LVS);
    expect(byId(ts, 'graceful-stop').status).toBe('missed');
    expect(byId(ts, 'one-move-per-fault').status).toBe('missed');
  });

  test('second move after the return, split brain and CPU flaps are missed', () => {
    const rs = good().map((r) => {
      if (r.scenario === 'return-after-crash')
        return result('return-after-crash', 'project', [run('return-after-crash', 'project', 1, { moves: 1, doubleHoldingS: 0.8 })]);
      if (r.scenario === 'cpu-load')
        return result('cpu-load', 'project', [run('cpu-load', 'project', 1, { moves: 0, vrrpTransitions: 2 })]);
      return r;
    });
    const ts = evaluateTargets(rs, LVS);
    expect(byId(ts, 'return-no-move').status).toBe('missed');
    expect(byId(ts, 'return-no-split-brain').status).toBe('missed');
    expect(byId(ts, 'cpu-no-spurious').status).toBe('missed');
  });

  test('a rollout with more moves than its structural minimum is missed', () => {
    const rs = good().map((r) =>
      r.scenario === 'rollout'
        ? result('rollout', 'project', [
            run('rollout', 'project', 1, { label: 'holder first', order: ['edge-1', 'edge-2', 'edge-3'], moves: 3, structuralMoves: 2 }),
          ])
        : r,
    );
    expect(byId(evaluateTargets(rs, LVS), 'rollout-moves-1').status).toBe('missed');
  });

  test('scenarios not selected are not-run (not failing); scenarios whose runs all errored are no-data (failing)', () => {
    const ts = evaluateTargets([result('crash', 'project', [run('crash', 'project', 1, { ok: false, vipMoveS: null })])], LVS);
    expect(byId(ts, 'graceful-stop').status).toBe('not-run');
    expect(failing(byId(ts, 'graceful-stop'))).toBe(false);
    expect(byId(ts, 'crash-vip-move').status).toBe('no-data');
    expect(failing(byId(ts, 'crash-vip-move'))).toBe(true);
  });
});

describe('markdown report', () => {
  test('has the tables and the LVS line', () => {
    const results = good();
    const md = renderMarkdown({
      startedAt: '2026-01-01T00:00:00.000Z',
      durationS: 300,
      mode: 'short',
      host: { kernel: '6.x', keepalived: 'Keepalived v2.2.7', cpus: 2 },
      variants: [
        { id: 'project', label: 'project defaults', capabilities: ['NET_ADMIN', 'NET_RAW'] },
        { id: 'seed', label: 'seed settings', capabilities: null },
      ],
      lvs: LVS,
      scenarios: results,
      ratios: seedProjectRatios(results),
      targets: evaluateTargets(results, LVS),
      labErrors: [],
    });
    expect(md).toContain('| scenario | settings | runs |');
    expect(md).toContain('## Rollout by node order');
    expect(md).toContain('## Seed settings vs project defaults');
    expect(md).toContain('5.1x');
    expect(md).toContain('structurally unreachable');
    expect(md).toContain('LVS direct routing: not run (kernel without IP_VS (/proc/net/ip_vs missing))');
    expect(md).toContain('under setpriv with only NET_ADMIN, NET_RAW');
  });
});
