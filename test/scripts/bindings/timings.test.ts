import { formatTimings } from '../../../scripts/bindings/timings';

test('one aligned line per language: each step, the total and the result', () => {
  const table = formatTimings([
    { language: 'python', steps: { build: 12.34, install: 1, synth: 5.55, badInput: 2 } },
    { language: 'java', steps: { build: 100 }, failure: 'mvn failed' },
    { language: 'dotnet', steps: {}, note: 'not built' },
  ]);
  expect(table.split('\n')).toEqual([
    'language  build s  install s  synth s  badInput s  total s  result',
    'python    12.3     1.0        5.5      2.0         20.9     ok',
    'java      100.0    -          -        -           100.0    FAILED',
    'dotnet    -        -          -        -           0.0      not built',
  ]);
});
