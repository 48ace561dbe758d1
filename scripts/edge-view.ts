// What `npm run status` and `npm run rollout` know about a running edge, read through `kubectl` only:
// the keepalived pods (`kubectl get pods`), and inside each pod (`kubectl exec`) keepalived's own data dump
// (SIGUSR1 writes /tmp/keepalived.data: state, priority, VIPs), the start command's config-status file and
// Traefik's /ping. Needs no more privilege than the keepalived container already has.
import { createHash } from 'crypto';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { configStatusFile, REVISION_LENGTH } from '../lib/keepalived/pod/config-reloader';

const RUN_DIR = '/run/keepalived';

/** Where the edge lives in the cluster, taken from the app (main.ts) so it matches what was deployed. */
export interface EdgeTarget {
  readonly namespace: string;
  readonly daemonSetName: string;
  readonly configMapName: string;
  /** `key=value,...` selecting the keepalived pods. */
  readonly selector: string;
  readonly pingUrl: string;
  /** The VIP clients use (the advertised one). */
  readonly virtualIp: string;
}

/** The target described by the app module (default main.ts), after it synthesized without errors. */
export function targetFromApp(appModule: string): EdgeTarget {
  const { createApp } = require(path.resolve(appModule));
  const { app, edge } = createApp();
  app.synthYaml(); // runs every construct validation, writes nothing
  const ds = edge.keepalived.daemonSet;
  const labels = ds.toJson().spec.selector.matchLabels as Record<string, string>;
  return {
    namespace: edge.namespace,
    daemonSetName: ds.name,
    configMapName: edge.keepalived.configMap.name,
    selector: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','),
    pingUrl: edge.traefik.pingUrl,
    virtualIp: edge.keepalivedConfig.virtualIpAddresses[0].split('/')[0],
  };
}

export interface Kubectl {
  /** Runs kubectl with `args`; throws with its stderr on failure. */
  (args: string[]): string;
}

/** kubectl from PATH (the current context), with the environment given (tests put a stand-in first on PATH). */
export function kubectl(env: NodeJS.ProcessEnv = process.env): Kubectl {
  return (args) => {
    const r = spawnSync('kubectl', args, { encoding: 'utf-8', env, timeout: 60_000 });
    if (r.error) {
      throw new Error((r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'kubectl was not found on PATH' : r.error.message);
    }
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${(r.stderr || r.stdout).trim()} (exit ${r.status})`);
    return r.stdout;
  };
}

export interface KeepalivedPod {
  readonly name: string;
  readonly node: string;
  readonly image: string;
  readonly phase: string;
}

export function listPods(k: Kubectl, t: EdgeTarget): KeepalivedPod[] {
  const list = JSON.parse(k(['get', 'pods', '-n', t.namespace, '-l', t.selector, '-o', 'json']));
  return (list.items as any[])
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => ({
      name: p.metadata.name,
      node: p.spec.nodeName,
      image: (p.spec.containers as any[]).find((c) => c.name === 'keepalived')?.image ?? '',
      phase: p.status?.phase ?? 'Unknown',
    }))
    .sort((a, b) => a.node.localeCompare(b.node));
}

export function templateImage(k: Kubectl, t: EdgeTarget): string {
  const ds = JSON.parse(k(['get', 'daemonset', t.daemonSetName, '-n', t.namespace, '-o', 'json']));
  return (ds.spec.template.spec.containers as any[]).find((c) => c.name === 'keepalived').image;
}

/** The revision of the ConfigMap's keepalived.conf, as the start command computes it from the mounted file. */
export function configMapRevision(k: Kubectl, t: EdgeTarget): string {
  const cm = JSON.parse(k(['get', 'configmap', t.configMapName, '-n', t.namespace, '-o', 'json']));
  return createHash('sha256').update(cm.data['keepalived.conf']).digest('hex').slice(0, REVISION_LENGTH);
}

/**
 * The shell command run in the keepalived container. SIGUSR1 asks keepalived for its data dump; it is sent only
 * when keepalived blocks SIGUSR1 (it takes signals through a signalfd once started), since before that the
 * signal would kill it.
 */
export function probeScript(pingUrl: string): string {
  return `run=${RUN_DIR}
echo "== config-status"; cat ${configStatusFile(RUN_DIR)} 2>/dev/null
echo "== dump"
pid=$(cat "$run/keepalived.pid" 2>/dev/null)
mask=$(sed -n 's/^SigBlk:.*\\(.\\)..$/\\1/p' "/proc/$pid/status" 2>/dev/null)
case "$mask" in
  2 | 3 | 6 | 7 | a | b | e | f)
    rm -f /tmp/keepalived.data
    kill -USR1 "$pid"
    i=0
    while [ ! -s /tmp/keepalived.data ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
    sleep 0.1
    cat /tmp/keepalived.data 2>/dev/null ;;
  *) echo "keepalived not started" ;;
esac
echo "== uptime"
# keepalived's age (start time in clock ticks since boot, USER_HZ 100) and the system uptime, for vrrp_startup_delay.
echo "$(cut -d' ' -f22 "/proc/$pid/stat" 2>/dev/null) $(cut -d' ' -f1 /proc/uptime)"
echo "== ping"
# timeout, not wget -T: Debian's busybox-static wget crashes on -T (it lacks timeout support).
if timeout 1 wget -q -O /dev/null ${pingUrl}; then echo ok; else echo failing; fi
`;
}

export interface NodeView {
  readonly node: string;
  readonly pod: string;
  readonly image: string;
  /** MASTER, BACKUP, FAULT, ... or null when keepalived could not be asked. */
  readonly state: string | null;
  readonly priority: number | null;
  readonly effectivePriority: number | null;
  /** VIPs (advertised and excluded) keepalived has installed on this node. */
  readonly vips: string[];
  readonly traefikOk: boolean | null;
  readonly revision: string | null;
  readonly rejectedRevision: string | null;
  readonly rejectedError: string | null;
  /**
   * Seconds left of keepalived's vrrp_startup_delay: until then this node does not take the VIP over, even as a
   * BACKUP whose master is gone (0 when over or not configured).
   */
  readonly startupDelayLeftS: number;
  /** Why the node could not be read, if so. */
  readonly problem?: string;
}

/** Reads the sections printed by {@link probeScript}. */
export function parseProbe(pod: KeepalivedPod, text: string): NodeView {
  const section = (name: string): string => {
    const m = new RegExp(`^== ${name}\\n([\\s\\S]*?)(?=^== |(?![\\s\\S]))`, 'm').exec(text);
    return m ? m[1] : '';
  };
  const status: Record<string, string> = {};
  for (const line of section('config-status').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) status[line.slice(0, i)] = line.slice(i + 1);
  }
  const dump = section('dump');
  const field = (name: string): string | null => {
    const m = new RegExp(`^\\s+${name} = (.*)$`, 'm').exec(dump);
    return m ? m[1].trim() : null;
  };
  const vips: string[] = [];
  let inVips = false;
  for (const line of dump.split('\n')) {
    if (/^\s+Virtual IP( Excluded)? \(?\d*\)?\s*:/.test(line) || /^\s+Virtual IP Excluded :/.test(line)) {
      inVips = true;
      continue;
    }
    const m = /^\s{5}(\S+) dev \S+.*?( set)?$/.exec(line);
    if (inVips && m) {
      if (m[2]) vips.push(m[1].split('/')[0]);
    } else {
      inVips = false;
    }
  }
  const num = (v: string | null): number | null => (v === null || !/^\d+$/.test(v) ? null : Number(v));
  const ping = section('ping').trim();
  const [startTicks, uptime] = section('uptime').trim().split(/\s+/).map(Number);
  const startupDelay = Number(/^ vrrp_startup_delay = ([\d.]+)$/m.exec(dump)?.[1] ?? 0);
  const age = Number.isFinite(startTicks) && Number.isFinite(uptime) ? uptime - startTicks / 100 : Infinity;
  const startupDelayLeftS = Math.max(0, Math.round((startupDelay - age) * 10) / 10);
  const state = field('State');
  return {
    node: pod.node,
    pod: pod.name,
    image: pod.image,
    state,
    priority: num(field('Priority')),
    effectivePriority: num(field('Effective priority')),
    vips,
    traefikOk: ping === 'ok' ? true : ping === 'failing' ? false : null,
    revision: status.revision || null,
    rejectedRevision: status.rejected || null,
    rejectedError: status.error || null,
    startupDelayLeftS,
    problem: state === null ? (dump.includes('not started') ? 'keepalived not started' : 'no keepalived data dump') : undefined,
  };
}

export function viewNode(k: Kubectl, t: EdgeTarget, pod: KeepalivedPod): NodeView {
  try {
    return parseProbe(pod, k(['exec', '-n', t.namespace, pod.name, '-c', 'keepalived', '--', '/bin/sh', '-c', probeScript(t.pingUrl)]));
  } catch (error) {
    return {
      node: pod.node, pod: pod.name, image: pod.image, state: null, priority: null, effectivePriority: null, vips: [],
      traefikOk: null, revision: null, rejectedRevision: null, rejectedError: null, startupDelayLeftS: 0,
      problem: (error as Error).message,
    };
  }
}

export interface EdgeView {
  readonly nodes: NodeView[];
  /** Nodes holding the advertised VIP. */
  readonly holders: string[];
  readonly configMapRevision: string | null;
}

export function viewEdge(k: Kubectl, t: EdgeTarget): EdgeView {
  const nodes = listPods(k, t).map((p) => viewNode(k, t, p));
  let revision: string | null = null;
  try {
    revision = configMapRevision(k, t);
  } catch {
    /* shown as unknown */
  }
  return { nodes, holders: nodes.filter((n) => n.vips.includes(t.virtualIp)).map((n) => n.node), configMapRevision: revision };
}
