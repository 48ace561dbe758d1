// `npm run bench`: wall time of `npm run synth` as users run it (a fresh `node -r @swc-node/register
// scripts/synth.ts` process, so module loading and swc compilation count), 7 runs into a temp folder;
// prints the median and the max. Then runs the keepalived render bench (scripts/bench-keepalived.ts).
// With --test it also times the whole `npm test` (3 runs; about a minute) and prints the median.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-bench-'));
const times: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(root, 'scripts', 'synth.ts'), '--out', out],
      { cwd: root, encoding: 'utf-8' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (run.status !== 0) {
      process.stderr.write(`bench: synth failed:\n${run.stderr}`);
      process.exit(1);
    }
  }
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
process.stdout.write(`synth (${RUNS} runs): median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms\n`);

const keepalivedBench = path.join(root, 'scripts', 'bench-keepalived.ts');
{
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', keepalivedBench], { cwd: root, encoding: 'utf-8' });
  if (run.status !== 0) {
    process.stderr.write(`bench: ${path.relative(root, keepalivedBench)} failed:\n${run.stderr}`);
    process.exit(1);
  }
  // Its own report; the median line is the one to quote.
  const lines = run.stdout.trim().split('\n');
  const medianLine = lines.find((line) => /median/i.test(line));
  process.stdout.write(`keepalived render: ${(medianLine ?? lines.join('\n  ')).trim()}\n`);
}

if (process.argv.includes('--test')) {
  const testTimes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    const run = spawnSync('npm', ['test', '--silent'], { cwd: root, encoding: 'utf-8' });
    testTimes.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (run.status !== 0) {
      process.stderr.write(`bench: npm test failed:\n${run.stdout}${run.stderr}`);
      process.exit(1);
    }
  }
  process.stdout.write(`npm test (3 runs): median ${median(testTimes).toFixed(1)} s, max ${Math.max(...testTimes).toFixed(1)} s\n`);
}
