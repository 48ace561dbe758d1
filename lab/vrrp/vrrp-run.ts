/**
 * HA lab: real keepalived on simulated edge nodes (network namespaces), failover measured.
 *   npm run lab -- vrrp|lvs|all [--short|--full] [--out DIR | --write-results] [--scenarios a,b]
 *     [--variants project,seed] [--traefik real|standin]
 * Needs Linux and root. Everything runs inside namespaces named edgelab-<pid>-*, removed on exit.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn } from 'child_process';
import { LabCluster } from '../core/cluster';
import { runLvsLabInUml, umlAvailable } from '../lvs/uml';
import { EdgeUnderTest, LAB_TOPOLOGY, projectDefaults, seedSettings } from '../core/edge-under-test';
import { labEdgeProps } from '../core/lab-topology';
import { TraefikKind, describeTraefik, parseTraefikKind, prepareTraefik, traefikFleet } from '../traefik/choice';
import { EXIT_MET, LAB_DIR, listOf, modeOf, outDirOf, parseLabArgs } from '../core/cli';
import { preflightProblems, requireRunnable, which } from '../core/preflight';
import { LabReport, renderMarkdown } from './report';
import {
  RunRecord,
  SCENARIOS,
  SCENARIO_TITLES,
  ScenarioId,
  ScenarioResult,
  VariantId,
  representativeRun,
  seedProjectRatios,
  summarizeRuns,
} from './results';
import {
  MODES,
  ModeConfig,
  RunOutput,
  RunTrace,
  ScenarioContext,
  cpuLoad,
  crashAndReturn,
  gracefulStop,
  partition,
  rollout,
  rolloutOrders,
  traefikDead,
  traefikUnhealthy,
} from './scenarios';
import { fmt } from '../core/stats';
import { LvsStatus, evaluateTargets } from './targets';
import { LabTarget, concludeLab, failing, writeResults } from '../core/outcome';
import { ScenarioPlan, VariantPlan, runPlans } from '../core/runner';
import { holdingIntervals, linkDownIntervals } from '../core/timeline';
import { renderTimelineSvg } from '../core/svg';
import {
  cleanupSync,
  installCleanupHandlers,
  removeNamespaces,
  run,
  runPrefix,
  staleLabPrefixes,
  staleLabTempDirs,
  trackPrefix,
  trackTempDir,
} from '../core/sys';

interface Args {
  /** Only re-render results.md (and the summaries in results.json) from an existing results.json. */
  rerender?: string;
  /** 'skip' (the vrrp suite), 'only' (the lvs suite) or 'both' (all). */
  lvs: 'both' | 'skip' | 'only';
  mode: ModeConfig;
  out: string;
  scenarios: ScenarioId[];
  variants: VariantId[];
  /** LVS lab variants (--lvs-variants), passed on to lab/lvs/lvs-lab.ts; its defaults when absent. */
  lvsVariants?: string;
  /** The Traefik on the VRRP lab's nodes (the LVS lab in User-Mode Linux keeps its stand-in). */
  traefik: TraefikKind;
}

export const VRRP_USAGE =
  `usage: npm run lab -- vrrp|lvs [--short|--full] [--out DIR | --write-results] [--scenarios ${SCENARIOS.join(',')}]\n` +
  `       [--variants project,seed] [--traefik real|standin] [--lvs-variants a,b]
  --short      3 runs per scenario, 20 s CPU load (default; for CI); --full: >= 5 runs per scenario, 60 s CPU load
  --out DIR    results folder (default .lab-out/<mode>); --write-results: lab/results, the committed run the docs quote
  --rerender DIR  rewrite DIR/results.md from DIR/results.json (no measuring, no root needed)
  --traefik K  real (default): the real Traefik run from its pod against a real control plane (builds or reuses the
               pinned tools in e2e/bin); standin: the HTTP stand-in
  --lvs-variants a,b  LVS variants to run (lab/lvs/lvs-lab.ts lists them; default: the mode's set)
vrrp: the VRRP scenarios; lvs: LVS direct routing (in User-Mode Linux when this kernel has no IP_VS), results in DIR/lvs.
Needs Linux, root, keepalived, ip, bridge, setpriv (least-privilege variants) and the
executables the keepalived.conf's check scripts run (e.g. wget or curl).`;

/** `suite` is what `npm run lab -- <suite>` names: the VRRP scenarios, the LVS ones, or both (all). */
export function parseVrrpArgs(argv: readonly string[], suite: 'vrrp' | 'lvs' | 'all'): Args {
  const values = parseLabArgs(argv, {
    scenarios: { type: 'string' },
    variants: { type: 'string' },
    rerender: { type: 'string' },
    'lvs-variants': { type: 'string' },
    traefik: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(`${VRRP_USAGE}\n`);
    process.exit(EXIT_MET);
  }
  const mode = MODES[modeOf(values)];
  return {
    rerender: values.rerender === undefined ? undefined : path.resolve(String(values.rerender)),
    lvs: suite === 'lvs' ? 'only' : suite === 'all' ? 'both' : 'skip',
    mode,
    out: outDirOf(values, path.join(LAB_DIR, 'results'), mode.name),
    scenarios: listOf('scenarios', values.scenarios, SCENARIOS, SCENARIOS),
    variants: listOf('variants', values.variants, ['project', 'seed'] as const, ['project', 'seed']),
    lvsVariants: values['lvs-variants'] === undefined ? undefined : String(values['lvs-variants']),
    traefik: values.traefik === undefined ? 'real' : parseTraefikKind(String(values.traefik)),
  };
}

function preflight(edges: EdgeUnderTest[]): void {
  // The health-check client (curl, wget, ...) is whatever the keepalived.conf runs: checked through `confs`.
  const commands = ['/usr/sbin/keepalived', 'ip', 'bridge', ...(edges.some((e) => e.capabilities) ? ['/usr/bin/setpriv'] : [])];
  requireRunnable('lab', preflightProblems({ commands, confs: Object.fromEntries(edges.map((e) => [e.label, e.keepalivedConf])) }));
}

function detectLvs(): LvsStatus {
  if (fs.existsSync('/proc/net/ip_vs')) return { available: true, detail: '/proc/net/ip_vs present' };
  const kernel = os.release();
  const modprobe = which('modprobe');
  if (modprobe) {
    const r = run(modprobe, ['-n', 'ip_vs'], { allowFail: true });
    if (r.code === 0) return { available: true, detail: `ip_vs module loadable on ${kernel} (not loaded)` };
    return { available: false, detail: `/proc/net/ip_vs missing, modprobe -n ip_vs failed on ${kernel}` };
  }
  const ko = ['kernel/net/netfilter/ipvs/ip_vs.ko', 'kernel/net/netfilter/ipvs/ip_vs.ko.xz', 'kernel/net/netfilter/ipvs/ip_vs.ko.zst'];
  if (ko.some((k) => fs.existsSync(path.join('/lib/modules', kernel, k))))
    return { available: true, detail: `ip_vs module present for ${kernel} (not loaded)` };
  return { available: false, detail: `/proc/net/ip_vs missing, no ip_vs module for ${kernel}` };
}

function keepalivedVersion(): string {
  const r = run('/usr/sbin/keepalived', ['--version'], { allowFail: true });
  return (r.stdout + r.stderr).split('\n').find((l) => l.startsWith('Keepalived')) ?? 'keepalived (unknown version)';
}

const started = Date.now();
function progress(msg: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[${s}s] ${msg}\n`);
}

function describe(r: RunRecord): string {
  if (!r.ok) return `ERROR ${r.error}`;
  const move =
    r.vipMoveS === null ? `VIP stayed on ${r.faultNode ?? 'nobody'}` : `VIP ${r.faultNode} → ${r.newHolder} in ${fmt(r.vipMoveS)} s`;
  const extra = [
    r.vrrpTransitions !== undefined ? `${r.vrrpTransitions} VRRP transitions` : '',
    r.cpuBusy !== undefined ? `CPUs ${(r.cpuBusy * 100).toFixed(0)} % busy` : '',
    r.healS !== undefined ? `healed ${fmt(r.healS)} s after partition` : '',
    r.structuralMoves !== undefined ? `structural min ${r.structuralMoves}` : '',
  ].filter(Boolean);
  return (
    `${move}, client gap ${fmt(r.clientGapS)} s, moves ${r.moves}, ≥2 holders ${fmt(r.doubleHoldingS)} s, ` +
    `failed ${r.failedRequests}/${r.requests}${extra.length ? ', ' + extra.join(', ') : ''}`
  );
}

function errored(variant: string, scenario: string, runNo: number, error: string, label?: string): RunRecord {
  return {
    scenario: scenario as ScenarioId,
    variant: variant as VariantId,
    run: runNo,
    label,
    ok: false,
    error,
    t0: 0,
    tEnd: 0,
    faultNode: null,
    newHolder: null,
    vipMoveS: null,
    clientGapS: null,
    moves: null,
    doubleHoldingS: null,
    failedRequests: null,
    requests: null,
    notes: [],
  };
}

/** One variant of the VRRP lab as the runner plans it: its cluster, and the selected scenarios in order. */
function variantPlan(
  variant: VariantId,
  edge: EdgeUnderTest,
  args: Args,
  prefix: string,
  workRoot: string,
  traces: Map<RunRecord, RunTrace>,
  labErrors: string[],
): { plan: VariantPlan<RunRecord>; configTest: () => LabCluster['configTest'] } {
  const selected = args.scenarios.filter((s) => variant === 'project' || args.mode.seedScenarios.includes(s));
  const cluster = new LabCluster(edge, {
    prefix: `${prefix}${variant === 'project' ? 'p' : 's'}-`,
    workDir: path.join(workRoot, variant),
    logDir: path.join(args.out, 'logs', variant),
    clientMaxSeconds: args.mode.name === 'full' ? 3 * 3600 : 1800,
    clientIntervalMs: 20,
    clientTimeoutMs: 200,
    // Both variants run the project's Traefik pods: only keepalived's settings differ between them.
    traefik: traefikFleet(args.traefik, labEdgeProps(LAB_TOPOLOGY), edge, path.join(workRoot, variant)),
  });
  const ctx: ScenarioContext = { cluster, variant, mode: args.mode, progress };
  const n = (s: ScenarioId): number => (variant === 'seed' ? args.mode.seedRuns?.[s] : undefined) ?? args.mode.runs[s];
  const want = (s: ScenarioId): boolean => selected.includes(s);
  const traced = (outs: RunOutput[]): RunRecord[] => {
    for (const o of outs) traces.set(o.record, o.trace);
    return outs.map((o) => o.record);
  };
  const simple = (s: ScenarioId, fn: (c: ScenarioContext, i: number) => Promise<RunOutput>): ScenarioPlan<RunRecord> => ({
    scenario: s,
    runs: n(s),
    run: async (i) => traced([await fn(ctx, i)]),
  });

  const scenarios = (): ScenarioPlan<RunRecord>[] => {
    const plans: ScenarioPlan<RunRecord>[] = [];
    if (want('graceful-stop')) plans.push(simple('graceful-stop', gracefulStop));
    if (want('crash') || want('return-after-crash')) {
      // One crash run measures both the move away and the return of the crashed node.
      const measured = SCENARIOS.filter((s) => (s === 'crash' || s === 'return-after-crash') && want(s));
      plans.push({
        scenario: measured[0],
        alsoMeasures: measured.slice(1),
        runs: Math.max(...measured.map(n)),
        run: async (i) => {
          const { crash, ret } = await crashAndReturn(ctx, i);
          return traced([...(want('crash') ? [crash] : []), ...(want('return-after-crash') ? [ret] : [])]);
        },
      });
    }
    if (want('traefik-unhealthy')) plans.push(simple('traefik-unhealthy', traefikUnhealthy));
    if (want('traefik-dead')) plans.push(simple('traefik-dead', traefikDead));
    if (want('rollout')) {
      // Every node order, n times: run i takes order (i - 1) mod orders.
      const orders = rolloutOrders(cluster.nodes, cluster.nodes[0]);
      plans.push({
        scenario: 'rollout',
        runs: orders.length * n('rollout'),
        label: (i) => orders[(i - 1) % orders.length].label,
        run: async (i) => traced([await rollout(ctx, i, (i - 1) % orders.length)]),
      });
    }
    if (want('cpu-load')) plans.push(simple('cpu-load', cpuLoad));
    if (want('partition')) plans.push(simple('partition', partition));
    return plans;
  };

  const plan: VariantPlan<RunRecord> = {
    variant,
    setup: async () => {
      if (selected.length === 0) return;
      const keepalived = edge.capabilities ? 'keepalived with ' + edge.capabilities.join(',') : 'keepalived as root';
      progress(`${edge.label}: setting up ${edge.nodes.length} nodes + client (${keepalived})`);
      await cluster.setup();
      for (const t of cluster.configTest) {
        const first = t.output.split('\n').slice(0, 3).join(' | ');
        if (t.rc !== 0) labErrors.push(`${edge.label}: keepalived -t --config-id ${t.node} -> rc ${t.rc}: ${first}`);
        else if (t.output) progress(`${edge.label}: keepalived -t --config-id ${t.node}: rc 0 but says: ${first}`);
      }
      const tests = cluster.configTest.map((t) => `${t.node} rc ${t.rc}${t.output ? ' (with output)' : ''}`);
      progress(`${edge.label}: keepalived -t: ${tests.join(', ')}`);
    },
    scenarios: () => (selected.length === 0 ? [] : scenarios()),
    teardown: async () => {
      if (selected.length === 0) return;
      for (const line of cluster.traefik.errorLines()) labErrors.push(`${edge.label}: Traefik logged: ${line.trim()}`);
      await cluster.teardown();
    },
  };
  return { plan, configTest: () => (selected.length === 0 ? [] : cluster.configTest) };
}

function writeSvg(out: string, name: string, title: string, subtitle: string, nodes: string[], tr: RunTrace): void {
  const svg = renderTimelineSvg({
    title,
    subtitle,
    nodes,
    from: tr.from,
    to: tr.to,
    t0: tr.t0,
    holding: holdingIntervals(tr.timeline, tr.from, tr.to),
    linkDown: linkDownIntervals(tr.timeline, tr.from, tr.to),
    samples: tr.samples,
    markers: tr.markers,
    axisLabel: tr.axisLabel,
  });
  fs.writeFileSync(path.join(out, name), svg);
}

/** The VRRP lab (and the LVS lab it starts); `npm run lab -- vrrp|lvs|all` (lab/lab.ts) calls it. */
export async function runVrrpLab(args: Args): Promise<void> {
  if (args.rerender) return rerender(args.rerender);
  const edges: Record<VariantId, EdgeUnderTest> = { project: projectDefaults(), seed: seedSettings() };
  preflight(args.variants.map((v) => edges[v]));

  installCleanupHandlers((sig) => process.stderr.write(`\nlab: ${sig}, tearing down namespaces and processes\n`));
  for (const stale of staleLabPrefixes()) {
    const removed = removeNamespaces(stale);
    if (removed.length) progress(`removed leftovers of an earlier lab run: ${removed.join(', ')}`);
  }
  for (const dir of staleLabTempDirs(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
  const prefix = runPrefix();
  trackPrefix(prefix);
  const probe = run('ip', ['netns', 'add', `${prefix}probe`], { allowFail: true });
  if (probe.code !== 0) {
    process.stderr.write(`lab: cannot create network namespaces: ${probe.stderr.trim()}\n`);
    process.exit(2);
  }
  run('ip', ['netns', 'del', `${prefix}probe`], { allowFail: true });
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}`));
  trackTempDir(workRoot);
  fs.mkdirSync(args.out, { recursive: true });
  const detected = detectLvs();
  if (args.lvs === 'only') {
    // The VRRP results in the same directory stay as they are.
    const ran = await runLvs(args, detected);
    process.exit(ran ? (ran.exitCode === 0 && ran.missed.length === 0 ? 0 : 1) : 2);
  }
  const traefikProblem = prepareTraefik(args.traefik);
  if (traefikProblem) {
    process.stderr.write(`lab: cannot run the real Traefik: ${traefikProblem} (--traefik standin runs the stand-in)\n`);
    process.exit(2);
  }
  const traefikDescription = describeTraefik(args.traefik);
  progress(`Traefik on the nodes: ${traefikDescription}`);
  fs.rmSync(path.join(args.out, 'logs'), { recursive: true, force: true });
  for (const f of fs.readdirSync(args.out)) if (/^timeline-.*\.svg$/.test(f)) fs.rmSync(path.join(args.out, f));

  progress(`HA lab, ${args.mode.name} mode, scenarios: ${args.scenarios.join(', ')}; variants: ${args.variants.join(', ')}`);

  const labErrors: string[] = [];
  const traces = new Map<RunRecord, RunTrace>();
  const plans = args.variants.map((v) => variantPlan(v, edges[v], args, prefix, workRoot, traces, labErrors));
  const ran = await runPlans(
    plans.map((p) => p.plan),
    { progress, describe, errored },
  );
  labErrors.push(...ran.errors);
  const configTests: Partial<Record<VariantId, LabCluster['configTest']>> = {};
  args.variants.forEach((v, i) => (configTests[v] = plans[i].configTest()));
  const recordsOf = (s: ScenarioId, v: VariantId): RunRecord[] => ran.records.filter((r) => r.scenario === s && r.variant === v);

  // LVS direct routing needs IP_VS: the host kernel's, or User-Mode Linux's (lab/lvs/).
  let lvs: LvsStatus = args.lvs === 'skip' ? { ...detected, skipped: 'not in this suite (npm run lab -- lvs runs them)' } : detected;
  if (args.lvs === 'both') {
    const ran = await runLvs(args, detected);
    if (ran) lvs = { ...detected, ran };
    else if (process.env.EDGE_REQUIRE_KEEPALIVED === '1')
      labErrors.push(`LVS scenarios could not run: ${detected.detail}; ${umlAvailable().detail}`);
  }

  // Summaries and timelines.
  const results: ScenarioResult[] = [];
  for (const s of SCENARIOS) {
    for (const v of args.variants) {
      const records = recordsOf(s, v);
      if (records.length === 0) continue;
      const edge = edges[v];
      const nodes = edge.nodes.map((n) => n.name);
      let svg: string | undefined;
      let svgRun: number | undefined;
      if (s === 'rollout') {
        // One drawing per node order (first good run of each).
        const seen = new Set<string>();
        for (const r of records) {
          const tr = traces.get(r);
          if (!r.ok || !tr || seen.has(r.label ?? '')) continue;
          seen.add(r.label ?? '');
          const name = `timeline-${s}-${v}-${(r.label ?? String(r.run)).replace(/\s+/g, '-')}.svg`;
          writeSvg(
            args.out,
            name,
            `${SCENARIO_TITLES[s]} — ${edge.label}`,
            `${r.label}: ${(r.order ?? []).join(' → ')}; ${describe(r)}`,
            nodes,
            tr,
          );
          svg ??= name;
          svgRun ??= r.run;
        }
      } else {
        const rep = representativeRun(records);
        const tr = rep && traces.get(rep);
        if (rep && tr) {
          svg = `timeline-${s}-${v}.svg`;
          svgRun = rep.run;
          writeSvg(args.out, svg, `${SCENARIO_TITLES[s]} — ${edge.label}`, `run ${rep.run} (median run): ${describe(rep)}`, nodes, tr);
        }
      }
      results.push({
        scenario: s,
        variant: v,
        variantLabel: edge.label,
        title: SCENARIO_TITLES[s],
        runs: records,
        summary: summarizeRuns(records),
        svg,
        svgRun,
      });
    }
  }

  const report: LabReport = {
    startedAt: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    mode: args.mode.name,
    host: { kernel: os.release(), keepalived: keepalivedVersion(), cpus: os.cpus().length },
    traefik: traefikDescription,
    variants: args.variants.map((v) => ({
      id: v,
      label: edges[v].label,
      capabilities: edges[v].capabilities ?? null,
      configTest: configTests[v] ?? [],
    })),
    lvs,
    scenarios: results,
    ratios: seedProjectRatios(results),
    targets: evaluateTargets(results, lvs),
    labErrors,
  };
  writeReport(args.out, report, { scenarioRuns: args.mode.runs });
  cleanupSync();
  finish(report, args.out);
}

/**
 * Runs the LVS scenarios (lab/lvs/lvs-lab.ts) on this kernel if it has IP_VS, else inside User-Mode Linux.
 * Returns undefined when neither is possible.
 */
async function runLvs(args: Args, detected: LvsStatus): Promise<LvsStatus['ran']> {
  const out = path.join(args.out, 'lvs');
  const labArgs = [`--${args.mode.name}`, ...(args.lvsVariants ? ['--variants', args.lvsVariants] : [])];
  let exitCode: number;
  let where: string;
  if (detected.available) {
    where = `the host kernel ${os.release()}`;
    progress(`LVS direct routing: ${detected.detail}, running lab/lvs on this kernel`);
    const child = spawn(
      process.execPath,
      ['-r', require.resolve('@swc-node/register'), path.join(LAB_DIR, 'lvs', 'lvs-lab.ts'), ...labArgs, '--out', out],
      { stdio: 'inherit' },
    );
    exitCode = await new Promise<number>((r) => child.once('exit', (c) => r(c ?? 2)));
  } else {
    const uml = umlAvailable();
    if (!uml.available) {
      progress(`LVS direct routing: not run: kernel without IP_VS (${detected.detail}) and no User-Mode Linux (${uml.detail})`);
      return undefined;
    }
    where = `${uml.detail} (this kernel has no IP_VS)`;
    progress(`LVS direct routing: kernel without IP_VS (${detected.detail}); running lab/lvs inside ${uml.detail}`);
    exitCode = await runLvsLabInUml(labArgs, out, '/var/tmp', args.mode.name === 'full' ? 3 * 3600 : 1800);
  }
  let missed: string[] = [];
  try {
    const doc = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as { targets: LabTarget[] };
    missed = doc.targets.filter(failing).map((t) => t.description);
  } catch {
    missed = ['no results.json from the LVS lab'];
  }
  const verdict = missed.length ? `, missed: ${missed.join('; ')}` : ', every gating target met (open ones are printed in its results)';
  progress(`LVS direct routing: exit ${exitCode}${verdict}`);
  return { where, exitCode, missed, results: 'lvs/results.md' };
}

function writeReport(out: string, report: LabReport, extra: object): void {
  writeResults(out, { ...report, ...extra }, renderMarkdown(report));
}

/** Console summary, target list and exit code. */
function finish(report: LabReport, out: string): void {
  const { scenarios: results, ratios, targets, labErrors, durationS } = report;

  // Console summary.
  process.stdout.write('\n');
  for (const r of results) {
    const m = r.summary;
    process.stdout.write(
      `${r.variantLabel.padEnd(16)} ${r.scenario.padEnd(18)} ` +
        `move ${fmt(m.vipMoveS.median)}/${fmt(m.vipMoveS.max)} s  gap ${fmt(m.clientGapS.median)}/${fmt(m.clientGapS.max)} s  ` +
        `moves [${m.movesPerRun.join(',')}]  ≥2 holders ${fmt(m.doubleHoldingTotalS)} s  failed ${m.failedRequests}\n`,
    );
  }
  for (const q of ratios) {
    const vipMove = q.vipMove === null ? '–' : q.vipMove.toFixed(1) + 'x';
    const clientGap = q.clientGap === null ? '–' : q.clientGap.toFixed(1) + 'x';
    process.stdout.write(`seed/project ${q.scenario.padEnd(18)} VIP move ${vipMove}  client gap ${clientGap}\n`);
  }
  process.stdout.write(`\nResults: ${path.join(out, 'results.md')}\nTotal duration: ${durationS.toFixed(1)} s (${report.mode})\n\n`);
  process.exitCode = concludeLab({ suite: 'vrrp lab', targets, errors: labErrors }, (line) => process.stdout.write(`${line}\n`));
}

/** Summaries, targets and results.md again from the runs stored in results.json. */
function rerender(dir: string): void {
  const file = path.join(dir, 'results.json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as LabReport & { scenarioRuns?: unknown };
  const scenarios = doc.scenarios.map((s) => ({ ...s, summary: summarizeRuns(s.runs) }));
  const { scenarioRuns, ...rest } = doc;
  const report: LabReport = { ...rest, scenarios, ratios: seedProjectRatios(scenarios), targets: evaluateTargets(scenarios, doc.lvs) };
  writeReport(dir, report, { scenarioRuns });
  finish(report, dir);
}
