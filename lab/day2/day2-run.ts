/**
 * Day-2 HA lab: config changes reach the nodes at random moments (as kubelet syncs do) and keepalived reloads in
 * place; an image upgrade goes through `npm run rollout`; `npm run status` is run against the lab through the
 * kubectl stand-in. Real keepalived in network namespaces, the DaemonSet's own start command, env and mounts.
 *   npm run lab -- day2 [--short|--full] [--out DIR | --write-results] [--scenarios a,b] [--runs N] [--traefik real|standin]
 * Needs Linux and root (namespaces, mounts). Exit 0 = every target met, 1 = a target missed, 2 = could not run.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EdgeIngressProps } from '../../lib';
import { LabCluster } from '../core/cluster';
import { LAB_EXTRA_NODE, day2BaseProps } from './day2-app';
import { Day2Lab, edgeOf } from './day2-lab';
import { KeepalivedPodSpec, synthesizePod } from '../core/keepalived-pod';
import { DAY2_SCENARIOS, Day2Run, Day2Scenario, MEASURED_ONLY, day2Targets, renderDay2Markdown } from './day2-results';
import { concludeLab, writeResults } from '../core/outcome';
import { preflightProblems, requireRunnable } from '../core/preflight';
import { VariantPlan, runPlans } from '../core/runner';
import { LAB_DIR, countOf, EXIT_MET, listOf, modeOf, outDirOf, parseLabArgs } from '../core/cli';
import { fmt } from '../core/stats';
import { TraefikKind, describeTraefik, parseTraefikKind, prepareTraefik, traefikFleet } from '../traefik/choice';
import {
  cleanupSync,
  installCleanupHandlers,
  nowMs,
  run,
  runPrefix,
  sleep,
  staleLabPrefixes,
  staleLabTempDirs,
  trackPrefix,
  trackTempDir,
  removeNamespaces,
  waitFor,
} from '../core/sys';
import { analyzeVip, clientGapMs, failedRequests } from '../core/timeline';

/** Nodes of a cold start come up within this spread, in random order. */
const COLD_START_SPREAD_MS = 3000;

interface Day2Mode {
  readonly name: 'short' | 'full';
  readonly runs: Record<Day2Scenario, number>;
  /** Each node sees a new ConfigMap after a random delay in [0, maxDelayMs] (kubelet sync + cache). */
  readonly maxDelayMs: number;
  readonly settleMs: number;
  /** Observation after the last node reloaded. */
  readonly tailMs: number;
}

const MODES: Record<'short' | 'full', Day2Mode> = {
  short: {
    name: 'short',
    runs: {
      'backup-priority': 2,
      'node-added': 1,
      'vip-added': 2,
      'check-interval': 1,
      'broken-config': 1,
      'reload-traefik-failing': 2,
      // CI's e2e nodes section runs `npm run rollout -- --apply` on real kubelets' pods (e2e/kubelet/day2.ts).
      'image-upgrade': 0,
      'vrid-change': 0,
      'cold-start': 3,
      'cold-start-undelayed': 0,
    },
    maxDelayMs: 10_000,
    settleMs: 1000,
    tailMs: 3000,
  },
  full: {
    name: 'full',
    runs: {
      'backup-priority': 1,
      'node-added': 1,
      'vip-added': 1,
      'check-interval': 1,
      'broken-config': 1,
      'reload-traefik-failing': 5,
      'image-upgrade': 2,
      'vrid-change': 1,
      'cold-start': 10,
      'cold-start-undelayed': 6,
    },
    maxDelayMs: 90_000,
    settleMs: 1500,
    tailMs: 5000,
  },
};

/** Where the longest stretch without a successful request began, ms after `from` (for reading a run). */
function gapStart(samples: ReadonlyArray<{ end: number; ok: boolean }>, from: number, to: number): number {
  const ok = samples
    .filter((x) => x.ok && x.end > from && x.end <= to)
    .map((x) => x.end)
    .sort((a, b) => a - b);
  let best = 0;
  let at = from;
  for (let i = 1; i < ok.length; i++) {
    if (ok[i] - ok[i - 1] > best) {
      best = ok[i] - ok[i - 1];
      at = ok[i - 1];
    }
  }
  return Math.round(at - from);
}

export const DAY2_USAGE =
  'usage: npm run lab -- day2 [--short|--full] [--out DIR | --write-results] [--scenarios a,b] [--runs N] [--traefik real|standin]\n' +
  `  --short          the CI runs (default); --full: every scenario's full count, nodes see a change 0-90 s apart
  --out DIR        results folder (default .lab-out/day2-<mode>); --write-results: lab/results/day2, the committed run
  --scenarios a,b  ${DAY2_SCENARIOS.join(', ')}
  --runs N         runs per scenario instead of the mode's
  --traefik K      real (default: the real Traefik from its pod against a real control plane) or standin`;

export function parseDay2Args(argv: readonly string[]): {
  mode: Day2Mode;
  out: string;
  scenarios: Day2Scenario[];
  runs?: number;
  traefik: TraefikKind;
} {
  const values = parseLabArgs(argv, { scenarios: { type: 'string' }, runs: { type: 'string' }, traefik: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`${DAY2_USAGE}\n`);
    process.exit(EXIT_MET);
  }
  const mode = MODES[modeOf(values)];
  return {
    mode,
    out: outDirOf(values, path.join(LAB_DIR, 'results', 'day2'), `day2-${mode.name}`),
    scenarios: listOf('scenarios', values.scenarios, DAY2_SCENARIOS, DAY2_SCENARIOS),
    runs: countOf('runs', values.runs),
    traefik: values.traefik === undefined ? 'real' : parseTraefikKind(String(values.traefik)),
  };
}

/** The props after the change a scenario makes. */
function changedProps(s: Day2Scenario, base: EdgeIngressProps, holder: string): EdgeIngressProps {
  switch (s) {
    case 'backup-priority':
    case 'reload-traefik-failing': {
      // The lowest-priority backup gets a priority above the holder's: with nopreempt nothing may move.
      const backups = base.nodes.filter((n) => n.name !== holder);
      const lowest = backups[backups.length - 1].name;
      return { ...base, nodes: base.nodes.map((n) => (n.name === lowest ? { ...n, priority: 200 } : n)) };
    }
    case 'node-added':
      return { ...base, nodes: [...base.nodes, { ...LAB_EXTRA_NODE }] };
    case 'vip-added':
      return { ...base, additionalVirtualIps: ['10.77.0.101'] };
    case 'check-interval':
      return { ...base, healthCheck: { intervalSeconds: 2 } };
    case 'vrid-change':
      return { ...base, virtualRouterId: 52 };
    default:
      return base;
  }
}

const BROKEN_SUFFIX = '\nvrrp_instance VI_BROKEN {\n    virtual_router_id 300\n}\n';

/** All pods stop, then start within COLD_START_SPREAD_MS in random order (a new cluster, a power cut). */
async function runColdStart(lab: Day2Lab, s: Day2Scenario, i: number, mode: Day2Mode, base: KeepalivedPodSpec): Promise<Day2Run> {
  const c = lab.cluster;
  const nodes = base.props.nodes.map((n) => n.name);
  const preferred = nodes[0]; // the first node gets the highest default priority
  await lab.reset(base, nodes, mode.settleMs);
  const spec =
    s === 'cold-start-undelayed' ? { ...base, keepalivedConf: base.keepalivedConf.replace(/^.*vrrp_startup_delay.*\n/gm, '') } : base;
  await Promise.all(nodes.map((n) => lab.stopPod(n)));
  await waitFor(() => c.vipConfigured().length === 0, 3000, 10);
  for (const n of nodes) lab.deliverConfig(n, spec.keepalivedConf);
  const t0 = c.mark(`cold start: ${s}`);
  const offsets = nodes.map(() => Math.random() * COLD_START_SPREAD_MS);
  await Promise.all(
    nodes.map(async (n, k) => {
      await sleep(offsets[k]);
      lab.startPod(n, spec);
    }),
  );
  const holder = await c.waitStable(mode.settleMs, 30_000);
  const end = nowMs();
  const a = analyzeVip(c.timeline(), t0, end);
  const checks: Day2Run['checks'] = [];
  if (!MEASURED_ONLY.includes(s)) {
    checks.push({ name: `the highest-priority node (${preferred}) holds the VIP`, ok: holder === preferred, detail: `${holder}` });
    checks.push({ name: 'one VIP holder at a time', ok: a.doubleHoldingMs === 0, detail: `${fmt(a.doubleHoldingMs, 0)} ms` });
  }
  const firstStart = Math.min(...offsets);
  return {
    scenario: s,
    run: i,
    holderBefore: '-',
    holderAfter: holder,
    vipMoves: a.moves,
    doubleHoldingMs: Math.round(a.doubleHoldingMs),
    failedRequests: failedRequests(c.samples, t0, end),
    requests: c.samples.filter((x) => x.start >= t0 && x.start <= end).length,
    clientGapMs: Math.round(clientGapMs(c.samples, t0, end)),
    clientGapAtMs: gapStart(c.samples, t0, end),
    delivery: Object.fromEntries(nodes.map((n, k) => [n, { seenMs: Math.round(offsets[k]), appliedMs: null }])),
    allNodesMs: a.firstNewHolderAt === null ? null : Math.round(a.firstNewHolderAt - t0 - firstStart),
    checks,
  };
}

async function runOnce(
  lab: Day2Lab,
  s: Day2Scenario,
  i: number,
  mode: Day2Mode,
  base: KeepalivedPodSpec,
  progress: (m: string) => void,
): Promise<Day2Run> {
  if (s === 'cold-start' || s === 'cold-start-undelayed') return runColdStart(lab, s, i, mode, base);
  const c = lab.cluster;
  const baseNodes = base.props.nodes.map((n) => n.name);
  let holder = await lab.reset(base, baseNodes, mode.settleMs);
  // A just-started cluster is not the steady state: backups inside their vrrp_startup_delay would not take over.
  await lab.waitStartupDelays();
  if (s === 'check-interval') {
    // Reload on a holder that is not the preferred node, i.e. one whose file has a vrrp_startup_delay line: the
    // delay must not apply to a reload. Restarting the preferred node's pod moves the VIP to the next one.
    await lab.stopPod(holder);
    lab.startPod(holder);
    holder = await c.waitStable(mode.settleMs, 30_000);
    await lab.waitStartupDelays();
  }
  await sleep(Math.random() * 1000); // random advert phase
  const checks: Day2Run['checks'] = [];
  const check = (name: string, ok: boolean, detail = ''): void => {
    checks.push({ name, ok, detail });
  };
  const oldRevision = lab.configStatus(holder)?.revision ?? '';
  const t0 = c.mark(`change: ${s}`);
  const delivery: Day2Run['delivery'] = {};
  let allNodesMs: number | null = null;
  let handoverMs: number | null | undefined;
  let end = 0;
  let rolloutLog: string | undefined;
  let holderReloadMs: number | null | undefined;

  if (s === 'image-upgrade') {
    lab.setTemplate(synthesizePod({ ...base.props, keepalived: { ...base.props.keepalived, image: 'docker.io/osixia/keepalived:2.3.5' } }));
    const dry = await lab.runTool('scripts/rollout.ts', ['--app', 'lab/day2/day2-app.ts']);
    const plan = dry.stdout.split('\n').filter((l) => /^\s+\d+\. kubectl delete pod/.test(l));
    check(
      'rollout dry run lists 3 pods, the VIP holder last, and deletes nothing',
      dry.code === 0 &&
        plan.length === 3 &&
        plan[2].includes(`# ${holder}, VIP holder`) &&
        c.nodes.every((n) => !baseNodes.includes(n) || lab.podRunning(n)),
      dry.stdout + dry.stderr,
    );
    const applied = await lab.runTool('scripts/rollout.ts', ['--app', 'lab/day2/day2-app.ts', '--apply', '--timeout', '60']);
    check('rollout --apply exits 0', applied.code === 0, applied.stdout + applied.stderr);
    rolloutLog = applied.stdout;
    allNodesMs = nowMs() - t0;
    await sleep(mode.tailMs);
    // The measured window ends here: the npm run status calls below start node processes whose CPU use on this
    // shared 2-core machine delayed one client request past its 200 ms timeout (seen once), which is not the edge.
    end = nowMs();
    const after = await lab.status(true);
    const view = after.code === 0 ? JSON.parse(after.stdout) : { nodes: [] };
    check(
      'every pod runs the new image (npm run status)',
      view.nodes.length === 3 && view.nodes.every((n: { image: string }) => n.image === 'docker.io/osixia/keepalived:2.3.5'),
      after.stdout + after.stderr,
    );
  } else {
    const changed =
      s === 'broken-config'
        ? { ...base, keepalivedConf: base.keepalivedConf + BROKEN_SUFFIX }
        : synthesizePod(changedProps(s, base.props, holder));
    const newRevision = require('crypto').createHash('sha256').update(changed.keepalivedConf).digest('hex').slice(0, 12);
    lab.setConfigMap(changed.keepalivedConf);
    let failAt = 0;
    if (s === 'reload-traefik-failing') {
      // The holder gets the file now and its reloader notices within one poll (2 s); Traefik starts failing 1 s
      // from now, so the reload lands between 1 s before and 1 s after the failure, i.e. before the handover.
      void sleep(1000).then(() => {
        failAt = nowMs();
        c.setTraefikFailing(holder, true);
      });
    }
    const done = (st: { revision: string; rejected: string }): boolean =>
      s === 'broken-config' ? st.rejected === newRevision : st.revision === newRevision;
    await Promise.all(
      baseNodes.map(async (n) => {
        // The holder sees the file at once in the Traefik scenario, so its reload meets the failing check.
        // The other nodes' reloads do not matter there: a short spread keeps the run short.
        const delay =
          s !== 'reload-traefik-failing'
            ? Math.random() * mode.maxDelayMs
            : n === holder
              ? 0
              : Math.random() * Math.min(mode.maxDelayMs, 10_000);
        await sleep(delay);
        lab.deliverConfig(n, changed.keepalivedConf);
        const seen = nowMs();
        const applied = await lab.waitConfig(n, done, 30_000);
        delivery[n] = { seenMs: Math.round(seen - t0), appliedMs: applied === null ? null : Math.round(applied - t0) };
      }),
    );
    if (Object.values(delivery).every((d) => d.appliedMs !== null)) {
      allNodesMs = Math.max(...Object.values(delivery).map((d) => d.appliedMs!));
    }
    check(
      s === 'broken-config' ? 'every node refused the broken file' : 'every node runs the new file',
      allNodesMs !== null,
      JSON.stringify(delivery),
    );
    if (s === 'node-added') {
      // `npm run label-nodes` after every node runs the new file: the new node's pod starts.
      lab.deliverConfig(LAB_EXTRA_NODE.name, changed.keepalivedConf);
      lab.startPod(LAB_EXTRA_NODE.name, lab.template);
      const backup = await waitFor(() => c.vrrpState[LAB_EXTRA_NODE.name] === 'BACKUP', 15_000, 50);
      check(
        'the new node joins as BACKUP',
        backup && c.vrrpState[LAB_EXTRA_NODE.name] === 'BACKUP',
        String(c.vrrpState[LAB_EXTRA_NODE.name]),
      );
    }
    if (s === 'reload-traefik-failing') {
      await waitFor(() => failAt > 0, 3000, 10);
      await waitFor(() => c.holders().length === 1 && c.holders()[0] !== holder, 15_000, 20);
      const a = analyzeVip(c.timeline(), failAt, nowMs());
      handoverMs = a.firstNewHolderAt === null ? null : Math.round(a.firstNewHolderAt - failAt);
      const holderLog = lab.configStatus(holder);
      // keepalived's own "Reloading ..." line on the holder (the config-status file is written a little later).
      const reloadAt = lab
        .logTimes(holder, / Reloading \.\.\.$/)
        .filter((t) => t >= t0)
        .pop();
      // The time is judged over the runs (handoverTargetMet), as the Traefik target is a median; each run must move.
      check('the VIP left the failing holder', handoverMs !== null, `holder runs ${holderLog?.revision}`);
      // appliedMs counts from the change; the failure came later.
      holderReloadMs = reloadAt === undefined ? null : Math.round(reloadAt - failAt);
    }
    await sleep(mode.tailMs);
    end = nowMs();
    if (s === 'vip-added') {
      const h = c.holders();
      const second = lab.nodesWith('10.77.0.101');
      check(
        'the second VIP is on the holder only',
        h.length === 1 && second.length === 1 && second[0] === h[0],
        `holders ${h} second ${second}`,
      );
      const st = await lab.status(true);
      const view = st.code === 0 ? JSON.parse(st.stdout) : null;
      const holderView = view?.nodes.find((n: { node: string }) => n.node === h[0]);
      check(
        'npm run status: exit 0, both VIPs on the holder, every node on the new revision',
        !!view && holderView?.vips.includes('10.77.0.101') && view.nodes.every((n: { revision: string }) => n.revision === newRevision),
        st.stdout + st.stderr,
      );
    }
    if (s === 'broken-config') {
      const st = await lab.status(false);
      const refused = baseNodes.every((n) => st.stdout.includes(`! ${n}: keepalived -t refused config ${newRevision}`));
      check(
        'npm run status: exit 0, VIP on the holder, every node shown keeping the last good config',
        st.code === 0 &&
          refused &&
          st.stdout.includes(`VIP ${base.props.virtualIp} is on ${holder}`) &&
          baseNodes.every((n) => lab.configStatus(n)?.revision === oldRevision),
        st.stdout + st.stderr,
      );
      progress(`    status output:\n${st.stdout.replace(/^/gm, '      ')}`);
    }
  }
  const a = analyzeVip(c.timeline(), t0, end);
  const expectedMoves = s === 'image-upgrade' || s === 'reload-traefik-failing' ? 1 : 0;
  const failed = failedRequests(c.samples, t0, end);
  if (!MEASURED_ONLY.includes(s)) {
    check(`${expectedMoves} VIP move${expectedMoves === 1 ? '' : 's'}`, a.moves === expectedMoves, `${a.moves} moves`);
    check('0 ms with two VIP holders', a.doubleHoldingMs === 0, `${fmt(a.doubleHoldingMs, 0)} ms`);
    if (expectedMoves === 0) check('no failed client request', failed === 0, `${failed} failed`);
    // One graceful move: SIGTERM makes the holder send a priority-0 advert, the next node takes over at once.
    if (s === 'image-upgrade') check('client gap of the one move under 1 s', clientGapMs(c.samples, t0, end) < 1000, '');
  }
  check('no lab error', lab.errors.length === 0, lab.errors.splice(0).join('; '));
  if (s === 'broken-config') {
    // After the measurement: npm run status must fail when the VIP is on no node, and on several.
    for (const n of baseNodes) c.setTraefikFailing(n, true);
    await waitFor(() => c.holders().length === 0, 10_000, 20);
    const none = await lab.status(false);
    check(
      'npm run status exits 1 when the VIP is on no node (every Traefik failing)',
      none.code === 1 && none.stdout.includes('is on NO node'),
      none.stdout + none.stderr,
    );
    for (const n of baseNodes) c.setTraefikFailing(n, false);
    await waitFor(() => c.holders().length === 1, 10_000, 20);
    c.setPartition(true);
    await waitFor(() => c.holders().length >= 2, 10_000, 20);
    const split = await lab.status(false);
    c.setPartition(false);
    check(
      'npm run status exits 1 when the VIP is on several nodes (VRRP partition)',
      split.code === 1 && /is on [23] nodes/.test(split.stdout),
      split.stdout + split.stderr,
    );
  }
  return {
    scenario: s,
    run: i,
    holderBefore: holder,
    holderAfter: a.holderAtEnd,
    vipMoves: a.moves,
    doubleHoldingMs: Math.round(a.doubleHoldingMs),
    failedRequests: failed,
    requests: c.samples.filter((x) => x.start >= t0 && x.start <= end).length,
    clientGapMs: Math.round(clientGapMs(c.samples, t0, end)),
    clientGapAtMs: gapStart(c.samples, t0, end),
    delivery,
    allNodesMs,
    handoverMs,
    holderReloadMs,
    checks,
    rolloutLog,
  };
}

/**
 * The Traefik target of the reload scenario: the median handover over its runs (as in the failover lab). One run
 * can be slower: a backup that reloads as the holder fails takes the VIP up to about 0.6 s later.
 */
/** The day-2 lab; `npm run lab -- day2` (lab/lab.ts) calls it with the flags after the suite. */
export async function runDay2Lab(argv: readonly string[]): Promise<number> {
  const args = parseDay2Args(argv);
  requireRunnable(
    'day2 lab',
    preflightProblems({ commands: ['/usr/sbin/keepalived', '/usr/bin/setpriv', '/usr/bin/nsenter', '/usr/bin/wget'] }),
  );
  installCleanupHandlers();
  for (const p of staleLabPrefixes()) removeNamespaces(p);
  for (const dir of staleLabTempDirs(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
  const prefix = `${runPrefix()}d2-`;
  trackPrefix(prefix);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), runPrefix()));
  trackTempDir(workDir);
  fs.mkdirSync(args.out, { recursive: true });
  const logDir = path.join(args.out, 'logs');
  const started = new Date().toISOString();

  const base = synthesizePod(day2BaseProps());
  // The namespaces include the fourth node (its pod only starts in the node-added scenario).
  const withExtra = synthesizePod({ ...day2BaseProps(), nodes: [...day2BaseProps().nodes, { ...LAB_EXTRA_NODE }] });
  const problem = prepareTraefik(args.traefik);
  if (problem) {
    process.stderr.write(`day2 lab: cannot run the real Traefik: ${problem} (--traefik standin runs the stand-in)\n`);
    return 2;
  }
  const traefik = describeTraefik(args.traefik);
  const edge = edgeOf(withExtra);
  const cluster = new LabCluster(edge, {
    prefix,
    workDir,
    logDir,
    clientMaxSeconds: 3600,
    clientIntervalMs: 20,
    clientTimeoutMs: 200,
    traefik: traefikFleet(args.traefik, withExtra.props, edge, workDir),
  });
  const lab = new Day2Lab(cluster, base, workDir);
  const traefikErrors: string[] = [];
  const progress = (m: string): void => {
    process.stdout.write(`${m}\n`);
  };
  const plan: VariantPlan<Day2Run> = {
    variant: 'project',
    setup: () => lab.setup(),
    scenarios: () =>
      args.scenarios.map((s) => ({
        scenario: s,
        runs: args.runs ?? args.mode.runs[s],
        run: async (i: number) => [await runOnce(lab, s, i, args.mode, base, progress)],
      })),
    teardown: async () => {
      traefikErrors.push(...cluster.traefik.errorLines());
      await lab.teardown();
    },
  };
  const ran = await runPlans([plan], { progress, describe: describeRun, errored: erroredRun });
  cleanupSync();
  const runs = ran.records;
  const targets = day2Targets(runs);
  const keepalived = run('/usr/sbin/keepalived', ['--version'], { allowFail: true }).stderr.split('\n')[0];
  const md = renderDay2Markdown(runs, targets, {
    mode: args.mode.name,
    maxDelayMs: args.mode.maxDelayMs,
    started,
    keepalived,
    traefik,
    traefikErrors,
  });
  writeResults(args.out, { mode: args.mode, started, traefik, traefikErrors, targets, errors: ran.errors, runs }, md);
  process.stdout.write(`\n${md}`);
  const errors = [...ran.errors, ...traefikErrors.map((l) => `Traefik logged: ${l.trim()}`)];
  return concludeLab({ suite: 'day2 lab', targets, errors }, progress);
}

/** The progress line of one run. */
function describeRun(r: Day2Run): string {
  const missed = r.checks.filter((c) => !c.ok);
  return (
    `holder ${r.holderBefore} -> ${r.holderAfter}, ${r.vipMoves} moves, two holders ${r.doubleHoldingMs} ms, ` +
    `${r.failedRequests} failed of ${r.requests}, gap ${r.clientGapMs} ms at ${r.clientGapAtMs} ms, ` +
    `all nodes ${r.allNodesMs === null ? '-' : (r.allNodesMs / 1000).toFixed(1)} s` +
    `${r.handoverMs !== undefined ? `, handover ${r.handoverMs} ms (holder reloaded at ${r.holderReloadMs} ms)` : ''}` +
    `${missed.length ? `  MISSED: ${missed.map((c) => `${c.name} (${c.detail.split('\n')[0]})`).join('; ')}` : ''}`
  );
}

/** What a run that threw leaves: a record whose one check failed with the error. */
function erroredRun(_variant: string, scenario: string, run: number, error: string): Day2Run {
  return {
    scenario: scenario as Day2Scenario,
    run,
    holderBefore: '-',
    holderAfter: null,
    vipMoves: 0,
    doubleHoldingMs: 0,
    failedRequests: 0,
    requests: 0,
    clientGapMs: 0,
    clientGapAtMs: 0,
    delivery: {},
    allNodesMs: null,
    checks: [{ name: 'the run completed', ok: false, detail: error }],
  };
}
