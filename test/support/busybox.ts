/*
 * BusyBox as the keepalived image's shell and tools: a folder of applet links to one busybox binary (Debian's
 * busybox-static, as in the project's BusyBox image), to put alone on PATH.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const BUSYBOX = process.env.EDGE_BUSYBOX ?? '/bin/busybox';

export interface BusyboxAvailability {
  readonly available: boolean;
  readonly applets: readonly string[];
  /** Why not, naming the binary. */
  readonly reason?: string;
}

export function busyboxAvailability(): BusyboxAvailability {
  const r = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error ? (r.error as NodeJS.ErrnoException).code : `exit ${r.status}: ${r.stderr.trim()}`;
    return { available: false, applets: [], reason: `${BUSYBOX} --list failed (${why}; apt-get install busybox-static)` };
  }
  return { available: true, applets: r.stdout.split('\n').filter(Boolean) };
}

/** Links every applet in `dir` to the busybox binary (what `busybox --install -s DIR` does, without its paths). */
export function linkApplets(dir: string, applets: readonly string[]): void {
  for (const a of applets) fs.symlinkSync(BUSYBOX, path.join(dir, a));
}

/**
 * `describe` for tests that run under BusyBox. Without it the block fails with the reason if
 * EDGE_REQUIRE_KEEPALIVED=1 (CI installs busybox-static), and is otherwise skipped with a loud warning.
 */
export function describeWithBusybox(name: string, fn: (applets: readonly string[]) => void): void {
  const a = busyboxAvailability();
  if (a.available) {
    describe(name, () => fn(a.applets));
    return;
  }
  if (process.env.EDGE_REQUIRE_KEEPALIVED === '1') {
    describe(name, () => {
      test('busybox is installed (EDGE_REQUIRE_KEEPALIVED=1)', () => {
        throw new Error(`the BusyBox tests cannot run: ${a.reason}`);
      });
    });
    return;
  }
  console.warn(
    [
      '*'.repeat(78),
      `SKIPPED: "${name}" needs BusyBox: ${a.reason}.`,
      'Set EDGE_REQUIRE_KEEPALIVED=1 to make this a failure (CI does).',
      '*'.repeat(78),
    ].join('\n'),
  );
  describe.skip(name, () => fn([]));
}
