/*
 * The keepalived container's start command run outside a cluster: its rendered script under a shell of choice,
 * against a stand-in keepalived (test/fixtures/fake-keepalived.py) that takes signals through a signalfd as
 * keepalived 2.2 does, with the ConfigMap, run dir and the script's stderr in a scratch folder.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderStartScript } from '../../lib/keepalived/pod/config-reloader';
import { ipvsHandoverSeconds } from '../../lib/keepalived/pod/ipvs-handover';
import { FIXTURES } from './paths';

/** The handover the default vrrp_garp_master_delay (1 s) gives. */
export const IPVS_HANDOVER_SECONDS = ipvsHandoverSeconds(1);
/** How long `until` waits for one event. */
export const UNTIL_TIMEOUT_MS = 10000;

/** What the fake keepalived logs when a pod with virtual servers gets SIGTERM: the main one, then the releaser. */
export const IPVS_HANDOVER_EVENTS = ['start main', 'term main', 'exit main', 'start release', 'term release', 'exit release'];

export interface Pod {
  readonly child: ChildProcess;
  readonly dir: string;
  /** The stand-in keepalived's event log. */
  readonly log: string;
  /** The start command's stderr (the container log). */
  readonly stderr: string;
  readonly exited: Promise<number | null>;
}

export const CONF = 'vrrp_instance VI_1 {\n}\n';

export interface PodOptions {
  readonly ipvsHandover: boolean;
  /** @default '/nonexistent' (no IPVS services left) */
  readonly ipvsTable?: string;
  /** The shell's command line, before `-c SCRIPT`. @default ['/bin/sh'] */
  readonly shell?: readonly string[];
  /**
   * Fills the pod's bin folder (first on PATH) and returns the PATH to use.
   * @default - the stand-in keepalived in the bin folder, then the host's folders
   */
  readonly bin?: (bin: string) => string;
}

/** The stand-in keepalived as `bin/keepalived`. */
export function linkFakeKeepalived(bin: string): void {
  fs.symlinkSync(path.join(FIXTURES, 'fake-keepalived.py'), path.join(bin, 'keepalived'));
}

export function startPod(opts: PodOptions): Pod {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-command-'));
  const bin = path.join(dir, 'bin');
  const configDir = path.join(dir, 'config');
  const runDir = path.join(dir, 'run');
  for (const d of [bin, configDir, runDir]) fs.mkdirSync(d);
  fs.writeFileSync(path.join(configDir, 'keepalived.conf'), CONF);
  const PATH =
    opts.bin?.(bin) ??
    (() => {
      linkFakeKeepalived(bin);
      return `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`;
    })();
  const log = path.join(dir, 'keepalived.log');
  fs.writeFileSync(log, '');
  const stderr = path.join(dir, 'stderr');
  const script = renderStartScript(
    { configDir, configFileName: 'keepalived.conf', runDir },
    opts.ipvsHandover ? IPVS_HANDOVER_SECONDS : undefined,
  );
  const args = [
    '--dont-fork',
    '--config-id',
    'edge-1',
    '--use-file',
    `${runDir}/active/keepalived.conf`,
    '--pid',
    `${runDir}/keepalived.pid`,
    '--vrrp_pid',
    `${runDir}/vrrp.pid`,
    '--checkers_pid',
    `${runDir}/checkers.pid`,
    ...(opts.ipvsHandover ? ['--dont-release-ipvs'] : ['--vrrp']),
  ];
  const err = fs.openSync(stderr, 'w');
  const [shell, ...shellArgs] = opts.shell ?? ['/bin/sh'];
  const child = spawn(shell, [...shellArgs, '-c', script, 'keepalived', ...args], {
    env: { PATH, NODE_NAME: 'edge-1', FAKE_KEEPALIVED_LOG: log, IPVS_TABLE: opts.ipvsTable ?? '/nonexistent' },
    stdio: ['ignore', 'ignore', err],
    detached: true,
  });
  fs.closeSync(err);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, dir, log, stderr, exited };
}

export interface LogLine {
  readonly t: number;
  readonly pid: number;
  readonly event: string;
}

export function readLog(pod: Pod): LogLine[] {
  return fs
    .readFileSync(pod.log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [t, pid, ...rest] = l.split(' ');
      return { t: Number(t) * 1000, pid: Number(pid), event: rest.join(' ') };
    });
}

export async function until(what: string, check: () => boolean, timeoutMs = UNTIL_TIMEOUT_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True once the fake has its signalfd (what the script's readiness check looks for). */
export function started(pod: Pod): boolean {
  return readLog(pod).some((l) => l.event.startsWith('start main'));
}

/** Kills every pod's process group and removes its folder (for afterEach). */
export function removePods(pods: Pod[]): void {
  for (const p of pods.splice(0)) {
    try {
      process.kill(-p.child.pid!, 'SIGKILL');
    } catch {
      /* exited */
    }
    fs.rmSync(p.dir, { recursive: true, force: true });
  }
}
