/**
 * The one reading of a synthesized edge that every lab uses: EdgeIngress synthesized from props, and what a node
 * runs taken out of the manifests, as the cluster would get it: keepalived.conf from the ConfigMap, the keepalived
 * container (image, command, args, capabilities, mounts) and the host-preparation init script from its DaemonSet,
 * the Traefik ports and drain settings from the Traefik DaemonSet.
 */
import { Testing } from 'cdk8s';
import { EdgeIngress, EdgeIngressProps } from '../../lib';

/** The keepalived container as the kubelet runs it. */
export interface KeepalivedContainer {
  readonly image: string;
  readonly command: string[];
  readonly args: string[];
  readonly capabilities: string[];
  /** mountPath per volume name (config, run, tmp, ...). */
  readonly mounts: Record<string, string>;
}

export interface SynthesizedEdge {
  readonly props: EdgeIngressProps;
  readonly edge: EdgeIngress;
  /** Every object, as `kubectl apply -f dist` would get them. */
  readonly manifests: any[];
  readonly keepalivedConf: string;
  readonly keepalived: KeepalivedContainer;
  /** The `prepare-host` init container's script (LVS direct routing only). */
  readonly hostPreparation?: string;
  readonly traefik: {
    readonly webPort: number;
    readonly adminPort: number;
    /** Where keepalived's check and the probes ask: `http://127.0.0.1:<port>/ping` or the health entrypoint. */
    readonly pingUrl: URL;
    /** The `health` entrypoint (`/ping` on every address, with loadBalancing), if the DaemonSet has one. */
    readonly health?: { readonly address: string; readonly port: number };
    /** requestAcceptGraceTimeout of the web entrypoint, ms (0 without). */
    readonly graceMs: number;
  };
}

/** Traefik entrypoint address `[host]:port[/tcp]` -> where to listen ('' host = every address). */
export function parseEntryPointAddress(address: string): { address: string; port: number } {
  const m = /^(.*):(\d+)(\/tcp)?$/.exec(address);
  if (!m) throw new Error(`cannot read Traefik entrypoint address ${address}`);
  return { address: m[1] === '' ? '0.0.0.0' : m[1], port: Number(m[2]) };
}

export function synthesizeEdge(props: EdgeIngressProps): SynthesizedEdge {
  const chart = Testing.chart();
  const edge = new EdgeIngress(chart, 'Edge', props);
  const manifests = Testing.synth(chart);
  const daemonSet = (name: string): any => manifests.find((m) => m.kind === 'DaemonSet' && m.metadata.name === name);
  const configMap = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === edge.keepalived.configMap.name);
  const pod = daemonSet(edge.keepalived.daemonSet.name).spec.template.spec;
  const container = pod.containers[0];
  const init = (pod.initContainers ?? []).find((c: { name: string }) => c.name === 'prepare-host');
  const traefikArgs: string[] = daemonSet(edge.traefik.daemonSet.name).spec.template.spec.containers[0].args;
  const arg = (re: RegExp): string | undefined => traefikArgs.map((a) => re.exec(a)?.[1]).find((v) => v !== undefined);
  const grace = arg(/^--entryPoints\.web\.transport\.lifeCycle\.requestAcceptGraceTimeout=(\d+)s$/);
  const health = arg(/^--entryPoints\.health\.address=(.*)$/);
  return {
    props,
    edge,
    manifests,
    keepalivedConf: configMap.data[Object.keys(configMap.data)[0]],
    keepalived: {
      image: container.image,
      command: container.command,
      args: container.args,
      capabilities: [...container.securityContext.capabilities.add],
      mounts: Object.fromEntries((container.volumeMounts as { name: string; mountPath: string }[]).map((m) => [m.name, m.mountPath])),
    },
    hostPreparation: init ? init.command[2] : undefined,
    traefik: {
      webPort: edge.traefik.webPort,
      adminPort: edge.traefik.adminPort,
      pingUrl: new URL(edge.traefik.pingUrl),
      health: health ? parseEntryPointAddress(health) : undefined,
      graceMs: grace ? Number(grace) * 1000 : 0,
    },
  };
}
