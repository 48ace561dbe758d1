/*
 * The tool check's lists against what the DaemonSet really runs: the programs read from the rendered start command
 * (with its authentication compare and IPVS tail), the liveness probe and the init container must be exactly the
 * listed ones, so a new program in a script without its entry (or a stale entry) fails here. The check itself runs
 * under /bin/sh with a PATH that lacks some of them.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HOST_PREPARATION_TOOLS, renderToolCheck, START_COMMAND_TOOLS } from '../../../../lib/keepalived/pod/required-tools';
import { fullKeepalivedPodSpec as fullPodSpec } from '../../../fixtures/seed-topology';
import { externalCommands } from '../../../support/shell-commands';

const sorted = (list: readonly string[]): string[] => [...list].sort();

test("the start command's list is every program the keepalived container's start command and probe run", () => {
  const spec = fullPodSpec();
  const [keepalived] = spec.containers;
  expect(keepalived.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
  expect(keepalived.command[2]).toContain('cmp -s'); // the authentication compare is in
  expect(keepalived.command[2]).toContain('release_ipvs'); // and the IPVS tail
  const used = new Set([...externalCommands(keepalived.command[2]), ...externalCommands(keepalived.livenessProbe.exec.command[2])]);
  expect(sorted([...used])).toEqual(sorted(START_COMMAND_TOOLS));
});

test("the host preparation's list is every program the init container runs", () => {
  const [prepare] = fullPodSpec().initContainers;
  expect(prepare.name).toBe('prepare-host');
  expect(externalCommands(prepare.command[2])).toEqual(sorted(HOST_PREPARATION_TOOLS));
});

test('both scripts check their list first, before any other command', () => {
  const spec = fullPodSpec();
  for (const [script, tools] of [
    [spec.containers[0].command[2], START_COMMAND_TOOLS],
    [spec.initContainers[0].command[2], HOST_PREPARATION_TOOLS],
  ] as const) {
    const check = script.indexOf(`for tool in ${tools.join(' ')}; do`);
    expect(check).toBeGreaterThan(0);
    expect(externalCommands(script.slice(0, check))).toEqual([]);
  }
});

describe('reading the programs of a script', () => {
  test('finds them in pipes, lists, command substitutions inside quotes, functions and case branches', () => {
    const script = [
      'f() { cat "$1" | cksum; }',
      'x=$(date -u) && [ -n "$x" ] || logger "text; not a command"',
      'echo "$(basename "$0")" >&2 2>/dev/null',
      'case "$1" in a | b) stat "$1" ;; *) exec tail -f /dev/null ;; esac',
      '# a comment naming rm',
      "trap 'exit' TERM; command -v wc >/dev/null; command nproc",
    ].join('\n');
    expect(externalCommands(script)).toEqual(['basename', 'cat', 'cksum', 'date', 'logger', 'nproc', 'stat', 'tail']);
  });

  test('refuses what it cannot read', () => {
    expect(() => externalCommands('cat <<EOF\nx\nEOF\n')).toThrow('here-documents are not supported');
    expect(() => externalCommands('x=`date`')).toThrow('backquotes are not supported');
  });
});

describe('the tool check', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tool-check-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the check for `tools` under /bin/sh with a PATH of links to the host's copies of `present` only. */
  function runCheck(tools: readonly string[], present: readonly string[]) {
    const bin = fs.mkdtempSync(path.join(dir, 'bin-'));
    for (const t of present) {
      const found = spawnSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).stdout.trim();
      fs.symlinkSync(found, path.join(bin, t));
    }
    const script = `${renderToolCheck('test script', tools)}\necho past the check\n`;
    return spawnSync('/bin/sh', ['-c', script], { env: { PATH: bin }, encoding: 'utf8' });
  }

  test('names every missing program in one message on stderr and exits 1', () => {
    const r = runCheck(['cat', 'sha256sum', 'cksum-nonexistent', 'cut'], ['cat']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^test script: this image lacks sha256sum cksum-nonexistent cut \(not found in PATH=.*\); /),
    ]);
  });

  test('passes when every program is there', () => {
    const r = runCheck(['cat', 'cut'], ['cat', 'cut']);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: 'past the check\n', stderr: '' });
  });
});
