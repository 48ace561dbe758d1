/**
 * Failover on real pods, with a client sending requests to the VIP through Traefik the whole time:
 * - graceful: `kubectl delete pod` of the VIP holder's keepalived (the kubelet sends SIGTERM, keepalived sends its
 *   priority-0 advert);
 * - crash: the holder node is lost (its link down, its kubelet, containerd and every container SIGKILLed), then
 *   boots again (the VIP gone from its interface, as after a reboot; containerd and the kubelet restarted);
 * - `kubectl rollout restart` of the Traefik DaemonSet under load.
 * The client's requests go to the backend pod on the worker that e2e/kubelet/acceptance.ts put behind an Ingress.
 * The times are the lab's: from the fault to the first VIP address on another node, medians over the runs.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { median } from '../../lab/core/stats';
import { ipn, sleep, track } from '../../lab/core/sys';
import { ClientSample, failedRequests, parseClientLine, requestsIn } from '../../lab/core/timeline';
import { Checks, expect } from '../checks';
import { BIN_DIR, E2eCluster, REPO_ROOT } from '../cluster';
import { daemonSetPodOn, waitUntil } from '../objects';
import { Synthesized } from '../variants';
import { EdgeObjects, edgeObjects, firstShutdownLine } from './edge-objects';
import { failedInHandovers, failedOutside, handovers } from './handovers';
import { RealNode } from './node';
import { VipWatch } from './vip-watch';

export interface FailoverOptions {
  /** Runs of the graceful and of the crash scenario. */
  readonly runs: number;
  /** Where to keep the client's samples, the VIP events and the faults' times (failover.json), for reading a run. */
  readonly logDir?: string;
}

/** The targets, as in the VRRP lab: seconds from the fault to a new VIP holder, medians. */
export const GRACEFUL_TARGET_S = 0.2;
export const CRASH_TARGET_S = 0.8;

const CLIENT_INTERVAL_MS = 20;
const CLIENT_TIMEOUT_MS = 1000;

const s = (ms: number | null): string => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(3)} s`);

interface Load {
  /** Every answer so far (read from the client's output file). */
  samples(): ClientSample[];
  readonly file: string;
  stop(): void;
}

/**
 * The lab's client in the client namespace: one request every CLIENT_INTERVAL_MS to the VIP. Its output goes to a
 * file, not a pipe: a pipe the harness does not read while it waits on a kubectl call fills up and then blocks the
 * client's writes, and with them its requests.
 */
function startLoad(cluster: E2eCluster, url: string, maxSeconds: number, file: string): Load {
  const out = fs.openSync(file, 'w');
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      cluster.clientNs,
      process.execPath,
      '-r',
      require.resolve('@swc-node/register'),
      path.join(REPO_ROOT, 'lab', 'core', 'client.ts'),
      url,
      String(CLIENT_INTERVAL_MS),
      String(CLIENT_TIMEOUT_MS),
      String(maxSeconds),
    ],
    { stdio: ['pipe', out, 'inherit'], cwd: REPO_ROOT },
  );
  fs.closeSync(out);
  track(child, false);
  const samples = (): ClientSample[] =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map(parseClientLine)
      .filter((x): x is ClientSample => x !== null);
  return { samples, file, stop: () => child.stdin!.end() };
}

/** Every DaemonSet of the edge READY on every edge node, each pod Ready and not terminating. */
function edgeReady(cluster: E2eCluster, edge: EdgeObjects, count: number): boolean {
  const list = cluster.getJson(['-n', edge.namespace, 'ds']).items;
  const pods = cluster.getJson(['-n', edge.namespace, 'pods']).items;
  const readyPods = pods.filter(
    (p: any) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'),
  );
  return (
    [edge.keepalived, edge.traefik].every((name) => {
      const ds = list.find((d: any) => d.metadata.name === name);
      return ds?.status?.numberReady === count && ds.status.desiredNumberScheduled === count;
    }) && readyPods.length === 2 * count
  );
}

/** After a fault: the edge whole again, one VIP holder, and every keepalived past its vrrp_startup_delay. */
async function settle(cluster: E2eCluster, edge: EdgeObjects, watch: VipWatch, count: number): Promise<number> {
  const start = Date.now();
  await waitUntil('every edge pod Ready', () => edgeReady(cluster, edge, count) || undefined, 180_000, 200);
  expect(await watch.settled(30_000), `VIP holders after settling: ${watch.holders().join(', ') || 'none'}`);
  // A keepalived still in its startup delay would not take the VIP over (the longest delay of the conf).
  await sleep(edge.maxStartupDelayS * 1000 + 1000);
  return Date.now() - start;
}

interface GracefulRun {
  readonly holder: string;
  readonly newHolder: string;
  /** kubectl delete → new holder. */
  readonly fromDeleteMs: number;
  /** keepalived's first shutdown line (the kubelet's SIGTERM) → new holder. */
  readonly fromSigtermMs: number | null;
  /** kubectl delete → keepalived's first shutdown line: the API server and kubelet's part. */
  readonly deleteToSigtermMs: number | null;
  readonly failed: number;
  readonly requests: number;
  readonly settleMs: number;
}

async function gracefulRun(
  cluster: E2eCluster,
  nodes: readonly RealNode[],
  edge: EdgeObjects,
  watch: VipWatch,
  load: Load,
): Promise<GracefulRun> {
  const holder = watch.holders()[0];
  const pod = daemonSetPodOn(cluster, edge.namespace, edge.keepalived, holder);
  const node = nodes.find((n) => n.name === holder)!;
  // Opened before the delete: the kubelet removes the file with the pod, the open descriptor still reads it.
  const log = fs.openSync(node.containerLog(edge.namespace, pod.metadata.name, pod.metadata.uid, 'keepalived'), 'r');
  const t0 = Date.now();
  cluster.kubectl(['-n', edge.namespace, 'delete', 'pod', pod.metadata.name, '--wait=false']);
  const moved = await watch.newHolder(holder, t0, 15_000);
  expect(moved, `no new VIP holder 15 s after kubectl delete pod ${pod.metadata.name} on ${holder}`);
  await sleep(500);
  const sigterm = firstShutdownLine(readAll(log), t0);
  fs.closeSync(log);
  const settleMs = await settle(cluster, edge, watch, cluster.edgeNodes.length);
  return {
    holder,
    newHolder: moved.node,
    fromDeleteMs: moved.at - t0,
    fromSigtermMs: sigterm === null ? null : moved.at - sigterm,
    deleteToSigtermMs: sigterm === null ? null : sigterm - t0,
    failed: failedRequests(load.samples(), t0, moved.at + 1000),
    requests: requestsIn(load.samples(), t0, moved.at + 1000),
    settleMs,
  };
}

function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  let pos = 0;
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, pos);
    if (n <= 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    pos += n;
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface CrashRun {
  readonly holder: string;
  readonly newHolder: string;
  readonly moveMs: number;
  readonly failed: number;
  readonly requests: number;
  /** From the restart of containerd and the kubelet to every edge pod Ready again. */
  readonly backMs: number;
  readonly survivors: number;
}

async function crashRun(
  cluster: E2eCluster,
  nodes: readonly RealNode[],
  edge: EdgeObjects,
  watch: VipWatch,
  load: Load,
): Promise<CrashRun> {
  const holder = watch.holders()[0];
  const node = nodes.find((n) => n.name === holder)!;
  const ns = cluster.ns(holder);
  const iface = cluster.topology.interfaceName;
  // A link going down takes the routes through it along (the Service CIDR's, the pod network's): a rebooted node
  // gets them back from its network configuration, so the harness puts them back after the link comes up.
  const routes = ipn(ns, ['route', 'show'])
    .split('\n')
    .filter((r) => r.includes(' via '));
  const t0 = Date.now();
  ipn(ns, ['link', 'set', 'dev', iface, 'down']);
  const survivors = node.crash();
  const moved = await watch.newHolder(holder, t0, 15_000);
  expect(moved, `no new VIP holder 15 s after ${holder} was lost`);
  await sleep(1000);
  const failed = failedRequests(load.samples(), t0, moved.at + 1000);
  const requests = requestsIn(load.samples(), t0, moved.at + 1000);
  // The reboot: the address keepalived had added is gone, the link comes back, then the node's services.
  for (const line of ipn(ns, ['-o', '-4', 'addr', 'show', 'dev', iface]).split('\n')) {
    const m = new RegExp(` inet (${edge.vip.replace(/\./g, '\\.')}/\\d+) `).exec(line);
    if (m) ipn(ns, ['addr', 'del', m[1], 'dev', iface]);
  }
  ipn(ns, ['link', 'set', 'dev', iface, 'up']);
  for (const r of routes) ipn(ns, ['route', 'replace', ...r.trim().split(/\s+/)]);
  const restarted = Date.now();
  await node.restart();
  await settle(cluster, edge, watch, cluster.edgeNodes.length);
  return {
    holder,
    newHolder: moved.node,
    moveMs: moved.at - t0,
    failed,
    requests,
    backMs: Date.now() - restarted,
    survivors: survivors.length,
  };
}

export async function failoverChecks(
  checks: Checks,
  cluster: E2eCluster,
  nodes: readonly RealNode[],
  synthesized: Synthesized,
  manifests: readonly any[],
  opts: FailoverOptions,
): Promise<void> {
  const edge = edgeObjects(manifests, synthesized.props.virtualIp);
  const watch = new VipWatch(cluster, edge.vip);
  const url = `http://${edge.vip}:${edge.webPort}/`;
  let load: Load | undefined;
  const marks: Array<{ t: number; what: string }> = [];
  const mark = (what: string): void => void marks.push({ t: Date.now(), what });
  try {
    await watch.start();
    const ready = await checks.check(`a client in its own namespace is served through the VIP (${url})`, async () => {
      const probe = startLoad(cluster, url, 1200, path.join(cluster.opts.workDir, 'failover-client.txt'));
      load = probe;
      await waitUntil('a 200 answer through the VIP', () => probe.samples().some((x) => x.ok) || undefined, 30_000, 200);
      return `HTTP 200 from the backend behind Traefik; one request every ${CLIENT_INTERVAL_MS} ms from here on`;
    });
    if (!ready || !load) return;

    // The DaemonSets were just READY: a keepalived may still be in its vrrp_startup_delay.
    await settle(cluster, edge, watch, cluster.edgeNodes.length);
    const graceful: GracefulRun[] = [];
    await checks.check(
      `kubectl delete pod of the VIP holder's keepalived, ${opts.runs} runs: ` +
        `a new holder within ${GRACEFUL_TARGET_S} s of SIGTERM (median)`,
      async () => {
        for (let i = 0; i < opts.runs; i++) {
          mark(`graceful ${i + 1}`);
          graceful.push(await gracefulRun(cluster, nodes, edge, watch, load!));
        }
        const fromSigterm = median(graceful.map((r) => r.fromSigtermMs));
        expect(
          fromSigterm !== null && fromSigterm <= GRACEFUL_TARGET_S * 1000,
          `median from SIGTERM ${s(fromSigterm)}; ${describeGraceful(graceful)}`,
        );
        const fromDelete = median(graceful.map((r) => r.fromDeleteMs));
        return `median ${s(fromSigterm)} from SIGTERM, ${s(fromDelete)} from kubectl delete; ${describeGraceful(graceful)}`;
      },
    );

    const crashes: CrashRun[] = [];
    await checks.check(
      `the VIP holder node lost (link down, kubelet, containerd and containers killed), ${opts.runs} runs: ` +
        `a new holder within ${CRASH_TARGET_S} s (median)`,
      async () => {
        for (let i = 0; i < opts.runs; i++) {
          mark(`crash ${i + 1}`);
          crashes.push(await crashRun(cluster, nodes, edge, watch, load!));
        }
        const move = median(crashes.map((r) => r.moveMs));
        expect(move !== null && move <= CRASH_TARGET_S * 1000, `median ${s(move)}; ${describeCrashes(crashes)}`);
        return `median ${s(move)}; ${describeCrashes(crashes)}`;
      },
    );

    await checks.check(`kubectl rollout restart ds/${edge.traefik} under load: no failed request outside the VIP's handovers`, async () => {
      mark('traefik rollout');
      const t0 = Date.now();
      cluster.kubectl(['-n', edge.namespace, 'rollout', 'restart', `ds/${edge.traefik}`]);
      const status = await execAsync(cluster, ['-n', edge.namespace, 'rollout', 'status', `ds/${edge.traefik}`, '--timeout=300s']);
      expect(status.code === 0, `kubectl rollout status exited ${status.code}: ${status.output}`);
      const done = Date.now();
      await sleep(CLIENT_TIMEOUT_MS + 500);
      const samples = load!.samples();
      const analysis = watch.analyze(t0, done);
      const windows = handovers(analysis.changes);
      const failed = failedRequests(samples, t0, done);
      const outside = failedOutside(samples, windows, t0, done);
      const inside = failedInHandovers(samples, windows, t0, done);
      const gaps = windows.map((w) => s(w.to - w.from)).join(', ') || 'none';
      const seen =
        `${failed} of ${requestsIn(samples, t0, done)} requests failed in ${s(done - t0)}, ${outside} of them outside the ` +
        `handovers (${inside.beforeRelease} sent within 50 ms before the VIP left its holder, ${inside.inGap} while no node ` +
        `held it); VIP moves ${analysis.moves}, VIP on no node for ${gaps}`;
      expect(outside === 0, seen);
      return seen;
    });
  } finally {
    load?.stop();
    watch.stop();
    if (opts.logDir) {
      fs.mkdirSync(opts.logDir, { recursive: true });
      const doc = { marks, events: watch.events, samples: load?.samples() ?? [] };
      if (load) fs.copyFileSync(load.file, path.join(opts.logDir, 'failover-client.txt'));
      fs.writeFileSync(path.join(opts.logDir, 'failover.json'), JSON.stringify(doc));
    }
  }
}

/** kubectl without blocking the event loop (the VIP watch and the waits keep running). */
function execAsync(cluster: E2eCluster, args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('nsenter', [`--net=/run/netns/${cluster.cpNs}`, '--', path.join(BIN_DIR, 'kubectl'), ...args], {
      env: cluster.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output: output.trim() }));
  });
}

function describeGraceful(runs: readonly GracefulRun[]): string {
  return runs
    .map(
      (r) =>
        `${r.holder}→${r.newHolder} ${s(r.fromSigtermMs)} (delete→SIGTERM ${s(r.deleteToSigtermMs)}), ` +
        `${r.failed}/${r.requests} failed, settled in ${s(r.settleMs)}`,
    )
    .join('; ');
}

function describeCrashes(runs: readonly CrashRun[]): string {
  return runs
    .map(
      (r) =>
        `${r.holder}→${r.newHolder} ${s(r.moveMs)}, ${r.failed}/${r.requests} failed, back Ready ${s(r.backMs)} after restart` +
        (r.survivors ? `, ${r.survivors} processes survived the kill` : ''),
    )
    .join('; ');
}
