// The pod's shell lives in real files (lib/keepalived/pod/scripts/*.sh), checked here by shellcheck (Debian's
// package) with the directives written in them; the rendering drops the maintainers' header and fills the
// placeholders, and refuses a placeholder without a value or a value without a placeholder.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { shellScript } from '../../../../lib/keepalived/pod/shell-script';
import { REPO_ROOT } from '../../../support/paths';

const SCRIPT_DIR = path.join(REPO_ROOT, 'lib', 'keepalived', 'pod', 'scripts');
const scripts = fs
  .readdirSync(SCRIPT_DIR)
  .filter((f) => f.endsWith('.sh'))
  .sort();
const shellcheck = spawnSync('shellcheck', ['--version'], { encoding: 'utf-8' });
const available = shellcheck.status === 0;

test('the pod has its three scripts and their shared tool check', () => {
  expect(scripts).toEqual(['ipvs-handover.sh', 'keepalived-start.sh', 'prepare-host.sh', 'require-tools.sh']);
});

if (available) {
  test.each(scripts)('shellcheck finds nothing in %s', (file) => {
    const r = spawnSync('shellcheck', ['--format=gcc', path.join(SCRIPT_DIR, file)], { encoding: 'utf-8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
} else if (process.env.EDGE_REQUIRE_KEEPALIVED === '1') {
  test('shellcheck is installed (EDGE_REQUIRE_KEEPALIVED=1)', () => {
    throw new Error(`shellcheck cannot run: ${shellcheck.error?.message ?? shellcheck.stderr} (apt-get install shellcheck)`);
  });
} else {
  console.warn(
    [
      '*'.repeat(78),
      'SKIPPED: the shellcheck tests of lib/keepalived/pod/scripts: shellcheck is not installed',
      '(apt-get install shellcheck). Set EDGE_REQUIRE_KEEPALIVED=1 to make this a failure (CI does).',
      '*'.repeat(78),
    ].join('\n'),
  );
  test.skip('shellcheck finds nothing in the pod scripts', () => undefined);
}

test("the rendered script has no maintainers' header and no placeholder left", () => {
  const text = shellScript('prepare-host.sh', { REQUIRE_TOOLS: '', STEPS: "load_module 'ip_vs'" });
  expect(text.split('\n')[0]).toBe('#!/bin/sh');
  expect(text).not.toMatch(/^#:|^# shellcheck |@@/m);
  expect(text.trimEnd().split('\n').pop()).toBe("load_module 'ip_vs'");
  for (const file of scripts)
    expect(fs.readFileSync(path.join(SCRIPT_DIR, file), 'utf-8')).toMatch(/^(#!\/bin\/sh\n)?(#:.*\n|# shellcheck .*\n)+\n/);
});

test('a missing or an unused value is an error naming the placeholder', () => {
  expect(() => shellScript('prepare-host.sh', { REQUIRE_TOOLS: '' })).toThrow('prepare-host.sh: no value for @@STEPS@@');
  expect(() => shellScript('prepare-host.sh', { REQUIRE_TOOLS: '', STEPS: '', EXTRA: 'x' })).toThrow(
    'prepare-host.sh has no placeholder for @@EXTRA@@',
  );
});
