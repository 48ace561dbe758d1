/*
 * Runs the real `keepalived -t` (config test) against generated configs.
 *
 * `-t` validates against the local interfaces, so every check runs inside a private network namespace
 * that has a veth with the configured interface name; the host's interfaces and addresses are never
 * touched. keepalived 2.2.7 returns 0 for some real mistakes, so a config only passes when stderr is
 * empty for every node (config-id).
 */
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Options of {@link checkKeepalivedConfig}. */
export interface KeepalivedCheckOptions {
  /** Name of the interface the config uses (created as a veth inside the namespace). */
  readonly interfaceName: string;
  /** One `keepalived -t -i <id>` run per config-id (node name). */
  readonly configIds: string[];
  /**
   * Address (`ADDR/PREFIX`) put on the interface while checking each config-id, like the node it
   * stands for. @default - no address
   */
  readonly nodeAddresses?: Record<string, string>;
  /**
   * Files the config refers to (e.g. an `includea` file), path to content. Relative paths are written
   * next to the config file; absolute paths must lie below the OS temp dir.
   * @default - none
   */
  readonly extraFiles?: Record<string, string>;
}

/** Result of one `keepalived -t` run. */
export interface KeepalivedCheckResult {
  readonly configId: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Whether the real-keepalived tests can run here. */
export interface KeepalivedAvailability {
  readonly available: boolean;
  /** Why not, naming the missing tool or permission. */
  readonly reason?: string;
  /** `Keepalived v2.2.7 (01/16,2022)` */
  readonly version?: string;
}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const RUN_TIMEOUT_MS = 10_000;

function run(cmd: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal !== null ? 128 : 1), stdout, stderr });
    });
  });
}

async function mustRun(cmd: string, args: string[]): Promise<void> {
  const r = await run(cmd, args);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  }
}

// Namespaces still present if the process exits mid-check (e.g. a jest timeout): removed on exit.
const liveNamespaces = new Set<string>();
let exitHookInstalled = false;
let counter = 0;

function installExitHook(): void {
  if (exitHookInstalled) {
    return;
  }
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const ns of liveNamespaces) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // best effort while exiting
      }
    }
  });
}

function writeExtraFiles(dir: string, files: Record<string, string>): string[] {
  const written: string[] = [];
  const tmp = fs.realpathSync(os.tmpdir());
  for (const [name, content] of Object.entries(files)) {
    const target = path.isAbsolute(name) ? path.resolve(name) : path.resolve(dir, name);
    const parent = fs.realpathSync(path.dirname(target));
    if (!(parent === tmp || parent.startsWith(tmp + path.sep))) {
      throw new Error(`extraFiles: refusing to write ${target} outside ${tmp}`);
    }
    fs.writeFileSync(target, content, { mode: 0o600 });
    written.push(target);
  }
  return written;
}

/**
 * Writes `confText` to a temp dir, creates a private network namespace with a veth called
 * `interfaceName`, and runs `keepalived -t -f FILE -i ID` inside it once per config-id.
 * The namespace and the temp files are always removed, also on error.
 */
export async function checkKeepalivedConfig(confText: string, options: KeepalivedCheckOptions): Promise<KeepalivedCheckResult[]> {
  installExitHook();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kachk-'));
  const confFile = path.join(dir, 'keepalived.conf');
  const ns = `kachk${process.pid}n${counter++}`;
  const iface = options.interfaceName;
  const peer = iface === 'kachkpeer' ? 'kachkpeer2' : 'kachkpeer';
  let written: string[] = [];
  try {
    fs.writeFileSync(confFile, confText, { mode: 0o600 });
    written = writeExtraFiles(dir, options.extraFiles ?? {});
    await mustRun('ip', ['netns', 'add', ns]);
    liveNamespaces.add(ns);
    await mustRun('ip', ['-n', ns, 'link', 'add', iface, 'type', 'veth', 'peer', 'name', peer]);
    await mustRun('ip', ['-n', ns, 'link', 'set', peer, 'up']);
    await mustRun('ip', ['-n', ns, 'link', 'set', iface, 'up']);
    const results: KeepalivedCheckResult[] = [];
    for (const configId of options.configIds) {
      const address = options.nodeAddresses?.[configId];
      await mustRun('ip', ['-n', ns, 'addr', 'flush', 'dev', iface]);
      if (address !== undefined) {
        const v6 = address.includes(':');
        await mustRun('ip', ['-n', ns, 'addr', 'add', address, 'dev', iface, ...(v6 ? ['nodad'] : [])]);
      }
      const r = await run('ip', ['netns', 'exec', ns, 'keepalived', '-t', '-f', confFile, '-i', configId]);
      results.push({ configId, stderr: r.stderr, exitCode: r.code });
    }
    return results;
  } finally {
    if (liveNamespaces.has(ns)) {
      await run('ip', ['netns', 'del', ns]);
      liveNamespaces.delete(ns);
    }
    for (const file of written) {
      fs.rmSync(file, { force: true });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

let cached: KeepalivedAvailability | undefined;

/**
 * Whether keepalived, iproute2 and network namespaces are usable (root on Linux). Probes once by
 * creating and deleting a namespace.
 */
export function keepalivedAvailability(): KeepalivedAvailability {
  if (cached === undefined) {
    cached = probe();
  }
  return cached;
}

function probe(): KeepalivedAvailability {
  if (process.platform !== 'linux') {
    return { available: false, reason: `network namespaces need Linux (platform is ${process.platform})` };
  }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { available: false, reason: '`ip netns` needs root (run the tests as root)' };
  }
  // keepalived prints its version on stderr.
  const v = spawnSync('keepalived', ['-v'], { encoding: 'utf8' });
  if (v.error !== undefined) {
    const missing = (v.error as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      available: false,
      reason: missing ? 'keepalived is not installed (apt-get install keepalived)' : `keepalived -v failed: ${v.error.message}`,
    };
  }
  const output = `${v.stdout}${v.stderr}`;
  const version = output.split('\n').find((l) => l.startsWith('Keepalived'));
  if (v.status !== 0 || version === undefined) {
    return { available: false, reason: `keepalived -v did not report a version (exit ${v.status}): ${output.trim()}` };
  }
  const ns = `kachkprobe${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', ns], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const e = err as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') {
      return { available: false, reason: 'iproute2 `ip` is not installed (apt-get install iproute2)', version };
    }
    return { available: false, reason: `ip netns add failed: ${e.stderr?.toString().trim() ?? String(err)}`, version };
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    // deleting a namespace we just created does not fail in practice
  }
  return { available: true, version };
}

/**
 * `describe` for tests that need the real keepalived. When it is unavailable the block fails with
 * the reason if EDGE_REQUIRE_KEEPALIVED=1 (CI), and is otherwise skipped with a loud warning.
 */
export function describeWithKeepalived(name: string, fn: () => void): void {
  const a = keepalivedAvailability();
  if (a.available) {
    describe(name, fn);
    return;
  }
  if (process.env.EDGE_REQUIRE_KEEPALIVED === '1') {
    describe(name, () => {
      test('keepalived and network namespaces are available (EDGE_REQUIRE_KEEPALIVED=1)', () => {
        throw new Error(`real keepalived tests cannot run: ${a.reason}`);
      });
    });
    return;
  }
  console.warn(
    [
      '*'.repeat(78),
      `SKIPPED: "${name}" needs the real keepalived: ${a.reason}.`,
      'These tests prove the generated keepalived.conf is accepted by keepalived 2.2.7.',
      'Set EDGE_REQUIRE_KEEPALIVED=1 to make this a failure (CI does).',
      '*'.repeat(78),
    ].join('\n'),
  );
  describe.skip(name, fn);
}
