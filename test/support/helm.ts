// The real helm binary, built by `e2e/tools/build.sh helm` into e2e/bin (pinned in e2e/tools/helm/go.mod).
// Suites that need it call helmOrSkip(): without it they are skipped with a banner, and fail when
// EDGE_REQUIRE_HELM=1 (CI builds helm before npm test and sets it).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './paths';

export const HELM = path.join(REPO_ROOT, 'e2e', 'bin', 'helm');

export interface HelmRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function helm(args: readonly string[]): HelmRun {
  const r = spawnSync(HELM, args, {
    encoding: 'utf-8',
    // No kube config or Helm state of the machine's user: template and lint need neither.
    env: { PATH: process.env.PATH, HOME: path.join(REPO_ROOT, '.scratch', 'helm-home'), KUBECONFIG: '/dev/null' },
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The objects `helm template` renders; throws with Helm's message when it refuses. */
export function helmTemplate(chart: string, args: readonly string[] = []): any[] {
  const r = helm(['template', 'edge-ingress', chart, '--namespace', 'kube-system', ...args]);
  if (r.status !== 0) throw new Error(`helm template failed (${r.status}): ${r.stderr.trim()}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS())
    .filter((o) => o !== null);
}

/** The helm version, or why helm cannot run. */
function probe(): { version?: string; reason?: string } {
  if (!fs.existsSync(HELM)) return { reason: `${path.relative(REPO_ROOT, HELM)} does not exist (run e2e/tools/build.sh helm)` };
  try {
    const r = helm(['version', '--short']);
    return r.status === 0 ? { version: r.stdout.trim() } : { reason: r.stderr.trim() };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

/** Runs `suite` when helm can run; otherwise a loud skip, or a failure under EDGE_REQUIRE_HELM=1. */
export function describeWithHelm(name: string, suite: (version: string) => void): void {
  const { version, reason } = probe();
  if (version !== undefined) {
    describe(`${name} (helm ${version})`, () => suite(version));
  } else if (process.env.EDGE_REQUIRE_HELM === '1') {
    test(`${name}: helm can run (EDGE_REQUIRE_HELM=1)`, () => {
      throw new Error(`helm cannot run: ${reason}`);
    });
  } else {
    // Straight to stderr: jest prints no console output of a suite whose every test is skipped.
    const banner = [
      '*'.repeat(78),
      `SKIPPED: ${name}: ${reason}.`,
      'Set EDGE_REQUIRE_HELM=1 to make this a failure (CI does).',
      '*'.repeat(78),
    ];
    process.stderr.write(`${banner.join('\n')}\n`);
    test.skip(name, () => undefined);
  }
}
