import { Day2Run, day2Targets, handoverTargetMet, renderDay2Markdown } from '../../../lab/day2/day2-results';

test('the reload-while-Traefik-fails target is the median handover over the runs, and every run must move the VIP', () => {
  expect(handoverTargetMet([{ handoverMs: 1900 }, { handoverMs: 2631 }, { handoverMs: 2100 }])).toBe(true);
  expect(handoverTargetMet([{ handoverMs: 2600 }, { handoverMs: 2631 }, { handoverMs: 2100 }])).toBe(false);
  expect(handoverTargetMet([{ handoverMs: 700 }, { handoverMs: null }])).toBe(false);
  // Runs of other scenarios carry no handover time.
  expect(handoverTargetMet([{ handoverMs: undefined }])).toBe(true);
});

function day2Run(over: Partial<Day2Run>): Day2Run {
  return {
    scenario: 'backup-priority',
    run: 1,
    holderBefore: 'edge-1',
    holderAfter: 'edge-1',
    vipMoves: 0,
    doubleHoldingMs: 0,
    failedRequests: 0,
    requests: 100,
    clientGapMs: 20,
    clientGapAtMs: 0,
    delivery: {},
    allNodesMs: 4000,
    checks: [{ name: 'no VIP move', ok: true, detail: '' }],
    ...over,
  };
}

describe('day2Targets', () => {
  test('one target per selected scenario: met only when every check of every run passed, misses named', () => {
    const targets = day2Targets([
      day2Run({}),
      day2Run({ run: 2 }),
      day2Run({ scenario: 'node-added' }),
      day2Run({ scenario: 'node-added', run: 2, checks: [{ name: 'no VIP move', ok: false, detail: '1 move' }] }),
    ]);
    expect(targets.map((t) => [t.id, t.status])).toEqual([
      ['backup-priority', 'met'],
      ['node-added', 'missed'],
    ]);
    expect(targets[1].measured).toBe('1 of 2 runs passed every check (missed: #2 no VIP move)');
  });

  test('measured-only scenarios have no target; the handover median is a target of its own', () => {
    const targets = day2Targets([
      day2Run({ scenario: 'vrid-change', checks: [{ name: 'x', ok: false, detail: '' }] }),
      day2Run({ scenario: 'reload-traefik-failing', handoverMs: 2000 }),
      day2Run({ scenario: 'reload-traefik-failing', run: 2, handoverMs: 2900 }),
      day2Run({ scenario: 'reload-traefik-failing', run: 3, handoverMs: 3000 }),
    ]);
    expect(targets.map((t) => t.id)).toEqual(['reload-traefik-failing', 'reload-traefik-failing-handover']);
    expect(targets[1]).toMatchObject({ status: 'missed', measured: '2000 ms, 2900 ms, 3000 ms' });
  });

  test('the report lists every target with its status', () => {
    const runs = [day2Run({}), day2Run({ scenario: 'node-added', checks: [{ name: 'no VIP move', ok: false, detail: '' }] })];
    const md = renderDay2Markdown(runs, day2Targets(runs), {
      mode: 'short',
      maxDelayMs: 10_000,
      started: '2026-12-07T00:00:00Z',
      keepalived: 'Keepalived v2.2.7',
      traefik: 'the stand-in',
      traefikErrors: [],
    });
    expect(md).toContain('## Targets');
    expect(md).toMatch(/\| backup-priority: .* \| every check of every run \| 1 of 1 runs passed every check \| ✅ met \|/);
    expect(md).toMatch(/\| node-added: .* \| ❌ missed \|/);
  });
});
