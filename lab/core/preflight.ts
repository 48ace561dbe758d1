/**
 * The one pre-run check of the labs and the e2e suite: Linux, root, the commands a suite runs and the executables
 * its keepalived.conf's script lines name. Every problem is listed at once, then the suite exits 2 (could not run).
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXIT_CANNOT_RUN } from './cli';

/** The command's path on PATH (or the sbin folders, which root's PATH may lack), or null. */
export function which(cmd: string, searchPath: string = process.env.PATH ?? ''): string | null {
  if (cmd.startsWith('/')) return fs.existsSync(cmd) ? cmd : null;
  for (const dir of searchPath.split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin'])) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

export interface PreflightNeeds {
  /** Commands the suite runs itself: names on PATH or absolute paths. */
  readonly commands: readonly string[];
  /** keepalived.conf texts whose script and notify lines must find their executables, by label. */
  readonly confs?: Readonly<Record<string, string>>;
}

/** Everything that keeps a suite from running here, as lines to print. */
export function preflightProblems(needs: PreflightNeeds, platform: string = process.platform, uid = process.getuid?.()): string[] {
  const problems: string[] = [];
  if (platform !== 'linux') problems.push(`needs Linux (this is ${platform})`);
  else if (uid !== 0) problems.push('needs root (network namespaces, veth, bridge, mounts)');
  const missing = needs.commands.filter((c) => !which(c));
  if (missing.length) problems.push(`missing command(s): ${missing.join(', ')}`);
  for (const [label, conf] of Object.entries(needs.confs ?? {})) {
    const absent = scriptExecutables(conf).filter((x) => !which(x));
    if (absent.length) problems.push(`${label}: keepalived.conf runs ${absent.join(', ')}, not found here`);
  }
  return problems;
}

/** Prints the problems and exits 2 when there are any. */
export function requireRunnable(suite: string, problems: readonly string[]): void {
  if (problems.length === 0) return;
  process.stderr.write(`${suite}: cannot run:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(EXIT_CANNOT_RUN);
}

/**
 * Executables named by `script` lines of a keepalived.conf (vrrp_script, notify_*): the first word
 * of the command. A missing one would silently turn every health check into a failure.
 */
export function scriptExecutables(conf: string): string[] {
  const out = new Set<string>();
  for (const raw of conf.split('\n')) {
    const line = raw.replace(/^\s*@\^?\S+\s+/, '').trim(); // conditional prefix `@node ` / `@^node `
    const m = /^(?:script|notify|notify_master|notify_backup|notify_fault|notify_stop)\s+(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(line);
    if (!m) continue;
    const cmd = (m[1] ?? m[2] ?? m[3] ?? '').trim().split(/\s+/)[0];
    if (cmd) out.add(cmd);
  }
  return [...out];
}
