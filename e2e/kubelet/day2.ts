/**
 * Day 2 on real pods, after the DaemonSets are READY (daemonsets.ts): the two changes an operator makes, each
 * through the real kubelets, with a VIP monitor (`ip monitor`) in every edge node's namespace.
 * 1. A VRRP priority changed and `kubectl apply`d: only the ConfigMap changes; the kubelet's own ConfigMap volume
 *    sync brings the file into each pod, the reloader checks it and reloads keepalived (SIGHUP). No pod restarts,
 *    the VIP does not move.
 * 2. A keepalived image tag changed and `kubectl apply`d: the DaemonSet is OnDelete, so nothing restarts until
 *    `npm run rollout -- --apply` deletes the pods, holder last: one graceful VIP move.
 */
import { ChildProcess } from 'child_process';
import * as path from 'path';
import { sleep } from '../../lab/core/sys';
import { NodeEvent, NodeState, Timeline } from '../../lab/core/timeline';
import { startVipMonitor } from '../../lab/core/vip-monitor';
import { configStatusFile, REVISION_LENGTH } from '../../lib/keepalived/pod/config-reloader';
import { EdgeTarget, Kubectl, targetFromApp, viewEdge } from '../../scripts/edge-view';
import { Checks, expect } from '../checks';
import { E2E_DIR, E2eCluster, REPO_ROOT } from '../cluster';
import { NEXT_KEEPALIVED_IMAGE, vrrpImageChangeProps } from '../apps/vrrp-image-change';
import { vrrpPriorityChangeProps } from '../apps/vrrp-priority-change';
import { keepalivedImage } from '../images/recipes';
import { normalizeReference } from '../images/reference';
import { readManifests } from '../objects';
import { runScript } from '../scenarios/vrrp';
import { manifestFiles, synthesizeVariant, Synthesized } from '../variants';
import {
  changedObjects,
  configRevision,
  describeVip,
  PodIdentity,
  podChanges,
  podIdentities,
  preferredNode,
  statusField,
  vipFigures,
} from './day2-figures';
import { vipHolders } from './daemonsets';
import { RealNode } from './node';

/** The keepalived container's run directory (lib/keepalived/pod/keepalived-daemon-set.ts). */
const RUN_DIR = '/run/keepalived';
/** The kubelet resyncs a pod's ConfigMap volumes about every syncFrequency (1 min) plus jitter. */
const SYNC_TIMEOUT_MS = 180_000;
/** The reloader looks every 2 s: once every pod has the new file, this long without a reload is a reloader that is not running. */
const STALL_MS = 30_000;
/** After the last reload or the rollout's end: how long the monitors keep watching for a late move. */
const TAIL_MS = 3000;

/** What the reloader looks at before it reloads: its processes, and keepalived's blocked signals and signalfd. */
const RELOADER_PROBE = `ps -eo pid,ppid,stat,args | cut -c1-90
for p in keepalived vrrp; do
  pid=$(cat ${RUN_DIR}/$p.pid); echo "$p $pid $(grep SigBlk /proc/$pid/status) signalfd:$(ls -l /proc/$pid/fd | grep -c signalfd)"
done`;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Every edge node's `ip monitor address link`, into one timeline from the moment `start` took its snapshot. */
class VipRecorder {
  private readonly events: NodeEvent[] = [];
  private readonly live: Record<string, NodeState> = {};
  private readonly initial: Record<string, NodeState> = {};
  private readonly monitors: ChildProcess[] = [];
  private recording = false;

  constructor(
    private readonly cluster: E2eCluster,
    private readonly vip: string,
  ) {}

  private get nodes(): string[] {
    return this.cluster.edgeNodes.map((n) => n.name);
  }

  async start(): Promise<void> {
    for (const node of this.nodes) {
      this.live[node] = { vip: false, link: true };
      this.monitors.push(
        startVipMonitor({
          node,
          ns: this.cluster.ns(node),
          vip: this.vip,
          interfaceName: this.cluster.topology.interfaceName,
          events: this.events,
          live: this.live,
          recording: () => this.recording,
        }),
      );
    }
    await sleep(500); // the monitors subscribe before the snapshot
    const holders = vipHolders(this.cluster, this.vip);
    for (const node of this.nodes) {
      this.initial[node] = { vip: holders.includes(node), link: true };
      this.live[node] = { ...this.initial[node] };
    }
    this.recording = true;
  }

  timeline(): Timeline {
    return { nodes: this.nodes, initial: this.initial, events: [...this.events] };
  }

  /** Stops the monitors (their command lines name the run, which the teardown check looks for). */
  async stop(): Promise<void> {
    await Promise.all(
      this.monitors.map(
        (m) =>
          new Promise<void>((resolve) => {
            if (m.exitCode !== null || m.signalCode !== null) return resolve();
            m.once('exit', () => resolve());
            m.kill('SIGTERM');
          }),
      ),
    );
  }
}

function pods(cluster: E2eCluster, namespace: string, selector?: string): any {
  return cluster.getJson(['-n', namespace, 'pods', ...(selector ? ['-l', selector] : [])]);
}

const keepalivedContainer = (p: any): any => p.spec.containers.find((c: any) => c.name === 'keepalived');

export async function day2Checks(
  checks: Checks,
  cluster: E2eCluster,
  nodes: readonly RealNode[],
  deployed: Synthesized,
  workDir: string,
): Promise<void> {
  checks.section('Day 2 on real pods');
  if (checks.failed.length) {
    await checks.check('day 2 runs on a cluster whose earlier checks passed', () => {
      throw new Error(`skipped: ${checks.failed.length} earlier check(s) failed (${checks.failed[0].name})`);
    });
    return;
  }
  const app = path.join(E2E_DIR, 'apps', 'vrrp-image-change.ts');
  const target = targetFromApp(app);
  const k: Kubectl = (args) => cluster.kubectl(args).stdout;
  const recorder = new VipRecorder(cluster, target.virtualIp);
  await recorder.start();
  try {
    await priorityChange(checks, cluster, deployed, recorder, workDir, target, k);
    // The image change does not depend on the reload: it runs whatever step 1 found.
    await imageChange(checks, cluster, nodes, deployed, recorder, workDir, app, target);
  } finally {
    await recorder.stop();
  }
}

async function priorityChange(
  checks: Checks,
  cluster: E2eCluster,
  deployed: Synthesized,
  recorder: VipRecorder,
  workDir: string,
  target: EdgeTarget,
  k: Kubectl,
): Promise<void> {
  const namespace = target.namespace;
  const changed = synthesizeVariant(
    { name: 'vrrp-priority-change', summary: 'the last node at priority 60', crds: 'none', props: vrrpPriorityChangeProps },
    path.join(workDir, 'priority-change'),
  );
  const files = manifestFiles(changed.dir);
  const objects = readManifests(files);
  const conf: string = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === target.configMapName).data['keepalived.conf'];
  const revision = configRevision(conf);
  const keepalivedDs = objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === target.daemonSetName);
  const configVolume = keepalivedDs.spec.template.spec.volumes.find((v: any) => v.configMap?.name === target.configMapName).name;
  const configMount = keepalivedContainer(keepalivedDs.spec.template).volumeMounts.find((m: any) => m.name === configVolume);
  const mountedConf = `${configMount.mountPath}/keepalived.conf`;
  const bumped = changed.edge.nodes.find((n, i) => n.priority !== deployed.edge.nodes[i].priority);
  if (!bumped) throw new Error(`${changed.dir}: no node's priority differs from the deployed one`);
  let holder = '';
  await checks.check(`re-synthesized with ${bumped.name}'s priority changed: only the ConfigMap differs, no election is due`, () => {
    const before = deployed.edge.nodes.find((n) => n.name === bumped.name)!.priority;
    const differ = changedObjects(readManifests(manifestFiles(deployed.dir)), objects);
    expect(differ.length === 1 && differ[0].startsWith('ConfigMap/'), `objects that differ: ${differ.join(', ') || 'none'}`);
    const holders = vipHolders(cluster, target.virtualIp);
    expect(holders.length === 1, `VIP holders before the change: ${holders.join(', ') || 'none'}`);
    holder = holders[0];
    // With nopreempt (the default) a backup never takes the VIP from a running master, whatever the priorities, so
    // after earlier failovers the holder may be any node; with preempt the holder must stay the highest.
    const preferred = preferredNode(changed.edge.nodes);
    const preempt = changed.props.preempt ?? false;
    expect(!preempt || preferred === holder, `after the change ${preferred} has the highest priority, the VIP is on ${holder}`);
    return (
      `${bumped.name} ${before} -> ${bumped.priority}; ${differ[0]} only (new revision ${revision}); ` +
      (preempt ? `the holder ${holder} stays the highest` : `nopreempt: the holder ${holder} keeps the VIP`)
    );
  });
  if (!holder) return;
  const before = podIdentities(pods(cluster, namespace));
  const keepalivedPods = podIdentities(pods(cluster, namespace, target.selector));
  const generations = (): string =>
    cluster
      .getJson(['-n', namespace, 'daemonsets'])
      .items.map((d: any) => `${d.metadata.name}@${d.metadata.generation}`)
      .join(', ');
  const genBefore = generations();
  let applied = Date.now();
  const synced: Record<string, number> = {};
  const mountedAt: Record<string, number> = {};
  let lastReload = applied;
  await checks.check(
    `kubectl apply: the kubelet syncs the ConfigMap into every keepalived pod, whose reloader reports ${revision}`,
    async () => {
      // The reloader's processes and what it waits for before a SIGHUP (keepalived's SIGHUP blocked, a signalfd).
      const processes = (pod: string): string =>
        cluster
          .kubectl(['exec', '-n', namespace, pod, '-c', 'keepalived', '--', 'sh', '-c', RELOADER_PROBE], { allowFail: true })
          .stdout.trim()
          .split('\n')
          .join(' | ');
      const processesBefore = processes(keepalivedPods[0].name);
      applied = Date.now();
      const out = cluster.kubectl(['apply', ...files.flatMap((f) => ['-f', f])], { timeoutMs: 120_000 }).stdout;
      const configured = out.split('\n').filter((l) => l.endsWith(' configured'));
      expect(
        configured.length === 1 && configured[0].startsWith('configmap/'),
        `kubectl apply configured: ${configured.join('; ') || 'nothing'}`,
      );
      const seen: Record<string, string> = {};
      // Two moments per pod: the kubelet's sync (the mounted file is new) and the reload (the status reports it).
      const look = `sha256sum ${mountedConf} | cut -c1-${REVISION_LENGTH}; cat ${configStatusFile(RUN_DIR)}`;
      const stalled = (): boolean =>
        Object.keys(mountedAt).length === keepalivedPods.length && Date.now() - applied > Math.max(...Object.values(mountedAt)) + STALL_MS;
      while (Date.now() - applied < SYNC_TIMEOUT_MS && Object.keys(synced).length < keepalivedPods.length && !stalled()) {
        for (const p of keepalivedPods.filter((x) => !(x.node in synced))) {
          const r = cluster.kubectl(['exec', '-n', namespace, p.name, '-c', 'keepalived', '--', 'sh', '-c', look], { allowFail: true });
          const [file, ...status] = r.stdout.trim().split('\n');
          if (r.code === 0 && file === revision && !(p.node in mountedAt)) mountedAt[p.node] = Date.now() - applied;
          seen[p.node] = r.code === 0 ? status.join(' ') : `kubectl exec failed: ${r.stderr.trim()}`;
          if (r.code === 0 && statusField(status.join('\n'), 'revision') === revision) synced[p.node] = Date.now() - applied;
        }
        await sleep(500);
      }
      lastReload = Date.now();
      const missing = keepalivedPods.filter((p) => !(p.node in synced));
      // Which side lags: the kubelet (the mounted file is still old) or the reloader (the file is new).
      const mounted = (pod: string): string =>
        cluster
          .kubectl(['exec', '-n', namespace, pod, '-c', 'keepalived', '--', 'sh', '-c', `sha256sum ${mountedConf} | cut -c1-12`], {
            allowFail: true,
          })
          .stdout.trim();
      const reloaderLog = (pod: string): string => {
        const log = cluster.kubectl(['logs', '-n', namespace, pod, '-c', 'keepalived', '--tail=200'], { allowFail: true }).stdout;
        const lines = log.split('\n').filter((l) => l.includes('config-reloader'));
        return lines.length ? `, reloader log: ${lines.slice(-3).join(' | ')}` : ', no reloader log line';
      };
      const mountedTimes = (): string =>
        `kubelet synced the file into ${keepalivedPods.map((p) => `${p.node} after ${seconds(mountedAt[p.node] ?? NaN)}`).join(', ')}`;
      const lagging = (p: PodIdentity): string =>
        `${p.node}: mounted file ${mounted(p.name)}, status "${seen[p.node]}"${reloaderLog(p.name)}`;
      if (missing.length) {
        throw new Error(
          `after ${seconds(lastReload - applied)}: ${mountedTimes()}; ${missing.map(lagging).join('; ')} (want ${revision}); ` +
            `processes in ${missing[0].name}: ${processes(missing[0].name)}; ` +
            `in ${keepalivedPods[0].name} before kubectl apply: ${processesBefore}`,
        );
      }
      const times = keepalivedPods.map((p) => `${p.node} ${seconds(mountedAt[p.node] ?? NaN)}/${seconds(synced[p.node])}`).join(', ');
      return `new file mounted / revision ${revision} reported, after kubectl apply: ${times}`;
    },
  );
  if (Object.keys(synced).length === keepalivedPods.length)
    await checks.check(`keepalived on ${bumped.name} runs priority ${bumped.priority} (its data dump, through kubectl exec)`, () => {
      const view = viewEdge(k, target).nodes.find((n) => n.node === bumped.name);
      expect(view?.priority === bumped.priority, `${bumped.name}: priority ${view?.priority} (${view?.problem ?? view?.state})`);
      return `${view.state}, priority ${view.priority}`;
    });
  await checks.check('no pod restarted: the same pod UIDs and restart counts, the same DaemonSet generations', async () => {
    await sleep(Math.max(0, lastReload + TAIL_MS - Date.now()));
    const after = podIdentities(pods(cluster, namespace));
    const changes = podChanges(before, after);
    expect(!changes.length, changes.join('; '));
    expect(generations() === genBefore, `DaemonSet generations ${genBefore} -> ${generations()}`);
    return `${after.length} pods unchanged; DaemonSets ${genBefore}`;
  });
  await checks.check('the VIP does not move while the pods reload the new priority: 0 moves', () => {
    const f = vipFigures(recorder.timeline(), applied, Date.now());
    expect(f.moves === 0 && f.noHolderMs === 0 && f.holderAtEnd === holder, describeVip(f));
    return `${describeVip(f)}, from kubectl apply until ${seconds(TAIL_MS)} after the last reload`;
  });
}

async function imageChange(
  checks: Checks,
  cluster: E2eCluster,
  nodes: readonly RealNode[],
  deployed: Synthesized,
  recorder: VipRecorder,
  workDir: string,
  app: string,
  target: EdgeTarget,
): Promise<void> {
  const { namespace, selector } = target;
  const edgeNames = cluster.edgeNodes.map((n) => n.name);
  const edge = nodes.filter((n) => edgeNames.includes(n.name));
  const next = normalizeReference(NEXT_KEEPALIVED_IMAGE).name;
  const imported = await checks.check(`a second tag of the offline keepalived image, ${next}, is in every edge node's containerd`, () => {
    const t = Date.now();
    const image = keepalivedImage(NEXT_KEEPALIVED_IMAGE);
    const built = Date.now() - t;
    for (const n of edge) {
      const listed = n.importImages([image]);
      expect(listed.includes(image.reference), `${n.name} lacks ${image.reference}: ${listed.join(', ')}`);
    }
    const importMs = Date.now() - t - built;
    return `packed in ${seconds(built)} (the cached root file system), imported into ${edge.length} nodes in ${seconds(importMs)}`;
  });
  if (!imported) return;
  const changed = synthesizeVariant(
    { name: 'vrrp-image-change', summary: `keepalived.image ${next}`, crds: 'none', props: vrrpImageChangeProps },
    path.join(workDir, 'image-change'),
  );
  const files = manifestFiles(changed.dir);
  const before = podIdentities(pods(cluster, namespace));
  const oldKeepalived = podIdentities(pods(cluster, namespace, selector));
  const applied = await checks.check(
    'kubectl apply of the new image changes the DaemonSet template; OnDelete restarts no pod',
    async () => {
      cluster.kubectl(['apply', ...files.flatMap((f) => ['-f', f])], { timeoutMs: 120_000 });
      const ds = cluster.getJson(['-n', namespace, 'daemonset', target.daemonSetName]);
      expect(ds.spec.updateStrategy.type === 'OnDelete', `updateStrategy ${ds.spec.updateStrategy.type}`);
      const template = keepalivedContainer(ds.spec.template).image;
      expect(normalizeReference(template).name === next, `the DaemonSet's template runs ${template}`);
      // The DaemonSet controller would replace a pod within a second if it were to; wait well past that.
      await sleep(5000);
      const status = cluster.getJson(['-n', namespace, 'daemonset', target.daemonSetName]).status;
      const changes = podChanges(before, podIdentities(pods(cluster, namespace)));
      expect(!changes.length, changes.join('; '));
      const stale = pods(cluster, namespace, selector).items.filter(
        (p: any) => normalizeReference(keepalivedContainer(p).image).name === next,
      );
      expect(!stale.length, `pods already on ${next}: ${stale.map((p: any) => p.metadata.name).join(', ')}`);
      // The API server leaves a zero out of the status.
      const upToDate = status.updatedNumberScheduled ?? 0;
      expect(upToDate === 0, `UP-TO-DATE ${upToDate}`);
      return (
        `template ${template}, generation ${ds.metadata.generation}; 5 s later the same ${before.length} pods, ` +
        `UP-TO-DATE ${upToDate}/${status.desiredNumberScheduled}`
      );
    },
  );
  if (!applied) return;
  const rollout = (...extra: string[]): string[] => [
    '-r',
    require.resolve('@swc-node/register'),
    path.join(REPO_ROOT, 'scripts', 'rollout.ts'),
    '--app',
    app,
    ...extra,
  ];
  const dryRun = await checks.check(
    'npm run rollout (dry run) plans every keepalived pod, the VIP holder last, and deletes nothing',
    () => {
      const r = cluster.client(process.execPath, rollout(), { cwd: REPO_ROOT, allowFail: true, timeoutMs: 120_000 });
      expect(r.code === 0, `rollout exit ${r.code}: ${r.stdout}${r.stderr}`);
      const steps = r.stdout.split('\n').filter((l) => /^\s+\d+\. kubectl delete pod /.test(l));
      expect(steps.length === oldKeepalived.length, `${steps.length} steps planned for ${oldKeepalived.length} pods:\n${r.stdout}`);
      expect(steps[steps.length - 1].includes('VIP holder'), `the holder is not last:\n${r.stdout}`);
      expect(r.stdout.includes('dry run: nothing deleted'), r.stdout);
      const changes = podChanges(before, podIdentities(pods(cluster, namespace)));
      expect(!changes.length, changes.join('; '));
      return steps.map((s) => s.trim().replace(/^\d+\. kubectl delete pod -n \S+ /, '')).join('; ');
    },
  );
  if (!dryRun) return;
  const started = Date.now();
  let ended = started;
  const rolled = await checks.check(`npm run rollout -- --apply puts every keepalived pod on ${next} and exits 0`, async () => {
    const r = await runScript(cluster, 'rollout.ts', ['--apply', '--app', app, '--timeout', '180'], {});
    ended = Date.now();
    expect(r.code === 0, `rollout exit ${r.code} after ${seconds(ended - started)}: ${r.out}`);
    const now = pods(cluster, namespace, selector).items.filter((p: any) => !p.metadata.deletionTimestamp);
    const wrong = now
      .map((p: any) => {
        const status = (p.status.containerStatuses ?? []).find((c: any) => c.name === 'keepalived');
        return { p, spec: keepalivedContainer(p).image, running: status?.image ?? 'none', ready: status?.ready };
      })
      .filter((x: any) => normalizeReference(x.spec).name !== next || normalizeReference(x.running).name !== next || !x.ready);
    expect(now.length === oldKeepalived.length, `${now.length} keepalived pods, want ${oldKeepalived.length}`);
    expect(!wrong.length, wrong.map((x: any) => `${x.p.metadata.name}: ${x.spec}, running ${x.running}, ready ${x.ready}`).join('; '));
    const replaced = podIdentities({ items: now }).filter((p) => !oldKeepalived.some((o) => o.uid === p.uid));
    expect(replaced.length === oldKeepalived.length, `only ${replaced.length} of ${oldKeepalived.length} pods are new`);
    const others = podChanges(
      before.filter((p: PodIdentity) => !oldKeepalived.some((o) => o.uid === p.uid)),
      podIdentities(pods(cluster, namespace)).filter((p) => !replaced.some((n) => n.uid === p.uid)),
    );
    expect(!others.length, `other pods changed: ${others.join('; ')}`);
    const steps = r.out
      .split('\n')
      .filter((l) => /healthy BACKUP again/.test(l))
      .map((l) => l.replace(/^\[\d+\/\d+\] /, '').replace(' is a healthy BACKUP again after ', ' '))
      .join(', ');
    return `whole rollout ${seconds(ended - started)} (${steps}); ${replaced.length} new pods on ${next}, Traefik's pods untouched`;
  });
  if (!rolled) return;
  await checks.check('the rollout moves the VIP exactly once, gracefully (the holder hands it over as it stops)', async () => {
    await sleep(TAIL_MS);
    const f = vipFigures(recorder.timeline(), started, Date.now());
    // Without the stopping master's priority-0 advert a backup would wait its master-down interval (3 adverts).
    const ungracefulMs = 3 * deployed.edge.keepalivedConfig.advertIntervalSeconds * 1000;
    expect(f.moves === 1, describeVip(f));
    expect(f.longestNoHolderMs < ungracefulMs, `${describeVip(f)}: a gap as long as a lost master's (${ungracefulMs} ms)`);
    const lost = ungracefulMs.toFixed(0);
    return `${describeVip(f)}; handover gap ${f.longestNoHolderMs.toFixed(0)} ms (a lost master's would be >= ${lost} ms)`;
  });
}
