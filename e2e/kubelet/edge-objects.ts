/**
 * What the failover and day-2 runs need to know of the synthesized edge, read from the manifests themselves (not
 * from the props): the DaemonSets, Traefik's web port and keepalived's longest startup delay.
 * Also the reading of the kubelet's container log files (CRI format).
 */

export interface EdgeObjects {
  readonly namespace: string;
  readonly keepalived: string;
  readonly traefik: string;
  readonly webPort: number;
  readonly vip: string;
  /** The longest `vrrp_startup_delay` of keepalived.conf (0 without one), in seconds. */
  readonly maxStartupDelayS: number;
}

const imageIs = (ds: any, repo: RegExp): boolean =>
  ds.spec.template.spec.containers.some((c: any) => repo.test(String(c.image).replace(/:[^/:]+$/, '')));

export function edgeObjects(manifests: readonly any[], vip: string): EdgeObjects {
  const daemonSets = manifests.filter((o) => o.kind === 'DaemonSet');
  const keepalived = daemonSets.find((d) => imageIs(d, /keepalived$/));
  const traefik = daemonSets.find((d) => imageIs(d, /traefik$/));
  if (!keepalived || !traefik) {
    const lacking = [!keepalived && 'a keepalived DaemonSet', !traefik && 'a Traefik DaemonSet'];
    throw new Error(`the manifests lack ${lacking.filter(Boolean).join(', ')}`);
  }
  const web = traefik.spec.template.spec.containers.flatMap((c: any) => c.ports ?? []).find((p: any) => p.name === 'web');
  if (!web) throw new Error(`DaemonSet ${traefik.metadata.name} has no port named web`);
  const conf = manifests
    .filter((o) => o.kind === 'ConfigMap')
    .flatMap((o) => Object.values(o.data ?? {}) as string[])
    .find((text) => /^\s*vrrp_instance\s/m.test(text));
  if (conf === undefined) throw new Error('no ConfigMap holds a keepalived.conf (a vrrp_instance block)');
  const delays = [...conf.matchAll(/\bvrrp_startup_delay\s+([\d.]+)/g)].map((m) => Number(m[1]));
  return {
    namespace: keepalived.metadata.namespace,
    keepalived: keepalived.metadata.name,
    traefik: traefik.metadata.name,
    webPort: web.hostPort ?? web.containerPort,
    vip,
    maxStartupDelayS: Math.max(0, ...delays),
  };
}

export interface CriLogLine {
  /** Epoch milliseconds, as containerd stamped the line when it read it. */
  readonly t: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** One line of a kubelet container log: `<RFC 3339 nano> <stdout|stderr> <F|P> <text>`. */
export function parseCriLogLine(line: string): CriLogLine | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2}) (stdout|stderr) [FP] (.*)$/.exec(line);
  if (!m) return null;
  const t = Date.parse(`${m[1]}${m[3]}`) + (m[2] ? Number(`0${m[2]}`) * 1000 : 0);
  return Number.isFinite(t) ? { t, stream: m[4] as CriLogLine['stream'], text: m[5] } : null;
}

/** keepalived's lines when it handles SIGTERM (the main process's, then the VRRP child's goodbye advert). */
const SHUTDOWN = /\bStopping\b|sent 0 priority/;

/** When keepalived began to stop (its first shutdown line at or after `since`), from its container log; null if absent. */
export function firstShutdownLine(log: string, since: number): number | null {
  for (const raw of log.split('\n')) {
    const l = parseCriLogLine(raw);
    if (l && l.t >= since && SHUTDOWN.test(l.text)) return l.t;
  }
  return null;
}
