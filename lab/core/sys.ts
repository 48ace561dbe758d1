/**
 * Side-effecting helpers: commands, namespaces, process tracking and teardown.
 * Every namespace the lab creates starts with `edgelab-<pid>-`; teardown removes exactly those.
 */
import { spawnSync, ChildProcess } from 'child_process';
import * as fs from 'fs';

export const NS_ROOT = 'edgelab-';

export function runPrefix(pid = process.pid): string {
  return `${NS_ROOT}${pid}-`;
}

export class CommandError extends Error {}

/** Runs a command synchronously; throws with its stderr unless `allowFail`. */
export function run(
  cmd: string,
  args: string[],
  opts: { allowFail?: boolean; input?: string } = {},
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: opts.input, timeout: 15000 });
  const code = r.status ?? -1;
  const res = { code, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
  if (code !== 0 && !opts.allowFail) {
    throw new CommandError(`${cmd} ${args.join(' ')} -> rc ${code}: ${res.stderr.trim() || r.error || ''}`);
  }
  return res;
}

/** `ip -n <ns> ...` (never without a namespace: the lab must not touch the host's network). */
export function ipn(ns: string, args: string[], allowFail = false): string {
  return run('ip', ['-n', ns, ...args], { allowFail }).stdout;
}

export function listNamespaces(): string[] {
  const out = run('ip', ['netns', 'list'], { allowFail: true }).stdout;
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((n) => !!n);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------
// Tracking and teardown

interface Tracked {
  readonly pid: number;
  /** Spawned with detached: true, so it leads its own process group. */
  readonly group: boolean;
}

const tracked = new Map<number, Tracked>();
const tempDirs = new Set<string>();
const prefixes: string[] = [];

export function track(child: ChildProcess, group: boolean): void {
  if (child.pid === undefined) return;
  const pid = child.pid;
  tracked.set(pid, { pid, group });
  child.once('exit', () => tracked.delete(pid));
}

export function trackTempDir(dir: string): void {
  tempDirs.add(dir);
}

export function trackPrefix(prefix: string): void {
  if (!prefix.startsWith(NS_ROOT)) throw new Error(`refusing namespace prefix ${prefix}`);
  if (!prefixes.includes(prefix)) prefixes.push(prefix);
}

function killQuiet(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Kills every process still living in a lab namespace (all of them were started by the lab). */
export function killNamespacePids(ns: string): void {
  const out = run('ip', ['netns', 'pids', ns], { allowFail: true }).stdout;
  for (const p of out.split(/\s+/).filter(Boolean)) {
    const pid = Number(p);
    if (Number.isInteger(pid) && pid > 1 && pid !== process.pid) killQuiet(pid, 'SIGKILL');
  }
}

export function removeNamespaces(prefix: string): string[] {
  if (!prefix.startsWith(NS_ROOT)) return [];
  const mine = listNamespaces().filter((n) => n.startsWith(prefix));
  for (const ns of mine) killNamespacePids(ns);
  for (const ns of mine) run('ip', ['netns', 'del', ns], { allowFail: true });
  return mine;
}

/** Synchronous so it also works from 'exit' and signal handlers. Idempotent. */
export function cleanupSync(): void {
  for (const t of tracked.values()) killQuiet(t.group ? -t.pid : t.pid, 'SIGKILL');
  tracked.clear();
  for (const p of prefixes) removeNamespaces(p);
  for (const d of tempDirs) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
  tempDirs.clear();
}

/** Namespaces of earlier lab runs whose process is gone (e.g. killed with SIGKILL). */
export function staleLabPrefixes(): string[] {
  const out = new Set<string>();
  for (const ns of listNamespaces()) {
    const m = /^edgelab-(\d+)-/.exec(ns);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) out.add(`${NS_ROOT}${m[1]}-`);
  }
  return [...out];
}

/** Scratch dirs (`<tmp>/edgelab-<pid>-*`) of earlier lab runs whose process is gone. */
export function staleLabTempDirs(tmp: string): string[] {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(tmp);
  } catch {
    return [];
  }
  return entries
    .map((e) => /^edgelab-(\d+)-/.exec(e))
    .filter((m): m is RegExpExecArray => !!m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1])))
    .map((m) => `${tmp}/${m.input}`);
}

let installed = false;
export function installCleanupHandlers(onSignal?: (sig: string) => void): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => cleanupSync());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      onSignal?.(sig);
      cleanupSync();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  process.on('uncaughtException', (err) => {
    process.stderr.write(`lab: uncaught exception: ${err.stack ?? err}\n`);
    cleanupSync();
    process.exit(2);
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`lab: unhandled rejection: ${(err as Error)?.stack ?? err}\n`);
    cleanupSync();
    process.exit(2);
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Polls `pred` every `pollMs` until true or `timeoutMs`; returns whether it became true. */
export async function waitFor(pred: () => boolean, timeoutMs: number, pollMs = 10): Promise<boolean> {
  const end = nowMs() + timeoutMs;
  while (nowMs() < end) {
    if (pred()) return true;
    await sleep(pollMs);
  }
  return pred();
}
