/**
 * LVS lab: the synthesized LVS-DR edge on three simulated nodes, in a kernel with IP_VS.
 *   node -r @swc-node/register lab/lvs/lvs-lab.ts [--short|--full] --out DIR [--host-root DIR] [--module-roots xz=DIR,zst=DIR]
 *        [--scenarios spread,crash,...] [--variants project,seed,...] (LVS_VARIANTS below)
 * Usually started by lab/vrrp/vrrp-run.ts, directly or inside User-Mode Linux (lab/lvs/uml.ts) when the host
 * kernel has no IP_VS. Exit 0: every target met; 1: a target missed or a run failed; 2: cannot run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { countOf, listOf, modeOf, parseLabArgs, UsageError } from '../core/cli';
import { renderTimelineSvg } from '../core/svg';
import { cleanupSync, installCleanupHandlers, run, runPrefix, trackPrefix, trackTempDir } from '../core/sys';
import { holdingIntervals, linkDownIntervals } from '../core/timeline';
import { LvsRun, LvsScenario, evaluateLvsTargets } from './lvs-analysis';
import { LabTarget, concludeLab, writeResults } from '../core/outcome';
import { VariantPlan, runPlans } from '../core/runner';
import { LvsCluster } from './lvs-cluster';
import { LvsEdge, seedLvsEdge, synthesizeLvsEdge } from './lvs-edge';
import { LvsReport, renderLvsMarkdown, rolloutTimeline } from './lvs-report';
import { ModuleLoad, loadIpvsFrom, parseModuleRoots } from './module-formats';
import { LVS_MODES, LvsMode, RunTrace, ScenarioCtx, holderFault, spread, traefikKill, traefikRollout } from './lvs-scenarios';

export const LVS_SCENARIOS: LvsScenario[] = ['spread', 'crash', 'graceful-stop', 'traefik-rollout', 'traefik-kill'];
export const LVS_VARIANTS = [
  'project',
  'no-loop-guard',
  'vrrp-only',
  'no-sloppy-tcp',
  'port-reuse',
  'port-reuse-keep-nodest',
  'seed',
  'seed-conf',
] as const;
/**
 * Run unless --variants says otherwise; the full run also shows what net.ipv4.vs.expire_nodest_conn fixes.
 * On request: 'no-sloppy-tcp' (sloppy_tcp), and the seed's settings 'seed' and 'seed-conf' (committed apart,
 * in lab/results/lvs/seed/).
 */
const DEFAULT_VARIANTS: Record<LvsMode['name'], Variant[]> = {
  short: ['project', 'port-reuse', 'no-loop-guard', 'vrrp-only'],
  full: ['project', 'port-reuse', 'port-reuse-keep-nodest', 'no-loop-guard', 'vrrp-only'],
};
type Variant = (typeof LVS_VARIANTS)[number];

/** New connections of a spread run where most of them may time out (3 s each). */
const SEED_SPREAD_CONNECTIONS = 300;

/** How many runs of a scenario a variant gets: the mode's full count, its count for comparisons, or one. */
type RunCount = 'targets' | 'comparison' | 'once';

/** One LVS variant: what it changes, what it runs, how often. A new variant is a new row. */
interface LvsVariant {
  readonly label: string;
  readonly edge: (label: string) => LvsEdge;
  /** The scenarios where it shows something. */
  readonly scenarios: LvsScenario[];
  readonly runs: RunCount | ((s: LvsScenario) => RunCount);
  /** What the lab changes on the nodes or the client. */
  readonly cluster?: { noLoopGuard?: boolean; noSloppyTcp?: boolean; noExpireNodestConn?: boolean; reuseClientPorts?: boolean };
  /** The seed's settings: fewer new connections per spread (most of them time out). */
  readonly seedLike?: boolean;
}

const projectEdge = (label: string): LvsEdge => synthesizeLvsEdge(label, true);
const VARIANTS: Record<Variant, LvsVariant> = {
  project: { label: 'project defaults (loadBalancing, Maglev)', edge: projectEdge, scenarios: LVS_SCENARIOS, runs: 'targets' },
  'no-loop-guard': {
    label: 'same, without the loop guard (net.ipv4.vs.backup_only=0)',
    edge: projectEdge,
    scenarios: ['spread'],
    runs: 'once',
    cluster: { noLoopGuard: true },
  },
  'vrrp-only': {
    label: 'VRRP only (no loadBalancing)',
    edge: (label) => synthesizeLvsEdge(label, false),
    scenarios: ['crash', 'graceful-stop'],
    runs: 'comparison',
  },
  'no-sloppy-tcp': {
    label: 'project defaults with net.ipv4.vs.sloppy_tcp=0',
    edge: projectEdge,
    scenarios: ['crash', 'graceful-stop'],
    runs: 'comparison',
    cluster: { noSloppyTcp: true },
  },
  // port-reuse has targets of its own: as many runs as the project defaults.
  'port-reuse': {
    label: 'project defaults, each new connection reusing an earlier source port',
    edge: projectEdge,
    scenarios: ['traefik-rollout', 'traefik-kill'],
    runs: 'targets',
    cluster: { reuseClientPorts: true },
  },
  'port-reuse-keep-nodest': {
    label: 'same, with net.ipv4.vs.expire_nodest_conn=0',
    edge: projectEdge,
    scenarios: ['traefik-rollout', 'traefik-kill'],
    runs: 'comparison',
    cluster: { reuseClientPorts: true, noExpireNodestConn: true },
  },
  // Without the VIP on lo the other nodes cannot accept what the holder sends them, so held connections to
  // them cannot be set up: only the spread can run.
  seed: {
    label: "seed settings: the seed's keepalived.conf, nodes as the seed leaves them",
    edge: seedLvsEdge,
    scenarios: ['spread'],
    runs: 'once',
    seedLike: true,
  },
  'seed-conf': {
    label: "the seed's keepalived.conf on nodes with the project's host preparation",
    edge: (label) => ({ ...seedLvsEdge(label), hostPreparation: synthesizeLvsEdge('', true).hostPreparation }),
    scenarios: ['spread', 'crash', 'graceful-stop', 'traefik-kill'],
    runs: (s) => (s === 'spread' ? 'once' : 'comparison'),
    seedLike: true,
  },
};

function runsOf(variant: LvsVariant, s: LvsScenario, mode: LvsMode): number {
  const count = typeof variant.runs === 'function' ? variant.runs(s) : variant.runs;
  return count === 'targets' ? mode.runs[s] : count === 'comparison' ? mode.variantRuns : 1;
}

const started = Date.now();
function progress(msg: string): void {
  process.stdout.write(`[lvs ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${msg}\n`);
}

function parse(argv: string[]): {
  mode: LvsMode;
  out: string;
  hostRoot: string;
  moduleRoots: Array<[string, string]>;
  scenarios: LvsScenario[];
  variants: Variant[];
} {
  const values = parseLabArgs(argv, {
    'host-root': { type: 'string' },
    'module-roots': { type: 'string' },
    scenarios: { type: 'string' },
    variants: { type: 'string' },
    runs: { type: 'string' },
  });
  let mode = LVS_MODES[modeOf(values)];
  const runs = countOf('runs', values.runs);
  if (runs !== undefined) {
    mode = {
      ...mode,
      variantRuns: runs,
      runs: { spread: runs, crash: runs, 'graceful-stop': runs, 'traefik-rollout': runs, 'traefik-kill': runs },
    };
  }
  if (values.out === undefined) throw new UsageError('--out DIR is required (lab/vrrp/vrrp-run.ts passes it)');
  return {
    mode,
    out: path.resolve(String(values.out)),
    hostRoot: values['host-root'] === undefined ? '/' : String(values['host-root']),
    moduleRoots: values['module-roots'] === undefined ? [] : parseModuleRoots(String(values['module-roots'])),
    scenarios: listOf('scenarios', values.scenarios, LVS_SCENARIOS, LVS_SCENARIOS),
    variants: listOf('variants', values.variants, LVS_VARIANTS, DEFAULT_VARIANTS[mode.name]),
  };
}

function summary(r: LvsRun): string {
  if (r.error) return `ERROR ${r.error}`;
  const parts: string[] = [];
  if (r.labFault) parts.push(`LAB FAULT (${r.labFault})`);
  if (r.note) parts.push(`note: ${r.note}`);
  if (r.perNode)
    parts.push(
      `per node ${JSON.stringify(r.perNode)}, failed ${r.failed}/${r.total}, ` +
        `scheduling ${JSON.stringify(r.schedulingNodes)}, extra answers ${r.extraAnswers}`,
    );
  if (r.survival) {
    const s = r.survival;
    parts.push(
      `held to surviving nodes ${s.survivedSurviving}/${s.toSurviving} survived, to dead node ${s.lostDead}/${s.toDead} lost, ` +
        `lost per node ${JSON.stringify(s.lostPerNode)}`,
    );
  }
  if (r.stoppedNodeServices !== undefined) parts.push(`IPVS services left on the stopped node ${r.stoppedNodeServices}`);
  if (r.failuresStopS !== undefined) parts.push(`new-connection failures stop ${r.failuresStopS.toFixed(2)} s after the fault`);
  if (r.failedNew !== undefined) parts.push(`failed ${r.failedNew}/${r.requests} new connections`);
  if (r.arpResponders) parts.push(`ARP responders [${r.arpResponders.join(',')}]`);
  if (r.rolloutSteps && r.failedNew) parts.push(rolloutTimeline(r));
  if (r.holderBefore) parts.push(`holder ${r.holderBefore}${r.holderAfter ? ` → ${r.holderAfter}` : ''}`);
  return parts.join('; ');
}

/** The targets, of the project defaults and, when it ran, of the same defaults with reused client ports. */
function targetsOf(runs: readonly LvsRun[], variants: readonly string[], allScenarios: boolean): LabTarget[] {
  if (!variants.includes('project')) return [];
  const targets = evaluateLvsTargets(runs, 'project', variants.includes('port-reuse') ? 'port-reuse' : undefined);
  // A target of a scenario left out with --scenarios has no data because it was not run, not because it failed.
  return allScenarios ? targets : targets.map((t) => (t.status === 'no-data' ? { ...t, status: 'not-run' } : t));
}

/** results.md and the targets again from the runs in DIR/results.json (no measuring). */
function rerender(dir: string): void {
  const file = path.join(dir, 'results.json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as LvsReport & { runs: LvsRun[] };
  const report = { ...doc, targets: targetsOf(doc.runs, Object.keys(doc.variants), true) };
  writeResults(dir, report, renderLvsMarkdown(report));
  concludeLab({ suite: 'lvs lab', targets: report.targets, errors: report.errors }, (line) => process.stdout.write(`${line}\n`));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--rerender') return rerender(path.resolve(process.argv[3]));
  const args = parse(process.argv.slice(2));
  // Only the VRRP-only comparison runs without IP_VS.
  if (args.variants.some((v) => v !== 'vrrp-only') && !fs.existsSync('/proc/net/ip_vs')) {
    // The first node's host preparation loads ip_vs; check that the kernel can have it at all.
    const r = run('modprobe', ['-n', 'ip_vs'], { allowFail: true });
    if (r.code !== 0 && !fs.existsSync(path.join(args.hostRoot, 'lib/modules', os.release()))) {
      process.stderr.write(`lvs lab: this kernel (${os.release()}) has no IP_VS\n`);
      process.exit(2);
    }
  }
  installCleanupHandlers();
  const prefix = `${runPrefix()}l`;
  trackPrefix(runPrefix());
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${runPrefix()}lvs-`));
  trackTempDir(work);
  fs.mkdirSync(args.out, { recursive: true });
  for (const f of fs.readdirSync(args.out)) if (/\.svg$/.test(f)) fs.rmSync(path.join(args.out, f));

  const runs: LvsRun[] = [];
  const traces = new Map<LvsRun, RunTrace>();
  const setupInfo: Record<string, unknown> = {};
  const errors: string[] = [];
  let crashSvg: string | undefined;
  // ip_vs from each node root's compressed modules (.ko.xz, .ko.zst) before any variant loads it.
  const moduleLoads: ModuleLoad[] = [];
  const project = synthesizeLvsEdge(VARIANTS.project.label, true);
  for (const [format, root] of args.moduleRoots) {
    const m = loadIpvsFrom(format, root, `${prefix}mod`, project.interfaceName, project.hostPreparation!);
    moduleLoads.push(m);
    progress(
      `ip_vs from .ko.${format} modules (${m.file ?? 'no ip_vs file'}): ` +
        `script rc ${m.rc}, ${m.loaded ? 'loaded' : 'NOT loaded'}${m.output ? `: ${m.output}` : ''}`,
    );
    if (m.rc !== 0 || !m.loaded) errors.push(`ip_vs did not load from .ko.${format} modules: rc ${m.rc} ${m.output}`);
  }
  const plans: VariantPlan<LvsRun>[] = [];
  for (const variant of args.variants) {
    const row = VARIANTS[variant];
    const scenarios = row.scenarios.filter((s) => args.scenarios.includes(s));
    if (scenarios.length === 0) continue;
    const edge = row.edge(row.label);
    const cluster = new LvsCluster(edge, {
      prefix: `${prefix}${LVS_VARIANTS.indexOf(variant)}-`,
      workDir: path.join(work, variant),
      logDir: path.join(args.out, 'logs', variant),
      hostRoot: args.hostRoot,
      ...row.cluster,
    });
    const ctx: ScenarioCtx = {
      cluster,
      variant,
      mode: row.seedLike ? { ...args.mode, spreadConnections: SEED_SPREAD_CONNECTIONS } : args.mode,
      progress,
    };
    const measured: LvsRun[] = [];
    const once = async (s: LvsScenario, i: number): Promise<LvsRun> => {
      const record = await measure(s, i);
      measured.push(record);
      return record;
    };
    const measure = async (s: LvsScenario, i: number): Promise<LvsRun> => {
      if (s === 'spread') return (await spread(ctx, i)).record;
      if (s === 'crash' || s === 'graceful-stop') {
        const o = await holderFault(ctx, s, i);
        traces.set(o.record, o.trace);
        return o.record;
      }
      if (s === 'traefik-rollout') return (await traefikRollout(ctx, i)).record;
      return (await traefikKill(ctx, i)).record;
    };
    plans.push({
      variant,
      setup: async () => {
        progress(`${variant}: setting up (${edge.label})`);
        await cluster.setup();
        setupInfo[variant] = {
          configTest: cluster.configTest,
          hostPreparation: cluster.hostPreparation,
          health: edge.health ?? null,
          graceMs: edge.graceMs,
        };
        for (const t of cluster.configTest) {
          progress(`${variant}: keepalived -t --config-id ${t.node}: rc ${t.rc}${t.output ? `: ${t.output.split('\n')[0]}` : ''}`);
          if (t.rc !== 0 || t.output) errors.push(`${variant}: keepalived -t on ${t.node}: rc ${t.rc} ${t.output}`);
        }
        for (const h of cluster.hostPreparation)
          progress(`${variant}: host preparation on ${h.node}: rc ${h.rc}${h.output ? `: ${h.output}` : ''}`);
      },
      scenarios: () =>
        scenarios.map((s) => ({ scenario: s, runs: runsOf(row, s, args.mode), run: async (i: number) => [await once(s, i)] })),
      teardown: async () => {
        // Drawn before teardown, while the cluster's timeline is still there.
        if (variant === 'project') crashSvg = writeCrashSvg(args.out, cluster, measured, traces);
        await cluster.teardown();
      },
    });
  }
  const ran = await runPlans(plans, {
    progress,
    describe: summary,
    // A run a lab fault spoiled (e.g. the client itself stalled) is reported and replaced.
    spoiled: (r) => Boolean(r.labFault),
    errored: (variant, scenario, run, error) => ({ scenario: scenario as LvsScenario, variant, run, labFault: null, error }),
  });
  runs.push(...ran.records);
  errors.push(...ran.errors);

  const targets = targetsOf(runs, args.variants, args.scenarios.length === LVS_SCENARIOS.length);
  const report = {
    startedAt: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    mode: args.mode.name,
    kernel: `${os.release()} (${os.cpus().length} CPU)`,
    keepalived: (run('/usr/sbin/keepalived', ['--version'], { allowFail: true }).stderr.split('\n')[0] ?? '').trim(),
    variants: Object.fromEntries(args.variants.map((v) => [v, VARIANTS[v].label])),
    setup: setupInfo,
    moduleLoads,
    runs,
    targets,
    errors,
    crashSvg: crashSvg ?? null,
  };
  writeResults(args.out, report, renderLvsMarkdown(report));
  const code = concludeLab({ suite: 'lvs lab', targets, errors }, progress);
  cleanupSync();
  process.exit(code);
}

/** The crash timeline of the median crash run of the project defaults. */
function writeCrashSvg(out: string, cluster: LvsCluster, runs: LvsRun[], traces: Map<LvsRun, RunTrace>): string | undefined {
  const crashes = runs
    .filter((r) => r.variant === 'project' && r.scenario === 'crash' && !r.error && !r.labFault && traces.has(r))
    .sort((a, b) => (a.failuresStopS ?? 0) - (b.failuresStopS ?? 0));
  const rep = crashes[Math.floor((crashes.length - 1) / 2)];
  if (!rep) return undefined;
  const tr = traces.get(rep)!;
  const tl = cluster.timeline();
  const lost = tr.held.filter((h) => h.failedAt !== null && h.failedAt > 0);
  const markers = [{ t: tr.t0, label: `${rep.faultNode} crashes (keepalived SIGKILL + link down)`, fault: true }];
  const byNode = new Map<string, number[]>();
  for (const h of lost) byNode.set(h.node, [...(byNode.get(h.node) ?? []), h.failedAt!]);
  for (const [node, ts] of byNode)
    markers.push({ t: Math.min(...ts), label: `${ts.length} held connection(s) to ${node} lost`, fault: false });
  const s = rep.survival!;
  const svg = renderTimelineSvg({
    title: 'LVS-DR: VIP holder crash with connections open — project defaults',
    subtitle:
      `run ${rep.run}: ${s.survivedSurviving}/${s.toSurviving} held connections to surviving nodes survived, ` +
      `${s.toDead} to the dead node; new-connection failures stop ${rep.failuresStopS?.toFixed(2)} s after the fault ` +
      '(client lane: new connections every 50 ms)',
    nodes: cluster.nodes,
    from: tr.from,
    to: tr.to,
    t0: tr.t0,
    holding: holdingIntervals(tl, tr.from, tr.to),
    linkDown: linkDownIntervals(tl, tr.from, tr.to),
    samples: cluster.samples.filter((x) => x.start >= tr.from && x.start <= tr.to),
    markers,
  });
  const name = 'timeline-lvs-crash-project.svg';
  fs.writeFileSync(path.join(out, name), svg);
  return name;
}

main().catch((e) => {
  process.stderr.write(`lvs lab: ${(e as Error)?.stack ?? e}\n`);
  cleanupSync();
  process.exit(2);
});
