/**
 * The LVS edge under test, synthesized through EdgeIngress exactly as main.ts ships it (loadBalancing with
 * Maglev), on lab addresses. Everything the lab runs on a node comes out of the manifests: keepalived.conf
 * from the ConfigMap, keepalived's container (command, arguments, capabilities, mounts) from the DaemonSet, the host-preparation script
 * from the init container's command, and the Traefik drain settings (grace period, health entrypoint) from
 * the Traefik DaemonSet's arguments.
 */
import { KeepalivedPrivilege, LvsScheduler } from '../../lib';
import { synthesizeEdge } from '../core/synthesized-edge';
import { KeepalivedPodSpec } from '../core/keepalived-pod';
import { seedVrrpConf } from '../core/edge-under-test';

export interface LvsEdge {
  readonly label: string;
  readonly keepalivedConf: string;
  readonly nodes: { name: string; address: string; priority: number }[];
  readonly vip: string;
  readonly subnetPrefix: number;
  readonly interfaceName: string;
  readonly webPort: number;
  /** Traefik's loopback admin (ping) port. */
  readonly adminPort: number;
  /** Traefik's `health` entrypoint (serving /ping instead of the admin port), if the DaemonSet has one. */
  readonly health?: { readonly address: string; readonly port: number };
  /** requestAcceptGraceTimeout of the web entrypoint, ms. */
  readonly graceMs: number;
  /** The keepalived container as the kubelet runs it (lab/core/keepalived-pod.ts podCommand). */
  readonly pod: Pick<KeepalivedPodSpec, 'mounts' | 'args' | 'command' | 'capabilities'>;
  /** The init container's host-preparation script, or undefined without LVS (and for the seed, which has none). */
  readonly hostPreparation?: string;
  /** Whether keepalived.conf has virtual servers, so that the nodes direct connections with IPVS. */
  readonly directs: boolean;
  /**
   * Kernel modules the lab loads before keepalived starts, because the settings under test leave that to a
   * root keepalived on the host (the kernel's own request_module cannot reach UML's modules).
   * @default - none: the host-preparation script loads what the edge needs
   */
  readonly labLoadsModules?: string[];
}

export const LVS_LAB = {
  nodes: [
    { name: 'edge-1', address: '10.77.0.11' },
    { name: 'edge-2', address: '10.77.0.12' },
    { name: 'edge-3', address: '10.77.0.13' },
  ],
  vip: '10.77.0.100',
  subnet: '10.77.0.0/24',
  interfaceName: 'eth0',
  webPort: 80,
  adminPort: 8580,
  clientAddresses: ['10.77.0.201', '10.77.0.202', '10.77.0.203', '10.77.0.204'],
};

export function synthesizeLvsEdge(label: string, loadBalancing: boolean): LvsEdge {
  const { edge, keepalivedConf, keepalived, hostPreparation, traefik } = synthesizeEdge({
    nodes: LVS_LAB.nodes,
    virtualIp: LVS_LAB.vip,
    subnet: LVS_LAB.subnet,
    interface: LVS_LAB.interfaceName,
    loadBalancing: loadBalancing ? { scheduler: LvsScheduler.MAGLEV_HASHING } : undefined,
    traefik: { webPort: LVS_LAB.webPort, adminPort: LVS_LAB.adminPort },
    keepalived: { privilege: KeepalivedPrivilege.LEAST_PRIVILEGE },
  });
  return {
    label,
    keepalivedConf,
    nodes: edge.nodes.map((n) => ({ name: n.name, address: n.address, priority: n.priority })),
    vip: LVS_LAB.vip,
    subnetPrefix: Number(LVS_LAB.subnet.split('/')[1]),
    interfaceName: LVS_LAB.interfaceName,
    webPort: traefik.webPort,
    adminPort: traefik.adminPort,
    health: traefik.health,
    graceMs: traefik.graceMs,
    pod: { command: keepalived.command, args: keepalived.args, capabilities: keepalived.capabilities, mounts: keepalived.mounts },
    hostPreparation,
    directs: loadBalancing,
  };
}

/**
 * The seed's LVS-DR edge on lab addresses: its keepalived.conf (vrrp_instance and virtual_server) with the
 * three keywords that fail `keepalived -t` corrected as keepalived itself reads them: `lb_algo loadbalance`
 * is no scheduler (keepalived falls back to wlc, so wlc), `nat_mask` is gone since 1.2.20 and
 * `persistence_timeout 0` is out of range (omitted: no persistence, what 0 meant). The seed prepares
 * nothing else on the nodes: no VIP on lo, no ARP sysctls, no loop guard, no connection sync.
 * keepalived runs with the project's start command and container, without `--vrrp` (the seed runs VRRP
 * and checkers), so only the configuration differs.
 */
export function seedLvsEdge(label: string): LvsEdge {
  // keepalived's fallback for the seed's `lb_algo loadbalance`.
  const SEED_SCHEDULER = 'wlc';
  const base = synthesizeLvsEdge(label, false);
  const realServers = base.nodes
    .map(
      (n) => `    real_server ${n.address} ${base.webPort} {
        weight 1
        TCP_CHECK {
            connect_timeout 3
        }
    }
`,
    )
    .join('');
  const virtualServer = `
virtual_server ${base.vip} ${base.webPort} {
    delay_loop 6
    lb_algo ${SEED_SCHEDULER}
    lb_kind DR
    protocol TCP

${realServers}}
`;
  return {
    ...base,
    label,
    keepalivedConf: seedVrrpConf(base.vip, base.interfaceName) + virtualServer,
    // One file on every node: every node has priority 100.
    nodes: base.nodes.map((n) => ({ ...n, priority: 100 })),
    pod: { ...base.pod, args: base.pod.args.filter((a) => a !== '--vrrp') },
    hostPreparation: undefined,
    directs: true,
    labLoadsModules: ['ip_vs', `ip_vs_${SEED_SCHEDULER}`],
  };
}
