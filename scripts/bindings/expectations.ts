// What every consumer must show, whatever its language: the seed's manifests byte for byte as the TypeScript app
// writes them to dist/, and for a bad value the message the TypeScript app raises, with nothing written.
import * as fs from 'fs';
import { diffDirectories } from '../diff-directories';

/** The bad value every consumer passes (its bad-input program spells it in that language). */
export const BAD_VIRTUAL_IP = '172.20.0.999';

/** How a consumer's output folder differs from dist/ (file names and bytes); empty when identical. */
export function synthProblems(dist: string, outdir: string): string[] {
  if (!fs.existsSync(outdir) || fs.readdirSync(outdir).length === 0) return ['wrote no manifests'];
  return diffDirectories(dist, outdir);
}

export interface RunResult {
  readonly status: number | null;
  /** stdout and stderr together: where the message lands differs per runtime (a traceback, a panic). */
  readonly output: string;
}

/** Why a bad-input run did not fail as the TypeScript app does; empty when it did. */
export function badInputProblems(run: RunResult, outdir: string, typescriptMessage: string): string[] {
  const problems: string[] = [];
  if (run.status === 0) problems.push('exited 0');
  if (!run.output.includes(typescriptMessage)) {
    problems.push(`its output lacks the TypeScript message ${JSON.stringify(typescriptMessage)}:\n${run.output.slice(-2000)}`);
  }
  if (fs.existsSync(outdir) && fs.readdirSync(outdir).length > 0) problems.push(`wrote ${fs.readdirSync(outdir).join(', ')}`);
  return problems;
}
