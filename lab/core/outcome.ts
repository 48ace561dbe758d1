/**
 * What every lab ends with: its targets, one type for all of them, its lab errors, and the files and exit code
 * that follow from them. Each lab keeps its own run records and tables; the verdict is judged here only.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXIT_MET, EXIT_MISSED } from './cli';

/**
 * met / missed: measured and compared. structural: measured, but no keepalived setting can reach the target
 * (reported, not a miss). not-run: not selected, or impossible here. no-data: ran without a usable run (a miss).
 */
export type TargetStatus = 'met' | 'missed' | 'structural' | 'not-run' | 'no-data';

export interface LabTarget {
  readonly id: string;
  readonly description: string;
  /** What the target asks, e.g. "median ≤ 0.8 s". */
  readonly required: string;
  readonly measured: string;
  readonly status: TargetStatus;
  readonly note?: string;
}

export function failing(t: LabTarget): boolean {
  return t.status === 'missed' || t.status === 'no-data';
}

/** met or missed from a comparison; no-data when nothing was measured. */
export function statusOf(met: boolean | null): TargetStatus {
  if (met === null) return 'no-data';
  return met ? 'met' : 'missed';
}

/** How results.md shows a status. */
export const STATUS_WORDS: Record<TargetStatus, string> = {
  met: '✅ met',
  missed: '❌ missed',
  structural: '⚠️ structurally unreachable',
  'not-run': '➖ not run',
  'no-data': '❌ no data',
};

export interface LabOutcome {
  readonly suite: string;
  readonly targets: readonly LabTarget[];
  readonly errors: readonly string[];
}

/** `<name>.json` (the document) and `<name>.md` in `out`; `name` is results unless a suite keeps one file per mode. */
export function writeResults(out: string, document: object, markdown: string, name = 'results'): void {
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, `${name}.json`), JSON.stringify(document, null, 2) + '\n');
  fs.writeFileSync(path.join(out, `${name}.md`), markdown);
}

/** The target lines and lab errors on the console; EXIT_MET only when nothing failed. */
export function concludeLab(outcome: LabOutcome, write: (line: string) => void): number {
  write(`${outcome.suite}: targets`);
  for (const t of outcome.targets)
    write(
      `  [${t.status.toUpperCase().padEnd(10)}] ${t.description}: ${t.measured} (required ${t.required})${t.note ? ` (${t.note})` : ''}`,
    );
  const missed = outcome.targets.filter(failing);
  if (missed.length === 0 && outcome.errors.length === 0) {
    write(`${outcome.suite}: every target met`);
    return EXIT_MET;
  }
  write(`${outcome.suite}: FAILED: ${missed.length} target(s) missed, ${outcome.errors.length} lab error(s)`);
  for (const t of missed) write(`  - ${t.description}: ${t.measured} (required ${t.required})`);
  for (const e of outcome.errors) write(`  - lab error: ${e}`);
  return EXIT_MISSED;
}
