// The repository stands alone: no committed script, test, doc or config points at files outside it (such as
// a sibling shared/ folder of the machine it was written on).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const OUTSIDE = /\.\.\/shared\b|\/work\/|(?<![\w.-])shared\/(tools|notes|data|seed|k8s-schemas)\//;

test('no committed text file refers to a path outside the repository', () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf-8' }).split('\0').filter(Boolean);
  expect(files).toContain('README.md');
  const hits: string[] = [];
  for (const file of files) {
    const full = path.join(root, file);
    if (!fs.existsSync(full) || fs.statSync(full).size > 5_000_000) continue;
    const text = fs.readFileSync(full);
    if (text.includes(0)) continue; // binary
    text
      .toString('utf-8')
      .split('\n')
      .forEach((line, i) => {
        if (OUTSIDE.test(line)) hits.push(`${file}:${i + 1}: ${line.trim().slice(0, 160)}`);
      });
  }
  expect(hits).toEqual([]);
});

test('the pattern catches the kinds of reference it is meant to', () => {
  // Written in capitals and lowered here, so that this file does not match itself.
  for (const line of ['node ../SHARED/TOOLS/import.js', 'see /WORK/SHARED/NOTES/lab.md', 'copied from SHARED/DATA/x.yaml'].map((text) =>
    text.toLowerCase(),
  )) {
    expect(OUTSIDE.test(line)).toBe(true);
  }
  expect(OUTSIDE.test('test/schema/k8s-1.27.0.json')).toBe(false);
});
