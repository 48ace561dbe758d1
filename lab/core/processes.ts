/** Stopping the lab's container-like processes: each leads its own process group (spawned detached). */
import { ChildProcess } from 'child_process';
import { sleep } from './sys';

function killGroupQuietly(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    /* gone */
  }
}

/**
 * A graceful stop, as for a deleted pod: SIGTERM to the leader, up to `graceMs` for it to exit, then SIGKILL to the
 * whole group, so that whatever is left of the container (a reloader loop) ends with it, as with a pod's PID
 * namespace. Resolves once the leader has exited.
 */
export async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, 'SIGTERM');
  await Promise.race([exited, sleep(graceMs)]);
  killGroupQuietly(child);
  await exited;
}

/** A crash: SIGKILL to the whole group at once (no goodbye). Resolves once the leader has exited. */
export async function killGroup(child: ChildProcess): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  killGroupQuietly(child);
  await exited;
}
