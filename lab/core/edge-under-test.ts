/**
 * The contract between the HA lab and the thing it measures.
 *
 * Everything else under lab/ depends only on `EdgeUnderTest`, so the lead can swap the body of
 * `projectDefaults()` for a synthesis through the real constructs without touching the lab.
 */

export interface LabNode {
  readonly name: string;
  readonly address: string;
  readonly priority: number;
}

export interface EdgeUnderTest {
  /** 'project defaults' | 'seed settings' */
  readonly label: string;
  /** One file for all nodes (per-node lines via keepalived `@<node>` conditionals). */
  readonly keepalivedConf: string;
  readonly nodes: LabNode[];
  /** e.g. '10.77.0.100' */
  readonly vip: string;
  /** Prefix length of the node addresses, e.g. 24. */
  readonly subnetPrefix: number;
  /** 'eth0' inside each node namespace. */
  readonly interfaceName: string;
  /** Traefik's HTTP port on every node (and the VIP). */
  readonly webPort: number;
  /** Traefik's ping endpoint (keepalived's vrrp_script asks it on 127.0.0.1). */
  readonly pingPort: number;
  readonly pingPath: string;
  /** Exactly the DaemonSet's keepalived arguments. */
  keepalivedArgs(nodeName: string, paths: { configFile: string; runDir: string }): string[];
  /** Least-privilege capability set (run under setpriv); undefined = full root. */
  readonly capabilities?: string[];
}

import { keepalivedArguments } from '../../lib/keepalived/pod/keepalived-command';
import { LabTopology, synthesizeEdge } from './lab-topology';

/** Lab addressing shared by both variants (only ever assigned inside lab namespaces). */
// No priorities here: the project's come from EdgeIngress, the seed's are all 100.
export const LAB_NODES: { name: string; address: string }[] = [
  { name: 'edge-1', address: '10.77.0.11' },
  { name: 'edge-2', address: '10.77.0.12' },
  { name: 'edge-3', address: '10.77.0.13' },
];
export const LAB_VIP = '10.77.0.100';
export const LAB_PREFIX = 24;
export const LAB_IFACE = 'eth0';
export const LAB_WEB_PORT = 80;
export const LAB_PING_PORT = 8080;
export const LAB_PING_PATH = '/ping';

export const LAB_TOPOLOGY: LabTopology = {
  nodes: LAB_NODES,
  vip: LAB_VIP,
  subnet: `10.77.0.0/${LAB_PREFIX}`,
  interfaceName: LAB_IFACE,
  webPort: LAB_WEB_PORT,
  pingPort: LAB_PING_PORT,
};

/**
 * The project defaults exactly as shipped: the lab topology synthesized through EdgeIngress, with the
 * least-privilege keepalived container (see synthesized-edge.ts).
 */
export function projectDefaults(): EdgeUnderTest {
  return synthesizeEdge('project defaults', LAB_TOPOLOGY);
}

/** The seed's vrrp_instance on lab addresses, made to pass `keepalived -t`; the LVS lab appends its virtual_server. */
export function seedVrrpConf(vip: string = LAB_VIP, iface: string = LAB_IFACE): string {
  return `# seed settings: identical file on every node
global_defs {
    vrrp_version 2
}

vrrp_instance VI_1 {
    state MASTER
    interface ${iface}
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        ${vip}/32 dev ${iface}
    }
}
`;
}

/** The seed's VRRP settings on lab addresses. Stays hand-written: the constructs refuse to generate it. */
export function seedSettings(): EdgeUnderTest {
  const conf = seedVrrpConf();
  return {
    label: 'seed settings',
    keepalivedConf: conf,
    // Every node runs the same file, so every node has priority 100.
    nodes: LAB_NODES.map((n) => ({ ...n, priority: 100 })),
    vip: LAB_VIP,
    subnetPrefix: LAB_PREFIX,
    interfaceName: LAB_IFACE,
    webPort: LAB_WEB_PORT,
    pingPort: LAB_PING_PORT,
    pingPath: LAB_PING_PATH,
    // The same command line as the project's DaemonSet, so only the configuration differs.
    keepalivedArgs: (nodeName, paths) => keepalivedArguments(nodeName, paths, true),
  };
}
