// test/ mirrors the source: a test of lib/x/y.ts lives in test/lib/x/ (scripts/, lab/ and e2e/ alike), and every
// suite that needs root (the real keepalived, network namespaces, nsenter) is a `*.root.test.ts`, jest's `root` project.
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../support/paths';

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(full) : e.name.endsWith('.test.ts') ? [path.relative(REPO_ROOT, full)] : [];
  });
}

const tests = testFiles(path.join(REPO_ROOT, 'test'));
// Suites about the repository or the package as a whole, not one source file.
const WHOLE = /^test\/(package|repository)\//;

test('every test folder under test/ (but package/, repository/) is a folder of the source', () => {
  const orphans = tests
    .filter((t) => !WHOLE.test(t))
    .filter((t) => !fs.existsSync(path.join(REPO_ROOT, path.dirname(t).replace(/^test\/?/, ''))));
  expect(orphans).toEqual([]);
  // Not vacuous: a test in a folder the source does not have is reported.
  expect(fs.existsSync(path.join(REPO_ROOT, 'day2'))).toBe(false);
});

test('suites that need root are *.root.test.ts, and only those', () => {
  const needsRoot = (t: string): boolean =>
    /describeWithKeepalived\(|process\.getuid/.test(fs.readFileSync(path.join(REPO_ROOT, t), 'utf-8'));
  expect(tests.filter((t) => needsRoot(t) !== t.endsWith('.root.test.ts'))).toEqual([]);
});
