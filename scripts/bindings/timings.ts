// The per-language table `npm run bindings` ends with: seconds per step of one run (a report, not a benchmark).

export interface TimingRow {
  readonly language: string;
  /** Step name -> seconds; a step that did not run is absent. */
  readonly steps: Record<string, number>;
  /** Empty when every check passed, else why not. */
  readonly failure?: string;
  /** Shown instead of "ok" for a language that is not built on purpose. */
  readonly note?: string;
}

export const STEPS = ['build', 'install', 'synth', 'badInput'];

export function formatTimings(rows: TimingRow[]): string {
  const header = ['language', ...STEPS.map((s) => `${s} s`), 'total s', 'result'];
  const lines = rows.map((row) => {
    const total = Object.values(row.steps).reduce((a, b) => a + b, 0);
    const cells = STEPS.map((s) => (row.steps[s] === undefined ? '-' : row.steps[s].toFixed(1)));
    return [row.language, ...cells, total.toFixed(1), row.failure ? 'FAILED' : (row.note ?? 'ok')];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [header, ...lines].map((cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
