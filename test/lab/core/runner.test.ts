import { MAX_ERRORS_PER_VARIANT, REPLACEMENTS_PER_SCENARIO, RunnerHooks, VariantPlan, runPlans } from '../../../lab/core/runner';

interface Rec {
  variant: string;
  scenario: string;
  run: number;
  error?: string;
  spoiled?: boolean;
}

const hooks = (lines: string[] = []): RunnerHooks<Rec> => ({
  progress: (m) => lines.push(m),
  describe: (r) => (r.spoiled ? 'spoiled' : 'ok'),
  errored: (variant, scenario, run, error) => ({ variant, scenario, run, error }),
  spoiled: (r) => Boolean(r.spoiled),
});

function variant(name: string, outcome: (scenario: string, run: number) => 'ok' | 'spoiled' | 'throw', events: string[]): VariantPlan<Rec> {
  const one = (scenario: string, runs: number) => ({
    scenario,
    runs,
    run: async (run: number): Promise<Rec[]> => {
      const o = outcome(scenario, run);
      if (o === 'throw') throw new Error(`${scenario} ${run} broke`);
      return [{ variant: name, scenario, run, spoiled: o === 'spoiled' }];
    },
  });
  return {
    variant: name,
    setup: async () => void events.push(`setup ${name}`),
    scenarios: () => [one('a', 2), one('b', 1)],
    teardown: async () => void events.push(`teardown ${name}`),
  };
}

test('every variant, scenario and run in order, each variant set up once and torn down', async () => {
  const events: string[] = [];
  const ran = await runPlans([variant('p', () => 'ok', events), variant('s', () => 'ok', events)], hooks());
  expect(ran.records.map((r) => `${r.variant}/${r.scenario}/${r.run}`)).toEqual(['p/a/1', 'p/a/2', 'p/b/1', 's/a/1', 's/a/2', 's/b/1']);
  expect(events).toEqual(['setup p', 'teardown p', 'setup s', 'teardown s']);
  expect(ran.errors).toEqual([]);
});

test('a spoiled run is kept and replaced; an errored run is recorded, replaced and reported as a lab error', async () => {
  const lines: string[] = [];
  const ran = await runPlans(
    [variant('p', (s, n) => (s === 'a' && n === 1 ? 'spoiled' : s === 'b' && n === 1 ? 'throw' : 'ok'), [])],
    hooks(lines),
  );
  expect(ran.records.map((r) => `${r.scenario}/${r.run}${r.spoiled ? ' spoiled' : ''}${r.error ? ' error' : ''}`)).toEqual([
    'a/1 spoiled',
    'a/2',
    'a/3',
    'b/1 error',
    'b/2',
  ]);
  expect(ran.errors).toEqual(['p | b 1/1: b 1 broke']);
  expect(lines).toContain('p | b 1/1: ERROR b 1 broke');
});

const replacementsTitle =
  `replacements stop after ${REPLACEMENTS_PER_SCENARIO} per scenario; ` + `after ${MAX_ERRORS_PER_VARIANT} errors the variant is given up`;
test(replacementsTitle, async () => {
  const always = await runPlans([variant('p', (s) => (s === 'a' ? 'spoiled' : 'ok'), [])], hooks());
  expect(always.records.filter((r) => r.scenario === 'a')).toHaveLength(2 + REPLACEMENTS_PER_SCENARIO);

  const events: string[] = [];
  const broken = await runPlans([variant('p', () => 'throw', events), variant('s', () => 'ok', events)], hooks());
  expect(broken.errors).toHaveLength(MAX_ERRORS_PER_VARIANT + 1);
  expect(broken.errors.at(-1)).toBe(`p: ${MAX_ERRORS_PER_VARIANT} runs failed, giving up on this variant`);
  // The variant given up is still torn down, and the next one runs.
  expect(events).toEqual(['setup p', 'teardown p', 'setup s', 'teardown s']);
  expect(broken.records.filter((r) => r.variant === 's')).toHaveLength(3);
});

test('a run that measures two scenarios leaves an errored record for each when it throws', async () => {
  const ran = await runPlans(
    [
      {
        variant: 'p',
        setup: async () => undefined,
        scenarios: () => [{ scenario: 'crash', alsoMeasures: ['return'], runs: 1, run: async () => Promise.reject(new Error('x')) }],
        teardown: async () => undefined,
      },
    ],
    hooks(),
  );
  expect(ran.records.filter((r) => r.run === 1).map((r) => r.scenario)).toEqual(['crash', 'return']);
});

test('a failed setup is a lab error and still tears down', async () => {
  const events: string[] = [];
  const ran = await runPlans([{ ...variant('p', () => 'ok', events), setup: () => Promise.reject(new Error('no namespace')) }], hooks());
  expect(ran.records).toEqual([]);
  expect(ran.errors).toEqual(['p: no namespace']);
  expect(events).toEqual(['teardown p']);
});
