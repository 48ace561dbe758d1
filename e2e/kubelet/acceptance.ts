/**
 * The recipe's acceptance on real kubelets, after the DaemonSets are READY (e2e/kubelet/daemonsets.ts): a backend
 * pod on the worker, in the pod network, behind a Service and an Ingress of the synthesized IngressClass;
 * `curl http://<VIP>/` from the client namespace must reach it through the VIP holder's Traefik; and
 * `npm run status` through the real kubectl (its `kubectl exec` goes API server -> kubelet -> containerd) must
 * show every edge node, one MASTER, and the VIP where it really is.
 */
import * as path from 'path';
import { ipn, sleep } from '../../lab/core/sys';
import { Checks, expect } from '../checks';
import { BIN_DIR, E2E_DIR, E2eCluster } from '../cluster';
import { exec } from '../exec';
import { backendImage } from '../images/backend';
import { ImageArchive } from '../images/oci-image';
import { applyObjects, readManifests } from '../objects';
import { manifestFiles, Synthesized } from '../variants';
import { BACKEND_NAMESPACE, backendObjects, ingressClassOf, parseBackendAnswer, peerAddress } from './backend';
import { vipHolders } from './daemonsets';
import { RealNode } from './node';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** curl's `-w` suffix: the status code on a line of its own after the body (000 when no answer came). */
const STATUS_SUFFIX = '\n%{http_code}';

/** The body and HTTP status of `curl -w '\n%{http_code}'`'s output. */
export function parseCurlOutput(stdout: string): { status: number; body: string } {
  const i = stdout.lastIndexOf('\n');
  const status = Number(stdout.slice(i + 1));
  if (!/^\d{3}$/.test(stdout.slice(i + 1))) throw new Error(`curl output without a status line: ${JSON.stringify(stdout.slice(-100))}`);
  return { status, body: i < 0 ? '' : stdout.slice(0, i) };
}

export interface Sample {
  /** Since `kubectl apply`. */
  readonly ms: number;
  readonly status: number;
}

/** The statuses seen, each from when it first showed in a run (`404 from 0.3 s, 503 from 2.1 s, 200 from 4.0 s`). */
export function statusTimeline(samples: readonly Sample[]): string {
  const out: string[] = [];
  let last: number | undefined;
  for (const s of samples) {
    if (s.status === last) continue;
    out.push(`${s.status === 0 ? 'no answer' : s.status} from ${seconds(s.ms)}`);
    last = s.status;
  }
  return out.join(', ');
}

export interface StatusRow {
  readonly node: string;
  readonly pod: string;
  readonly state: string;
}

/** `npm run status`'s table rows (NODE, POD, STATE) and the node its verdict line names as the VIP holder. */
export function parseStatusOutput(text: string): { rows: StatusRow[]; holder?: string } {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => /^NODE\s+POD\s+STATE\b/.test(l));
  if (header < 0) throw new Error(`no NODE POD STATE header in the status output:\n${text}`);
  const rows: StatusRow[] = [];
  for (const line of lines.slice(header + 1)) {
    if (!line.trim()) break;
    const [node, pod, state] = line.trim().split(/\s+/);
    rows.push({ node, pod, state });
  }
  const holder = /^VIP \S+ is on (?!NO node)(\S+)$/m.exec(text)?.[1];
  return { rows, holder };
}

function curlVip(cluster: E2eCluster, vip: string): { status: number; body: string; error: string } {
  const r = exec('ip', ['netns', 'exec', cluster.clientNs, 'curl', '-sS', '--max-time', '1', '-w', STATUS_SUFFIX, `http://${vip}/`], {
    allowFail: true,
    timeoutMs: 10_000,
  });
  return { ...parseCurlOutput(r.stdout), error: r.stderr.trim() };
}

/**
 * Edge nodes send to the worker's pods through the worker (no CNI routes across nodes here): a route to the pod
 * CIDR via the worker's address in each edge node's namespace, added where missing, and forwarding on in the
 * worker's namespace. Only namespaces of this run are touched.
 */
function podNetworkRoutes(cluster: E2eCluster, edge: readonly RealNode[], worker: RealNode): string {
  const iface = cluster.topology.interfaceName;
  const probe = worker.opts.podCidr.replace(/\.0\/\d+$/, '.2');
  const notes: string[] = [];
  for (const n of edge) {
    const ns = cluster.ns(n.name);
    const before = exec('ip', ['-n', ns, 'route', 'get', probe], { allowFail: true });
    if (before.code === 0 && before.stdout.includes(` via ${worker.opts.address} `)) {
      notes.push(`${n.name}: present`);
      continue;
    }
    ipn(ns, ['route', 'replace', worker.opts.podCidr, 'via', worker.opts.address, 'dev', iface]);
    const after = ipn(ns, ['route', 'get', probe]);
    expect(
      after.includes(` via ${worker.opts.address} `),
      `${n.name}: ${worker.opts.podCidr} still not via ${worker.opts.address}: ${after}`,
    );
    notes.push(`${n.name}: added (before: ${(before.stdout || before.stderr).trim() || 'none'})`);
  }
  const forwardFile = '/proc/sys/net/ipv4/ip_forward';
  const readForward = (): string => exec('nsenter', [`--net=/run/netns/${cluster.ns(worker.name)}`, 'cat', forwardFile]).stdout.trim();
  const forward = readForward();
  if (forward !== '1') exec('nsenter', [`--net=/run/netns/${cluster.ns(worker.name)}`, 'sh', '-c', `echo 1 > ${forwardFile}`]);
  expect(readForward() === '1', `${worker.name}: ${forwardFile} is ${readForward()}`);
  return `${worker.opts.podCidr} via ${worker.opts.address}: ${notes.join('; ')}; ${worker.name} ip_forward was ${forward}`;
}

export async function acceptanceChecks(checks: Checks, cluster: E2eCluster, nodes: readonly RealNode[], vrrp: Synthesized): Promise<void> {
  const edgeNames = cluster.edgeNodes.map((n) => n.name);
  const edge = nodes.filter((n) => edgeNames.includes(n.name));
  const worker = nodes.find((n) => !edgeNames.includes(n.name));
  const vip = vrrp.props.virtualIp;
  checks.section('The recipe: a backend on the worker through the VIP, and npm run status');
  if (!worker) {
    await checks.check('a worker node runs the backend', () => {
      throw new Error(`no worker among the nodes started (${nodes.map((n) => n.name).join(', ')}): run without --nodes`);
    });
    return;
  }
  let image: ImageArchive | undefined;
  await checks.check(`the backend image is built offline from busybox-static and imported into ${worker.name}'s containerd`, () => {
    const t = Date.now();
    image = backendImage();
    const built = Date.now() - t;
    const listed = worker.importImages([image]);
    expect(listed.includes(image.reference), `${worker.name} lists ${listed.join(', ')}, not ${image.reference}`);
    return `${image.reference} in ${seconds(built)}, imported in ${seconds(Date.now() - t - built)}`;
  });
  if (!image) return;
  await checks.check(`routes from the edge nodes to ${worker.name}'s pod network`, () => podNetworkRoutes(cluster, edge, worker));

  const ingressClass = ingressClassOf(readManifests(manifestFiles(vrrp.dir)));
  const applied = Date.now();
  applyObjects(cluster, backendObjects({ node: worker.name, image: image.reference, ingressClass }));
  const samples: Sample[] = [];
  const sample = (): ReturnType<typeof curlVip> => {
    const r = curlVip(cluster, vip);
    samples.push({ ms: Date.now() - applied, status: r.status });
    return r;
  };
  let pod: any;
  await checks.check(`kubectl apply of the backend: its pod Running and ready on ${worker.name} with a pod-network address`, async () => {
    const end = applied + 90_000;
    while (Date.now() < end) {
      pod = cluster.getJson(['-n', BACKEND_NAMESPACE, 'pods', '-l', 'app.kubernetes.io/name=backend']).items[0];
      if (pod?.status?.phase === 'Running' && pod.status.containerStatuses?.every((c: any) => c.ready)) break;
      pod = undefined;
      sample();
      await sleep(100);
    }
    if (!pod) {
      const events = cluster.kubectl(['-n', BACKEND_NAMESPACE, 'get', 'events'], { allowFail: true }).stdout;
      throw new Error(`no ready backend pod ${seconds(Date.now() - applied)} after kubectl apply\n${events}\n${worker.logTail('kubelet')}`);
    }
    const ready = Date.now() - applied;
    const prefix = worker.opts.podCidr.replace(/0\/\d+$/, '');
    expect(pod.spec.nodeName === worker.name, `pod ${pod.metadata.name} on ${pod.spec.nodeName}`);
    expect(!pod.spec.hostNetwork && pod.status.podIP?.startsWith(prefix), `pod IP ${pod.status.podIP}, outside ${worker.opts.podCidr}`);
    return `${pod.metadata.name} ready ${seconds(ready)} after kubectl apply, pod IP ${pod.status.podIP}`;
  });
  if (!pod) return;

  await checks.check(
    `curl http://${vip}/ from the client namespace: HTTP 200 from the backend pod, through the VIP holder's Traefik`,
    async () => {
      let r = sample();
      while (r.status !== 200 && Date.now() - applied < 120_000) {
        await sleep(50);
        r = sample();
      }
      const first = samples[samples.length - 1].ms;
      expect(r.status === 200, `HTTP ${r.status} ${r.error} ${r.body.slice(0, 200)}; seen: ${statusTimeline(samples)}`);
      const answer = parseBackendAnswer(r.body);
      const name = pod.metadata.name;
      expect(
        answer.pod === name && answer.hostname === name,
        `answered by pod=${answer.pod} hostname=${answer.hostname}, the API has ${name}`,
      );
      expect(answer.node === worker.name && answer['pod-ip'] === pod.status.podIP, `answer ${JSON.stringify(answer)}`);
      // Traefik on the holder opens the connection to the pod from its own address and names the client.
      const holders = vipHolders(cluster, vip);
      const holderAddress = cluster.edgeNodes.find((n) => n.name === holders[0])?.address;
      expect(
        holders.length === 1 && peerAddress(answer['remote-addr']) === holderAddress,
        `remote-addr ${answer['remote-addr']}, VIP on ${holders.join(', ')}`,
      );
      expect(
        answer['x-forwarded-for'] === cluster.clientAddress,
        `x-forwarded-for ${answer['x-forwarded-for']}, client ${cluster.clientAddress}`,
      );
      const more = Array.from({ length: 20 }, () => curlVip(cluster, vip));
      const bad = more.filter((m) => m.status !== 200 || parseBackendAnswer(m.body).pod !== name);
      expect(!bad.length, `${bad.length} of 20 further requests failed: ${bad.map((b) => `${b.status} ${b.error}`).join('; ')}`);
      return (
        `first 200 ${seconds(first)} after kubectl apply (${statusTimeline(samples)}), then 20 of 20; ` +
        `pod=${answer.pod} node=${answer.node} pod-ip=${answer['pod-ip']} ` +
        `remote-addr=${peerAddress(answer['remote-addr'])} (${holders[0]}) ` +
        `x-forwarded-for=${answer['x-forwarded-for']}`
      );
    },
  );

  await checks.check('npm run status through the real kubectl exec: every edge node, one MASTER, the VIP where it is', () => {
    const kubectl = cluster.client('sh', ['-c', 'command -v kubectl']).stdout.trim();
    expect(kubectl === path.join(BIN_DIR, 'kubectl'), `kubectl on PATH is ${kubectl}, not ${path.join(BIN_DIR, 'kubectl')}`);
    const t = Date.now();
    const r = cluster.projectScript('status.ts', ['--app', path.join(E2E_DIR, 'apps', 'vrrp.ts')], {
      allowFail: true,
      timeoutMs: 120_000,
    });
    const ms = Date.now() - t;
    expect(r.code === 0, `exit ${r.code}:\n${r.stdout}${r.stderr}`);
    const { rows, holder } = parseStatusOutput(r.stdout);
    const missing = edgeNames.filter((n) => !rows.some((row) => row.node === n));
    expect(!missing.length && rows.length === edgeNames.length, `rows for ${rows.map((x) => x.node).join(', ')}; missing ${missing}`);
    const masters = rows.filter((row) => row.state === 'MASTER').map((row) => row.node);
    const real = vipHolders(cluster, vip);
    expect(masters.length === 1, `MASTER on ${masters.join(', ') || 'no node'}:\n${r.stdout}`);
    expect(
      real.length === 1 && holder === real[0] && masters[0] === real[0],
      `status: VIP on ${holder}, MASTER ${masters[0]}; VIP really on ${real}`,
    );
    return `exit 0 in ${seconds(ms)}\n${r.stdout.trim()}`;
  });
}
