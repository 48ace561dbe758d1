/** Running a command to completion with a time limit (kubectl and helm calls can take longer than the lab's 15 s). */
import { spawnSync } from 'child_process';
import * as fs from 'fs';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** @default 60000 */
  readonly timeoutMs?: number;
  /** Return a failed result instead of throwing. */
  readonly allowFail?: boolean;
}

export function exec(cmd: string, args: readonly string[], opts: ExecOptions = {}): ExecResult {
  const r = spawnSync(cmd, [...args], {
    encoding: 'utf8',
    input: opts.input,
    env: opts.env,
    cwd: opts.cwd,
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 64 << 20,
  });
  const res = { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? String(r.error) : '') };
  if (res.code !== 0 && !opts.allowFail) {
    const name = cmd.split('/').pop();
    throw new Error(
      `${name} ${args.join(' ').slice(0, 300)} -> exit ${res.code}: ${(res.stderr || String(r.error ?? '')).trim().slice(0, 2000)}`,
    );
  }
  return res;
}

/** The last `lines` lines of a process's log file, or "(no log)" when it has none yet. */
export function logFileTail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
