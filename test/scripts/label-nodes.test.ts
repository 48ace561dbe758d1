// npm run label-nodes: prints the label commands, or runs them (--apply) with whatever kubectl is on PATH;
// here a fake kubectl that logs its arguments and fails on request.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../scripts/label-nodes';
import { FIXTURES, REPO_ROOT } from '../support/paths';

const root = REPO_ROOT;
const customApp = path.join(FIXTURES, 'custom-label-app.ts');
const badApp = path.join(root, 'test', 'fixtures', 'bad-app.ts');

let bin: string;
let log: string;

beforeAll(() => {
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-kubectl-'));
  log = path.join(bin, 'calls.log');
  fs.writeFileSync(
    path.join(bin, 'kubectl'),
    [
      '#!/bin/sh',
      'echo "$*" >> "$FAKE_KUBECTL_LOG"',
      'if [ -n "$FAKE_KUBECTL_FAIL_ON" ] && [ "$3" = "$FAKE_KUBECTL_FAIL_ON" ]; then',
      '  echo "Error from server (NotFound): nodes \\"$3\\" not found" >&2; exit 1',
      'fi',
      'echo "node/$3 labeled"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
});

afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

beforeEach(() => fs.rmSync(log, { force: true }));

function calls(): string[] {
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf-8').trim().split('\n') : [];
}

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const status = main(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, FAKE_KUBECTL_LOG: log, ...env },
  });
  return { status, stdout, stderr };
}

test('prints one kubectl command per configured node (main.ts) and runs nothing', () => {
  const result = run([]);
  expect(result).toEqual({
    status: 0,
    stderr: '',
    stdout: [
      'kubectl label nodes 172.20.0.113 edgenode=true --overwrite',
      'kubectl label nodes 172.20.0.114 edgenode=true --overwrite',
      'kubectl label nodes 172.20.0.115 edgenode=true --overwrite',
      '',
    ].join('\n'),
  });
  expect(calls()).toEqual([]);
});

test('honours a custom nodeLabel', () => {
  expect(run(['--app', customApp]).stdout).toBe(
    [
      'kubectl label nodes edge-a example.com/edge=yes --overwrite',
      'kubectl label nodes edge-b.example.com example.com/edge=yes --overwrite',
      '',
    ].join('\n'),
  );
});

test('--apply runs kubectl once per node, in order', () => {
  const result = run(['--apply', '--app', customApp]);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(calls()).toEqual([
    'label nodes edge-a example.com/edge=yes --overwrite',
    'label nodes edge-b.example.com example.com/edge=yes --overwrite',
  ]);
  expect(result.stdout).toContain('node/edge-b.example.com labeled');
  expect(result.stdout).toMatch(/labelled 2 nodes\n$/);
});

test('--apply stops at the first failure and says what was and was not done', () => {
  const result = run(['--apply'], { FAKE_KUBECTL_FAIL_ON: '172.20.0.114' });
  expect(result.status).toBe(1);
  expect(calls()).toEqual(['label nodes 172.20.0.113 edgenode=true --overwrite', 'label nodes 172.20.0.114 edgenode=true --overwrite']);
  expect(result.stderr).toContain('nodes "172.20.0.114" not found');
  expect(result.stderr).toContain(
    'label-nodes: `kubectl label nodes 172.20.0.114 edgenode=true --overwrite` failed (exit 1); ' +
      'labelled 1 of 3 nodes, not attempted: 172.20.0.115',
  );
});

test('--apply without kubectl on PATH fails clearly', () => {
  const result = run(['--apply', '--app', customApp], { PATH: bin.replace(/$/, '-missing') });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('label-nodes: kubectl was not found on PATH; labelled 0 of 2 nodes');
});

test('bad input (the app throws) fails with its message and applies nothing', () => {
  const result = run(['--apply', '--app', badApp]);
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toBe('label-nodes failed: virtualRouterId 256 is outside 1-255\nno node was labelled\n');
  expect(calls()).toEqual([]);
});

test('an unknown option is a usage error', () => {
  const result = run(['--aply']);
  expect(result.status).toBe(2);
  expect(result.stderr).toContain('usage: npm run label-nodes');
});

test('as a command: `npm run label-nodes -- --apply` exits non-zero on bad input, 0 otherwise', () => {
  const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, FAKE_KUBECTL_LOG: log };
  const script = path.join(root, 'scripts', 'label-nodes.ts');
  const ok = spawnSync(process.execPath, ['-r', '@swc-node/register', script, '--apply', '--app', customApp], {
    cwd: root,
    encoding: 'utf-8',
    env,
  });
  expect(ok.stderr).toBe('');
  expect(ok.status).toBe(0);
  expect(calls()).toHaveLength(2);
  const bad = spawnSync(process.execPath, ['-r', '@swc-node/register', script, '--app', badApp], { cwd: root, encoding: 'utf-8', env });
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('virtualRouterId 256 is outside 1-255');
}, 20_000);
