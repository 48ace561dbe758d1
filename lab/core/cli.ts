/**
 * The labs' command line: util.parseArgs (strict: an unknown flag is an error), the flags every lab takes, validated
 * lists and counts, where results go, and one set of exit codes.
 */
import * as path from 'path';
import { parseArgs, ParseArgsConfig } from 'util';
import { cleanupSync } from './sys';

/** 0: every target met; 1: a target missed or a run failed; 2: the lab could not run (bad usage, missing tool). */
export const EXIT_MET = 0;
export const EXIT_MISSED = 1;
export const EXIT_CANNOT_RUN = 2;

export const LAB_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(LAB_DIR, '..');

/** A usage mistake: the lab prints it with its usage text and exits 2. */
export class UsageError extends Error {}

export type Values = Record<string, string | boolean | undefined>;
type Options = NonNullable<ParseArgsConfig['options']>;

/** The flags of every lab: `--short` (the default) or `--full`, `--out DIR`, `--write-results`, `--help`. */
export const COMMON_OPTIONS: Options = {
  short: { type: 'boolean' },
  full: { type: 'boolean' },
  out: { type: 'string' },
  'write-results': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export function parseLabArgs(argv: readonly string[], options: Options): Values {
  try {
    return parseArgs({ args: [...argv], options: { ...COMMON_OPTIONS, ...options }, strict: true, allowPositionals: false })
      .values as Values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function modeOf(values: Values): 'short' | 'full' {
  if (values.short && values.full) throw new UsageError('--short and --full exclude each other');
  return values.full ? 'full' : 'short';
}

/** A comma-separated `--flag a,b` of known names; `fallback` when the flag is absent. */
export function listOf<T extends string>(
  flag: string,
  raw: string | boolean | undefined,
  known: readonly T[],
  fallback: readonly T[],
): T[] {
  if (raw === undefined) return [...fallback];
  const list = String(raw)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = list.filter((s) => !(known as readonly string[]).includes(s));
  if (list.length === 0 || bad.length) {
    throw new UsageError(`--${flag} takes a comma-separated list of ${known.join(', ')}; got ${JSON.stringify(raw)}`);
  }
  return list as T[];
}

/** `--flag N`: a whole number of at least 1, or undefined when absent. */
export function countOf(flag: string, raw: string | boolean | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} takes a whole number of at least 1; got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * Where a run writes: `--out DIR`; the committed results (`committed`) only with `--write-results`; otherwise a scratch
 * folder under .lab-out/, so a run never overwrites what the docs quote unless asked.
 */
export function outDirOf(values: Values, committed: string, scratchName: string): string {
  if (values.out !== undefined && values['write-results']) throw new UsageError('--out and --write-results exclude each other');
  if (values.out !== undefined) return path.resolve(String(values.out));
  return values['write-results'] ? committed : path.join(REPO_ROOT, '.lab-out', scratchName);
}

/** Runs a lab's main: usage errors print the usage and exit 2, a crash exits 2, otherwise main's exit code. */
export function runLabCli(name: string, usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error) => {
      cleanupSync();
      if (error instanceof UsageError) process.stderr.write(`${name}: ${error.message}\n${usage}\n`);
      else process.stderr.write(`${name}: ${(error as Error).stack ?? error}\n`);
      process.exit(EXIT_CANNOT_RUN);
    },
  );
}
