/** The day-2 lab's records, targets and report (pure: no lab needed to read or re-render them). */
import { LabTarget, STATUS_WORDS, statusOf } from '../core/outcome';
import { fmt, median } from '../core/stats';
import { DEFAULT_LIMITS } from '../vrrp/targets';

export const DAY2_SCENARIOS = [
  'backup-priority',
  'node-added',
  'vip-added',
  'check-interval',
  'broken-config',
  'reload-traefik-failing',
  'image-upgrade',
  'vrid-change',
  'cold-start',
  'cold-start-undelayed',
] as const;
/**
 * Measured without a target: a change that cannot reload without a VIP move (synthesis warns about it), and the
 * cold start without the startup delays, for comparison.
 */
export const MEASURED_ONLY: readonly Day2Scenario[] = ['vrid-change', 'cold-start-undelayed'];
export type Day2Scenario = (typeof DAY2_SCENARIOS)[number];

export const TITLES: Record<Day2Scenario, string> = {
  'backup-priority': "priority of the lowest backup raised above the holder's",
  'node-added': "a fourth node added (ConfigMap first, the new node's pod after every node reloaded)",
  'vip-added': 'a second VIP added',
  'check-interval': 'health-check interval 1 s -> 2 s, on a holder that is not the preferred node',
  'broken-config': 'a hand-broken keepalived.conf in the ConfigMap',
  'reload-traefik-failing': 'a reload on the holder while its Traefik fails (/ping 503)',
  'image-upgrade': 'keepalived image changed, `npm run rollout -- --apply`',
  'vrid-change': 'virtual_router_id 51 -> 52 (measured only: cannot reload without a move)',
  'cold-start': 'every pod starts within 3 s, random order: the priority-150 node must win',
  'cold-start-undelayed': 'the same without the vrrp_startup_delay lines (measured only, the behaviour before)',
};

/** One measured run. */
export interface Day2Run {
  readonly scenario: Day2Scenario;
  readonly run: number;
  readonly holderBefore: string;
  readonly holderAfter: string | null;
  readonly vipMoves: number;
  readonly doubleHoldingMs: number;
  readonly failedRequests: number;
  readonly requests: number;
  /** Longest stretch without a successful client request, ms, and when it began (ms after the change). */
  readonly clientGapMs: number;
  readonly clientGapAtMs: number;
  /** Per node: delay before it saw the new ConfigMap, and when it ran it (ms after the change). */
  readonly delivery: Record<string, { seenMs: number; appliedMs: number | null }>;
  /** Change -> every node runs (or refused) the new file, ms. */
  readonly allNodesMs: number | null;
  /** reload-traefik-failing: Traefik fails -> VIP on another node, ms. */
  readonly handoverMs?: number | null;
  /** reload-traefik-failing: Traefik fails -> the holder reloaded, ms. */
  readonly holderReloadMs?: number | null;
  readonly checks: Array<{ name: string; ok: boolean; detail: string }>;
  /** image-upgrade: what `npm run rollout -- --apply` printed. */
  readonly rolloutLog?: string;
}

export function handoverTargetMet(runs: readonly Pick<Day2Run, 'handoverMs'>[]): boolean {
  const times = runs.map((r) => r.handoverMs).filter((x): x is number | null => x !== undefined);
  if (times.length === 0) return true;
  if (times.some((x) => x === null)) return false;
  return median(times as number[])! <= DEFAULT_LIMITS.traefikMoveMedianS * 1000;
}

/** One target per selected scenario that has one (every check of every run) and the handover median. */
export function day2Targets(runs: readonly Day2Run[]): LabTarget[] {
  const out: LabTarget[] = [];
  for (const s of DAY2_SCENARIOS) {
    const rs = runs.filter((r) => r.scenario === s);
    if (MEASURED_ONLY.includes(s) || rs.length === 0) continue;
    const passed = rs.filter((r) => r.checks.every((c) => c.ok)).length;
    const misses = rs.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `#${r.run} ${c.name}`));
    out.push({
      id: s,
      description: `${s}: ${TITLES[s]}`,
      required: 'every check of every run',
      measured: `${passed} of ${rs.length} runs passed every check${misses.length ? ` (missed: ${misses.join('; ')})` : ''}`,
      status: statusOf(passed === rs.length),
    });
  }
  const handovers = runs.filter((r) => r.handoverMs !== undefined);
  if (handovers.length)
    out.push({
      id: 'reload-traefik-failing-handover',
      description: "Reload while the holder's Traefik fails: VIP on another node",
      required: `median <= ${DEFAULT_LIMITS.traefikMoveMedianS} s, a move in every run`,
      measured: handovers.map((r) => (r.handoverMs === null ? 'never' : `${r.handoverMs} ms`)).join(', '),
      status: statusOf(handoverTargetMet(handovers)),
    });
  return out;
}

/** What a day-2 report says about its run besides the runs themselves. */
export interface Day2RunInfo {
  readonly mode: 'short' | 'full';
  readonly maxDelayMs: number;
  readonly started: string;
  readonly keepalived: string;
  readonly traefik: string;
  readonly traefikErrors: readonly string[];
}

export function renderDay2Markdown(runs: readonly Day2Run[], targets: readonly LabTarget[], info: Day2RunInfo): string {
  const { mode, started, traefik, traefikErrors } = { ...info, mode: { name: info.mode, maxDelayMs: info.maxDelayMs } };
  const lines = [
    `# Day-2 lab results (${mode.name} mode)`,
    '',
    `Run ${started}; keepalived \`${info.keepalived}\`; ` +
      `each node sees a changed ConfigMap after a random delay of 0-${mode.maxDelayMs / 1000} s; project defaults (3 nodes, ` +
      "VRRPv3 advert 0.2 s, nopreempt, health check every 1 s, fall 2), the DaemonSet's own start command and mounts, " +
      `least-privilege capabilities. Traefik: ${traefik}. Client: one HTTP request to the VIP every 20 ms.`,
    '',
    ...(traefikErrors.length ? ['Traefik logged errors (a missed target):', '', ...traefikErrors.map((l) => `    ${l}`), ''] : []),
    '| scenario | runs | VIP moves (max) | two holders, ms (max) | failed requests (max) | longest client gap, ms (median) ' +
      '| change -> every node, s (median, max) | targets |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const s of DAY2_SCENARIOS) {
    const rs = runs.filter((r) => r.scenario === s);
    if (!rs.length) continue;
    const all = rs.map((r) => r.allNodesMs).filter((x): x is number => x !== null);
    const ok = rs.every((r) => r.checks.every((c) => c.ok)) && handoverTargetMet(rs);
    const verdict = MEASURED_ONLY.includes(s) ? 'measured only' : ok ? 'met' : '**MISSED**';
    lines.push(
      `| ${s}: ${TITLES[s]} | ${rs.length} | ${Math.max(...rs.map((r) => r.vipMoves))} ` +
        `| ${Math.max(...rs.map((r) => r.doubleHoldingMs))} ` +
        `| ${Math.max(...rs.map((r) => r.failedRequests))} | ${fmt(median(rs.map((r) => r.clientGapMs)), 0)} ` +
        `| ${all.length ? `${fmt(median(all)! / 1000, 1)}, ${fmt(Math.max(...all) / 1000, 1)}` : '-'} | ${verdict} |`,
    );
  }
  const tr = runs.filter((r) => r.handoverMs !== undefined);
  if (tr.length) {
    const handovers = tr.map((r) => (r.handoverMs === null ? 'never' : `${r.handoverMs} ms`)).join(', ');
    const handoverVerdict = handoverTargetMet(tr) ? 'met' : '**MISSED**';
    lines.push(
      '',
      `Reload while the holder's Traefik fails: VIP on another node after ${handovers} ` +
        `(median ${fmt(median(tr.map((r) => r.handoverMs)), 0)} ms, ${handoverVerdict}: ` +
        `target median <= ${DEFAULT_LIMITS.traefikMoveMedianS} s); the holder reloaded ` +
        `${tr.map((r) => (r.holderReloadMs === null ? '-' : `${r.holderReloadMs} ms`)).join(', ')} after its Traefik began failing.`,
    );
  }
  for (const s of ['cold-start', 'cold-start-undelayed'] as const) {
    const rs = runs.filter((r) => r.scenario === s);
    if (!rs.length) continue;
    const wins = rs.filter((r) => r.holderAfter === 'edge-1').length;
    const counts = ['edge-1', 'edge-2', 'edge-3'].map((n) => `${n} ${rs.filter((r) => r.holderAfter === n).length}`).join(', ');
    lines.push(
      '',
      `${s}: the priority-150 node held the VIP after ${wins} of ${rs.length} cold starts (${counts}); ` +
        `first start -> VIP on a node: median ${fmt(median(rs.map((r) => r.allNodesMs)), 0)} ms.`,
    );
  }
  lines.push('', '## Targets', '', '| target | required | measured | status |', '|---|---|---|---|');
  for (const t of targets) lines.push(`| ${t.description} | ${t.required} | ${t.measured} | ${STATUS_WORDS[t.status]} |`);
  lines.push('', '## Checks per run', '');
  for (const r of runs) {
    lines.push(
      `- ${r.scenario} #${r.run} (holder ${r.holderBefore} -> ${r.holderAfter}): ` +
        r.checks.map((c) => `${c.ok ? 'ok' : 'MISSED'} ${c.name}${c.ok ? '' : ` (${c.detail.split('\n')[0]})`}`).join('; '),
    );
  }
  return lines.join('\n') + '\n';
}
