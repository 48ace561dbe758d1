/** results.md (pure: everything comes from the results document). */
import { FAULT_SCENARIOS, Ratio, SCENARIO_TITLES, ScenarioResult } from './results';
import { fmt } from '../core/stats';
import { LabTarget, STATUS_WORDS } from '../core/outcome';
import { LvsStatus, lvsNotRunReason } from './targets';

export interface LabReport {
  readonly startedAt: string;
  readonly durationS: number;
  readonly mode: string;
  readonly host: { kernel: string; keepalived: string; cpus: number };
  /** Which Traefik the nodes ran (absent in reports from before the real one ran: the stand-in). */
  readonly traefik?: string;
  readonly variants: ReadonlyArray<{
    id: string;
    label: string;
    capabilities: string[] | null;
    configTest?: ReadonlyArray<{ node: string; rc: number; output: string }>;
  }>;
  readonly lvs: LvsStatus;
  readonly scenarios: readonly ScenarioResult[];
  readonly ratios: readonly Ratio[];
  readonly targets: readonly LabTarget[];
  readonly labErrors: readonly string[];
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function medMax(s: { median: number | null; max: number | null }): string {
  return `${fmt(s.median)} / ${fmt(s.max)}`;
}

export function renderMarkdown(r: LabReport): string {
  const out: string[] = [];
  out.push(`# HA lab results (${r.mode})`, '');
  out.push(
    `Run ${r.startedAt}, ${r.durationS.toFixed(0)} s, kernel ${r.host.kernel}, ${r.host.keepalived}, ${r.host.cpus} CPU(s). ` +
      `Real keepalived in network namespaces (3 edge nodes + client on one bridge); Traefik: ${r.traefik ?? 'a small HTTP stand-in'}; ` +
      'client requests to VIP every 20 ms. Times in seconds, from the fault injection.',
    '',
  );
  for (const v of r.variants) {
    const tests = v.configTest ?? [];
    const clean = tests.length > 0 && tests.every((t) => t.rc === 0 && !t.output);
    const testResults = tests.map((t) => `${t.node} rc ${t.rc}${t.output ? ` "${cell(t.output.split('\n')[0])}"` : ''}`).join(', ');
    const check = tests.length === 0 ? '' : clean ? '; `keepalived -t` clean for every node' : `; \`keepalived -t\`: ${testResults}`;
    const privileges = v.capabilities ? `under setpriv with only ${v.capabilities.join(', ')}` : 'as full root';
    out.push(`- **${v.label}** (${v.id}): keepalived ${privileges}${check}`);
  }
  out.push('');

  out.push('## Per scenario', '');
  out.push(
    '| scenario | settings | runs | VIP on new node, median / max | client gap, median / max | VIP moves per run ' +
      '| s with ≥2 holders (total) | failed requests | notes |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const s of r.scenarios) {
    const m = s.summary;
    const notes: string[] = [];
    if (m.erroredRuns) notes.push(`${m.erroredRuns} run(s) errored`);
    if (m.notMoved && FAULT_SCENARIOS.includes(s.scenario)) notes.push(`VIP did not move in ${m.notMoved} run(s)`);
    if (m.gapLowerBound) notes.push(`client not served again before the window closed in ${m.gapLowerBound} run(s): gap is a lower bound`);
    const doubled = s.runs.filter((x) => x.ok && (x.doubleHoldingS ?? 0) > 0).length;
    if (doubled && s.scenario !== 'partition') notes.push(`two nodes held the VIP at once in ${doubled} run(s)`);
    if (m.cpuBusyMin !== null && m.cpuBusyMin !== undefined) notes.push(`CPUs ≥ ${(m.cpuBusyMin * 100).toFixed(0)} % busy`);
    if (m.vrrpTransitions !== null) notes.push(`${m.vrrpTransitions} VRRP state change(s)`);
    if (m.healS) notes.push(`heal after partition ${medMax(m.healS)}`);
    const svg = s.svg ? ` [timeline](${s.svg})` : '';
    out.push(
      `| ${cell(SCENARIO_TITLES[s.scenario])} | ${s.variantLabel} | ${m.runs} | ${medMax(m.vipMoveS)} | ${medMax(m.clientGapS)} ` +
        `| ${m.movesPerRun.join(', ') || '–'} | ${fmt(m.doubleHoldingTotalS)} | ${m.failedRequests} / ${m.requests} ` +
        `| ${cell(notes.join('; '))}${svg} |`,
    );
  }
  out.push('');

  const rollouts = r.scenarios.filter((s) => s.scenario === 'rollout');
  if (rollouts.length) {
    out.push('## Rollout by node order', '');
    out.push(
      '| settings | order | VIP moves | structural minimum (preemption off) | s with ≥2 holders | client gap | failed requests |',
      '|---|---|---|---|---|---|---|',
    );
    for (const s of rollouts) {
      for (const run of s.runs) {
        if (!run.ok) {
          out.push(`| ${s.variantLabel} | ${run.label ?? ''} | errored: ${cell(run.error ?? '')} | | | | |`);
          continue;
        }
        const structural = s.variant === 'project' ? run.structuralMoves : 'n/a (preemption on)';
        out.push(
          `| ${s.variantLabel} | ${run.label ?? ''}: ${(run.order ?? []).join(' → ')} | ${run.moves} | ${structural} ` +
            `| ${fmt(run.doubleHoldingS)} | ${fmt(run.clientGapS)} | ${run.failedRequests} |`,
        );
      }
    }
    out.push('');
  }

  if (r.ratios.length) {
    out.push('## Seed settings vs project defaults (ratio of medians, seed / project)', '');
    out.push('| scenario | VIP move seed / project | ratio | client gap seed / project | ratio |', '|---|---|---|---|---|');
    for (const q of r.ratios) {
      const seedVipMove = q.seedNotMoved ? 'never moved' : fmt(q.seedVipMoveMedianS);
      const vipMoveRatio = q.vipMove === null ? '–' : q.vipMove.toFixed(1) + 'x';
      const clientGapRatio = q.clientGap === null ? '–' : q.clientGap.toFixed(1) + 'x';
      out.push(
        `| ${cell(SCENARIO_TITLES[q.scenario])} | ${seedVipMove} / ${fmt(q.projectVipMoveMedianS)} | ${vipMoveRatio} ` +
          `| ${fmt(q.seedGapMedianS)} / ${fmt(q.projectGapMedianS)} | ${clientGapRatio} |`,
      );
    }
    out.push(
      '',
      '"never moved": the seed settings have no health check, so the VIP stays on a node whose Traefik is draining or dead ' +
        '(a draining Traefik still answers until it stops listening: a small seed gap in scenario 3 with the stand-in, which ' +
        'never stops; the real Traefik exits after its grace period, and a dead one leaves the VIP black-holed).',
      '',
    );
  }

  out.push('## Targets (project defaults)', '');
  out.push('| target | required | measured | result |', '|---|---|---|---|');
  for (const t of r.targets) {
    const note = t.note ? ` — ${cell(t.note)}` : '';
    out.push(`| ${cell(t.description)} | ${cell(t.required)} | ${cell(t.measured)} | ${STATUS_WORDS[t.status]}${note} |`);
  }
  out.push('');
  out.push(
    r.lvs.ran
      ? `LVS direct routing: measured in ${r.lvs.ran.where}, see [${r.lvs.ran.results}](${r.lvs.ran.results}).`
      : `LVS direct routing: not run (${lvsNotRunReason(r.lvs)}).`,
    '',
  );

  if (r.labErrors.length) {
    out.push('## Lab errors', '', ...r.labErrors.map((e) => `- ${e}`), '');
  }

  out.push('## Definitions', '');
  out.push(
    '- *VIP on new node*: fault injection → the VIP address appears (`ip monitor`) on a node other than the old holder ' +
      'whose link is up. Rollout: first restart → first VIP move. Partition: partition → a second node claims the VIP.',
    '- *client gap*: largest interval without a successful HTTP answer through the VIP in the observation window ' +
      '(20 ms probes, 200 ms timeout).',
    '- *VIP moves*: times the VIP appeared on a node other than the one that took it last ' +
      '(two masters appearing together count once each; a node with its link down does not hold the VIP).',
    '- *s with ≥2 holders*: time during which two or more nodes had the VIP on a live link (duplicate address on the LAN).',
    '- Return after crash: window starts when the crashed node comes back (addresses flushed, link up, keepalived started).',
    '',
  );
  return out.join('\n');
}
