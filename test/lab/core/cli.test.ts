import * as path from 'path';
import { countOf, listOf, modeOf, outDirOf, parseLabArgs, REPO_ROOT, UsageError } from '../../../lab/core/cli';

test('unknown flags, bad lists and bad counts are usage errors that name the flag and the value', () => {
  expect(() => parseLabArgs(['--fast'], {})).toThrow(UsageError);
  expect(() => parseLabArgs(['--fast'], {})).toThrow("Unknown option '--fast'");
  expect(() => listOf('scenarios', 'crash,oops', ['crash', 'spread'], ['crash'])).toThrow(
    '--scenarios takes a comma-separated list of crash, spread; got "crash,oops"',
  );
  expect(() => listOf('scenarios', '', ['crash'], ['crash'])).toThrow('--scenarios');
  expect(() => countOf('runs', 'NaN')).toThrow('--runs takes a whole number of at least 1; got "NaN"');
  expect(() => countOf('runs', '0')).toThrow('--runs');
  expect(() => countOf('runs', '2.5')).toThrow('--runs');
  expect(() => modeOf({ short: true, full: true })).toThrow('--short and --full exclude each other');
});

test('the values a lab reads', () => {
  const values = parseLabArgs(['--full', '--scenarios', 'crash', '--runs', '3'], {
    scenarios: { type: 'string' },
    runs: { type: 'string' },
  });
  expect(modeOf(values)).toBe('full');
  expect(modeOf({})).toBe('short');
  expect(listOf('scenarios', values.scenarios, ['crash', 'spread'], ['spread'])).toEqual(['crash']);
  expect(listOf('scenarios', undefined, ['crash', 'spread'], ['spread'])).toEqual(['spread']);
  expect(countOf('runs', values.runs)).toBe(3);
  expect(countOf('runs', undefined)).toBeUndefined();
});

test('a run writes the committed results only when asked', () => {
  const committed = path.join(REPO_ROOT, 'lab', 'results');
  expect(outDirOf({ full: true }, committed, 'full')).toBe(path.join(REPO_ROOT, '.lab-out', 'full'));
  expect(outDirOf({ 'write-results': true }, committed, 'full')).toBe(committed);
  expect(outDirOf({ out: 'x' }, committed, 'full')).toBe(path.resolve('x'));
  expect(() => outDirOf({ out: 'x', 'write-results': true }, committed, 'full')).toThrow('--out and --write-results exclude each other');
});
