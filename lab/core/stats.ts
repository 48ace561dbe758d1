/** Small, dependency-free statistics for lab figures. */

export interface Summary {
  readonly n: number;
  readonly median: number | null;
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

/** Keeps only finite numbers, so "no value" (null/undefined/NaN) never skews a figure. */
export function finite(values: ReadonlyArray<number | null | undefined>): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

export function median(values: ReadonlyArray<number | null | undefined>): number | null {
  const v = finite(values).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function max(values: ReadonlyArray<number | null | undefined>): number | null {
  const v = finite(values);
  return v.length === 0 ? null : Math.max(...v);
}

export function min(values: ReadonlyArray<number | null | undefined>): number | null {
  const v = finite(values);
  return v.length === 0 ? null : Math.min(...v);
}

export function mean(values: ReadonlyArray<number | null | undefined>): number | null {
  const v = finite(values);
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
}

export function summarize(values: ReadonlyArray<number | null | undefined>): Summary {
  return { n: finite(values).length, median: median(values), min: min(values), max: max(values), mean: mean(values) };
}

/** a / b, or null when either side is missing or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return a / b;
}

/** Fixed decimals for reports; '–' for missing values. */
export function fmt(v: number | null | undefined, digits = 3): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–';
}

/** Aggregate "cpu" line of /proc/stat -> busy and total jiffies. */
export function parseProcStatCpu(stat: string): { busy: number; total: number } | null {
  const line = stat.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  if (v.length < 4 || v.some((x) => !Number.isFinite(x))) return null;
  // user nice system idle iowait irq softirq steal (guest time is already in user/nice)
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = v;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/** Share of CPU time spent busy between two /proc/stat samples (0..1), null if unknown. */
export function cpuBusyShare(before: string, after: string): number | null {
  const a = parseProcStatCpu(before);
  const b = parseProcStatCpu(after);
  if (!a || !b || b.total <= a.total) return null;
  return (b.busy - a.busy) / (b.total - a.total);
}
