/**
 * `node -r @swc-node/register e2e/kubelet/bring-up.ts [--nodes N]`: the seed topology's nodes as real kubelets
 * with containerd (e2e/kubelet/node.ts) against the real control plane, with the pause image built offline.
 * Each node must register itself and become Ready; a hostNetwork pod must run in its node's network namespace
 * and a pod on the worker must get an address from the worker's CNI bridge. Prints how long each step took and
 * tears everything down (processes, cgroups, mounts, namespaces), checking that nothing is left.
 *
 * --nodes N starts only the first N nodes of [edge nodes..., worker] (1 = the first edge node alone).
 * --daemonsets then applies the VRRP variant (this host's kernel has no IP_VS for dist/'s loadBalancing) with the
 *   Traefik and keepalived images built offline, and waits for `kubectl get ds` to show every DaemonSet READY.
 * --failover then measures failover on the real pods with a client on the VIP (e2e/kubelet/failover.ts), --runs N
 *   times each (default 3).
 * --keepalived-image debian|busybox picks the offline keepalived image (default debian, the project's recipe); busybox
 *   is Debian's keepalived with BusyBox as /bin/sh and tools (e2e/images/busybox-keepalived.ts), and then also checks
 *   that a keepalived.conf change reaches every pod's reloader (busybox-check.ts).
 * --day2 then (with --daemonsets) changes a priority through `kubectl apply` and the keepalived image through
 *   `npm run rollout -- --apply` on those pods, counting VIP moves (e2e/kubelet/day2.ts).
 * --logs DIR keeps every node's and the control plane's logs there (the work folder goes with the teardown).
 * Exit status: 0 every check passed, 1 a check failed, 2 the scenario could not run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { pickFreeAddress } from '../../lab/core/addr';
import { cleanupSync, installCleanupHandlers, listNamespaces, runPrefix, sleep, trackTempDir } from '../../lab/core/sys';
import { Checks, expect } from '../checks';
import { BIN_DIR, E2E_DIR, E2eCluster } from '../cluster';
import { buildPauseImage, PAUSE_IMAGE } from '../images/pause';
import { ImageArchive } from '../images/oci-image';
import { BUSYBOX_BINARY, busyboxKeepalivedImage } from '../images/busybox-keepalived';
import { keepalivedImage, traefikImage } from '../images/recipes';
import { normalizeReference } from '../images/reference';
import { readManifests, waitUntil } from '../objects';
import { manifestFiles, synthesizeVariant, VARIANTS } from '../variants';
import { acceptanceChecks } from './acceptance';
import { busyboxChecks } from './busybox-check';
import { daemonSetChecks } from './daemonsets';
import { failoverChecks } from './failover';
import { day2Checks } from './day2';
import { cgroupPids, existingCgroups, missingControllers, parentsLeft, nodeCgroupRoot, v1Hierarchies } from './cgroups';
import { DEBIAN_CNI_BIN_DIR } from './config';
import { RealNode, stopAllNodes } from './node';

const TOOLS = ['ip', 'nsenter', 'unshare', 'openssl', 'go', 'gcc', 'umoci', 'tar', 'containerd', 'containerd-shim-runc-v2', 'ctr', 'runc'];

/** The offline keepalived images, by --keepalived-image. */
const KEEPALIVED_IMAGES = { debian: keepalivedImage, busybox: busyboxKeepalivedImage } as const;
type KeepalivedImageName = keyof typeof KEEPALIVED_IMAGES;

function preflight(daemonSets: boolean, keepalived: KeepalivedImageName): void {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('must run as root (namespaces, mounts, cgroups)');
  for (const t of TOOLS) if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0) problems.push(`${t} is not installed`);
  if (!fs.existsSync(path.join(DEBIAN_CNI_BIN_DIR, 'bridge')))
    problems.push(`no CNI plugins in ${DEBIAN_CNI_BIN_DIR} (containernetworking-plugins)`);
  const missing = missingControllers(v1Hierarchies(fs.readFileSync('/proc/self/mountinfo', 'utf8')));
  if (missing.length) problems.push(`cgroup v1 controllers the kubelet needs are not mounted: ${missing.join(', ')}`);
  if (daemonSets && spawnSync('sh', ['-c', 'command -v debootstrap']).status !== 0)
    problems.push('debootstrap is not installed (the keepalived image)');
  if (daemonSets)
    for (const t of ['busybox', 'curl'])
      if (spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0)
        problems.push(`${t} is not installed (busybox-static: the backend image; curl: the client)`);
  if (daemonSets && keepalived === 'busybox' && spawnSync(BUSYBOX_BINARY, ['--list']).status !== 0)
    problems.push(`${BUSYBOX_BINARY} does not run (apt-get install busybox-static; the BusyBox keepalived image)`);
  if (problems.length) {
    process.stderr.write(`real nodes: cannot run:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(2);
  }
  const tools = ['etcd', 'kubernetes', ...(daemonSets ? ['traefik'] : [])];
  const build = spawnSync(path.join(E2E_DIR, 'tools', 'build.sh'), tools, { stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write('real nodes: building the upstream tools failed\n');
    process.exit(2);
  }
}

/** A /24 of pod addresses per node, from 10.244.0.0/16 as kind's default pod subnet. */
const podCidr = (i: number): string => `10.244.${i}.0/24`;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function waitNodeReady(cluster: E2eCluster, node: RealNode, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = 'not registered';
  while (Date.now() < end) {
    const failed = node.failure();
    if (failed) throw new Error(failed);
    const r = cluster.kubectl(['get', 'node', node.name, '-o', 'json'], { allowFail: true });
    if (r.code === 0) {
      const ready = JSON.parse(r.stdout).status?.conditions?.find((c: any) => c.type === 'Ready');
      if (ready?.status === 'True') return;
      last = ready ? `${ready.reason}: ${ready.message}` : 'registered, no Ready condition yet';
    }
    await sleep(250);
  }
  throw new Error(`${node.name} not Ready after ${seconds(timeoutMs)} (${last})\nkubelet: ${node.logTail('kubelet')}`);
}

async function waitPodRunning(cluster: E2eCluster, name: string, timeoutMs: number): Promise<any> {
  const running = (pod: any) => pod.status?.phase === 'Running' && pod.status.containerStatuses?.every((c: any) => c.ready);
  let pod: any;
  const get = () => (pod = cluster.getJson(['pod', name]));
  return (
    await waitUntil(`pod ${name} running`, () => (running(get()) ? pod : undefined), timeoutMs).catch((error) => {
      const events = cluster.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`], { allowFail: true }).stdout;
      throw new Error(`${(error as Error).message}: ${JSON.stringify(pod?.status?.containerStatuses ?? pod?.status)}\n${events}`);
    })
  ).value;
}

function pausePod(name: string, nodeName: string, hostNetwork: boolean): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName,
      hostNetwork,
      // Only the imported images exist on the nodes.
      containers: [{ name: 'pause', image: PAUSE_IMAGE, imagePullPolicy: 'Never' }],
      terminationGracePeriodSeconds: 1,
    },
  });
}

/** A process of a pod (its sandbox or a container), found by the pod's cgroup (`pod<uid>`) below the node's root. */
function podProcess(cgroupRoot: string, podUid: string): number | undefined {
  const find = (dir: string): string | undefined => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const sub = path.join(dir, e.name);
      if (e.name === `pod${podUid}`) return sub;
      const found = find(sub);
      if (found) return found;
    }
    return undefined;
  };
  const podDir = find(path.join('/sys/fs/cgroup/pids', cgroupRoot));
  return podDir ? cgroupPids(podDir.slice('/sys/fs/cgroup/pids'.length))[0] : undefined;
}

/** The inode that names a network namespace: of a /run/netns file, or of a process's. */
const netnsInode = (file: string): number => fs.statSync(file).ino;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string' },
      logs: { type: 'string' },
      daemonsets: { type: 'boolean', default: false },
      failover: { type: 'boolean', default: false },
      runs: { type: 'string', default: '3' },
      'keepalived-image': { type: 'string', default: 'debian' },
      day2: { type: 'boolean', default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`real nodes: --runs takes a whole number of at least 1; got ${values.runs}\n`);
    return 2;
  }
  if (values.failover && !values.daemonsets) {
    process.stderr.write('real nodes: --failover needs --daemonsets\n');
    return 2;
  }
  const keepalivedImageName = values['keepalived-image'] as KeepalivedImageName;
  if (!Object.hasOwn(KEEPALIVED_IMAGES, keepalivedImageName)) {
    process.stderr.write(
      `real nodes: --keepalived-image takes ${Object.keys(KEEPALIVED_IMAGES).join(' or ')}; got ${keepalivedImageName}\n`,
    );
    return 2;
  }
  preflight(values.daemonsets!, keepalivedImageName);
  // Before the lab's handlers: the nodes' containers live outside the namespaces those remove.
  process.on('exit', () => stopAllNodes());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => stopAllNodes());
  installCleanupHandlers();
  const prefix = `${runPrefix()}rn-`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  trackTempDir(work);
  const checks = new Checks();
  const started = Date.now();
  const dist = synthesizeVariant(VARIANTS[0], path.join(work, 'synth'));
  const edgeNodes = dist.edge.nodes.map((n) => ({ name: n.name, address: n.address, edge: true }));
  const prefixLength = Number(dist.props.subnet.split('/')[1]);
  const worker = {
    name: 'worker-1',
    address: pickFreeAddress(dist.props.virtualIp, prefixLength, [...edgeNodes.map((n) => n.address), dist.props.virtualIp]),
    edge: false,
  };
  const all = [...edgeNodes, worker];
  const count = values.nodes ? Number(values.nodes) : all.length;
  if (!Number.isInteger(count) || count < 1 || count > all.length) {
    process.stderr.write(`real nodes: --nodes takes 1..${all.length}; got ${values.nodes}\n`);
    return 2;
  }
  const topology = all.slice(0, count);
  const cluster = new E2eCluster(
    { nodes: topology, subnet: dist.props.subnet, interfaceName: dist.props.interface ?? 'eth0', reserved: [dist.props.virtualIp] },
    { prefix, workDir: work },
  );

  checks.section('Control plane and images');
  if (
    !(await checks.check('the control plane starts', async () => {
      const t = Date.now();
      await cluster.start();
      return `ready in ${seconds(Date.now() - t)}`;
    }))
  )
    return finish(checks, started, cluster);
  let pause!: ReturnType<typeof buildPauseImage>;
  await checks.check(`the pause image is built offline from the Kubernetes module (${PAUSE_IMAGE})`, () => {
    const t = Date.now();
    pause = buildPauseImage(path.join(work, 'images'));
    return `${(fs.statSync(pause.file).size / 1024).toFixed(0)} KiB OCI archive in ${seconds(Date.now() - t)}`;
  });
  if (!pause) return finish(checks, started, cluster);

  checks.section('Real nodes: containerd and kubelet per node');
  const procCgroup = fs.readFileSync('/proc/self/cgroup', 'utf8');
  const nodes = topology.map(
    (n, i) =>
      new RealNode({
        name: n.name,
        address: n.address,
        netns: cluster.ns(n.name),
        dir: path.join(work, 'n', String(i)),
        cgroupRoot: nodeCgroupRoot(procCgroup, `${prefix}n${i}`),
        podCidr: podCidr(i),
        apiServer: cluster.apiServer,
        pki: cluster.pki,
        kubelet: path.join(BIN_DIR, 'kubelet'),
        sandboxImage: PAUSE_IMAGE,
        runc: process.env.E2E_RUNC,
      }),
  );
  for (const node of nodes) {
    await checks.check(`${node.name}: containerd starts in the node's namespaces and holds the pause image`, async () => {
      const t = Date.now();
      await node.startRuntime();
      const up = Date.now() - t;
      const images = node.importImages([pause]);
      expect(images.includes(PAUSE_IMAGE), `images after import: ${images.join(', ')}`);
      return `containerd up in ${seconds(up)}; images: ${images.join(', ')} (import ${seconds(Date.now() - t - up)})`;
    });
  }
  // Every kubelet starts at once and each node's wait runs concurrently: each time is that node's own.
  const kubeletStart = Date.now();
  nodes.forEach((n) => n.startKubelet());
  const readiness = nodes.map((node) =>
    waitNodeReady(cluster, node, 120_000).then(
      () => ({ ms: Date.now() - kubeletStart }),
      (error: Error) => ({ error }),
    ),
  );
  for (const [i, node] of nodes.entries()) {
    await checks.check(`${node.name}: the kubelet registers the node and it becomes Ready`, async () => {
      const r = await readiness[i];
      if ('error' in r) throw r.error;
      const info = cluster.getJson(['node', node.name]).status.nodeInfo;
      return `Ready ${seconds(r.ms)} after the kubelets started (kubelet ${info.kubeletVersion}, ${info.containerRuntimeVersion})`;
    });
  }

  checks.section('Pods');
  const first = nodes[0];
  await checks.check(`a hostNetwork pod runs on ${first.name}, in the node's network namespace`, async () => {
    const t = Date.now();
    cluster.kubectl(['apply', '-f', '-'], { input: pausePod('host-pause', first.name, true) });
    const pod = await waitPodRunning(cluster, 'host-pause', 60_000).catch((e) => {
      throw new Error(`${(e as Error).message}\ncontainerd: ${first.logTail('containerd', 40)}`);
    });
    const pid = podProcess(first.opts.cgroupRoot, pod.metadata.uid);
    expect(pid, `no process of pod ${pod.metadata.uid} below ${first.opts.cgroupRoot}`);
    const nodeNs = netnsInode(`/run/netns/${cluster.ns(first.name)}`);
    const podNs = netnsInode(`/proc/${pid}/ns/net`);
    expect(podNs === nodeNs, `pod's network namespace ${podNs}, node's ${nodeNs}`);
    return `Running ${seconds(Date.now() - t)} after kubectl apply; pod IP ${pod.status.podIP} = node address; netns inode ${podNs}`;
  });
  const workerNode = nodes.find((n) => n.name === worker.name);
  if (workerNode) {
    await checks.check(`a pod on ${workerNode.name} gets an address from the worker's CNI bridge`, async () => {
      const t = Date.now();
      cluster.kubectl(['apply', '-f', '-'], { input: pausePod('worker-pause', workerNode.name, false) });
      const pod = await waitPodRunning(cluster, 'worker-pause', 60_000);
      expect(pod.status.podIP?.startsWith(workerNode.opts.podCidr.split('.').slice(0, 3).join('.')), `pod IP ${pod.status.podIP}`);
      return `Running ${seconds(Date.now() - t)} after kubectl apply; pod IP ${pod.status.podIP}`;
    });
  }
  if (values.daemonsets) {
    checks.section('The recipe: DaemonSets on the real edge nodes');
    const vrrp = synthesizeVariant(
      VARIANTS.find((v) => v.name === 'vrrp')!,
      path.join(work, 'synth-vrrp'),
    );
    const manifests = readManifests(manifestFiles(vrrp.dir));
    let images: ImageArchive[] = [];
    await checks.check(`the DaemonSets' images are built offline (keepalived: ${keepalivedImageName})`, () => {
      const t = Date.now();
      images = imagesFor(manifests, KEEPALIVED_IMAGES[keepalivedImageName]);
      const sizes = images.map((i) => `${i.reference} (${(fs.statSync(i.file).size / 2 ** 20).toFixed(1)} MiB)`);
      return `${sizes.join(', ')} in ${seconds(Date.now() - t)}`;
    });
    if (images.length) await daemonSetChecks(checks, cluster, nodes, vrrp, images);
    if (images.length) await acceptanceChecks(checks, cluster, nodes, vrrp);
    if (images.length && values.failover) {
      checks.section('Failover on real pods, with a client on the VIP');
      await failoverChecks(checks, cluster, nodes, vrrp, manifests, { runs, logDir: values.logs });
    }
    if (images.length && keepalivedImageName === 'busybox') {
      checks.section('The BusyBox keepalived image: a config change on the real pods');
      await busyboxChecks(checks, cluster, vrrp, work);
    }
    if (images.length && values.day2) await day2Checks(checks, cluster, nodes, vrrp, path.join(work, 'day2'));
  }
  return finish(checks, started, cluster, nodes, values.logs);
}

/** The offline image for each image a DaemonSet's containers name, by repository; keepalived's from `keepalived`. */
function imagesFor(objects: readonly any[], keepalived: (reference: string) => ImageArchive): ImageArchive[] {
  const refs = new Set<string>(
    objects
      .filter((o) => o.kind === 'DaemonSet')
      .flatMap((d) =>
        [...(d.spec.template.spec.initContainers ?? []), ...d.spec.template.spec.containers].map((c: any) => c.image as string),
      ),
  );
  return [...refs].map((ref) => {
    const repo = normalizeReference(ref).repository;
    if (/\/traefik$/.test(repo)) return traefikImage(ref);
    if (/\/keepalived$/.test(repo)) return keepalived(ref);
    throw new Error(`no offline recipe for image ${ref}`);
  });
}

async function finish(
  checks: Checks,
  started: number,
  cluster: E2eCluster,
  nodes: readonly RealNode[] = [],
  logs?: string,
): Promise<number> {
  if (logs) {
    fs.cpSync(cluster.logDir, path.join(logs, 'control-plane'), { recursive: true });
    for (const n of nodes) {
      fs.cpSync(n.layout.logDir, path.join(logs, n.name), { recursive: true });
      fs.cpSync(n.layout.podLogs, path.join(logs, n.name, 'pods'), { recursive: true });
    }
  }
  const leftNodes = stopAllNodes();
  const leftCgroups = [...nodes.flatMap((n) => existingCgroups(n.opts.cgroupRoot)), ...parentsLeft()];
  cluster.stop();
  cleanupSync();
  checks.section('Teardown');
  await checks.check('no process, cgroup, mount or namespace of the run is left', () => {
    const ns = listNamespaces().filter((n) => n.startsWith(runPrefix()));
    // This run's processes name its folder (edgelab-<pid>-...); an outer suite's control plane does not.
    const procs = spawnSync('pgrep', ['-f', runPrefix()], { encoding: 'utf8' }).stdout.trim();
    const mounts = fs
      .readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => l.includes(runPrefix()));
    expect(
      !leftNodes.length && !leftCgroups.length && !ns.length && !procs && !mounts.length,
      `nodes: ${leftNodes.join('; ') || 'none'}; cgroups: ${leftCgroups.join(', ') || 'none'}; ` +
        `namespaces: ${ns.join(', ') || 'none'}; processes: ${procs || 'none'}; mounts: ${mounts.length}`,
    );
    return 'none left';
  });
  process.stdout.write(
    `\nreal nodes: ${checks.results.length - checks.failed.length} passed, ${checks.failed.length} failed ` +
      `in ${seconds(Date.now() - started)}\n`,
  );
  return checks.failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`real nodes: ${(error as Error).stack ?? error}\n`);
    stopAllNodes();
    cleanupSync();
    process.exit(2);
  },
);
