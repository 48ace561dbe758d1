// One way to run a build or consumer step: output captured, a missing program named with the Debian package that
// has it (a loud failure, never a skip), a failure thrown with the step's own output.
import { spawnSync, SpawnSyncOptions } from 'child_process';

/** The Debian package of each program the bindings need (.ci/run installs them). */
export const DEBIAN_PACKAGES: Record<string, string> = {
  python3: 'python3 and python3-venv',
  java: 'openjdk-17-jdk-headless',
  mvn: 'maven',
  go: 'golang-go',
};

export interface StepResult {
  readonly status: number | null;
  readonly output: string;
  readonly seconds: number;
}

/** Runs `command`; never throws for a non-zero exit (the caller decides), only for a missing program. */
export function runStep(command: string, args: string[], options: SpawnSyncOptions = {}): StepResult {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024, ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    const hint = DEBIAN_PACKAGES[command] ? `: install the Debian package ${DEBIAN_PACKAGES[command]} (.ci/run does)` : '';
    throw new Error(`${command} not found${hint}`);
  }
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, seconds };
}

/** runStep that throws, with the tail of the output, unless the step exits 0. */
export function mustRun(command: string, args: string[], options: SpawnSyncOptions = {}): StepResult {
  const result = runStep(command, args, options);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status}):\n${result.output.slice(-8000)}`);
  }
  return result;
}

/** Fails at once, naming the package, when any of the programs is missing. */
export function requireToolchains(commands: string[]): void {
  const missing = commands.filter((command) => {
    try {
      runStep(command, command === 'go' ? ['version'] : ['--version']);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(`missing toolchains: ${missing.map((c) => `${c} (Debian package ${DEBIAN_PACKAGES[c] ?? c})`).join(', ')}`);
  }
}
