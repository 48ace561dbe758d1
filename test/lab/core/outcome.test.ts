import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXIT_MET, EXIT_MISSED } from '../../../lab/core/cli';
import { LabTarget, concludeLab, failing, statusOf, writeResults } from '../../../lab/core/outcome';

const target = (status: LabTarget['status']): LabTarget => ({
  id: status,
  description: `t ${status}`,
  required: 'r',
  measured: 'm',
  status,
});

test('missed and no-data fail; met, structural and not-run do not', () => {
  expect(['met', 'missed', 'structural', 'not-run', 'no-data'].filter((s) => failing(target(s as LabTarget['status'])))).toEqual([
    'missed',
    'no-data',
  ]);
  expect([statusOf(true), statusOf(false), statusOf(null)]).toEqual(['met', 'missed', 'no-data']);
});

test('the exit code: met only without a failing target and without lab errors', () => {
  const lines: string[] = [];
  expect(concludeLab({ suite: 'x', targets: [target('met'), target('not-run')], errors: [] }, (l) => lines.push(l))).toBe(EXIT_MET);
  expect(lines.at(-1)).toBe('x: every target met');
  expect(concludeLab({ suite: 'x', targets: [target('met')], errors: ['boom'] }, () => undefined)).toBe(EXIT_MISSED);
  const missed: string[] = [];
  expect(concludeLab({ suite: 'x', targets: [target('no-data')], errors: [] }, (l) => missed.push(l))).toBe(EXIT_MISSED);
  expect(missed).toContain('  - t no-data: m (required r)');
});

test('writeResults writes results.json and results.md, creating the folder', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'outcome-')), 'a', 'b');
  writeResults(out, { targets: [] }, '# report\n');
  expect(JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'))).toEqual({ targets: [] });
  expect(fs.readFileSync(path.join(out, 'results.md'), 'utf8')).toBe('# report\n');
});
