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
  /** Stand-in Traefik HTTP port. */
  readonly webPort: number;
  /** Stand-in ping endpoint (keepalived's vrrp_script curls it on 127.0.0.1). */
  readonly pingPort: number;
  readonly pingPath: string;
  /** Exactly the DaemonSet's keepalived arguments. */
  keepalivedArgs(nodeName: string, paths: { configFile: string; runDir: string }): string[];
  /** Least-privilege capability set (run under setpriv); undefined = full root. */
  readonly capabilities?: string[];
}

/** Lab addressing shared by both variants (only ever assigned inside lab namespaces). */
export const LAB_NODES: LabNode[] = [
  { name: 'edge-1', address: '10.77.0.11', priority: 150 },
  { name: 'edge-2', address: '10.77.0.12', priority: 100 },
  { name: 'edge-3', address: '10.77.0.13', priority: 50 },
];
export const LAB_VIP = '10.77.0.100';
export const LAB_PREFIX = 24;
export const LAB_IFACE = 'eth0';
export const LAB_WEB_PORT = 80;
export const LAB_PING_PORT = 8080;
export const LAB_PING_PATH = '/ping';

/** Argument vector of the keepalived container (foreground, console logs, node name as config-id). */
function daemonSetArgs(nodeName: string, paths: { configFile: string; runDir: string }, vrrpOnly: boolean): string[] {
  return [
    '--dont-fork',
    '--log-console',
    '--log-detail',
    '--config-id', nodeName,
    '--use-file', paths.configFile,
    '--pid', `${paths.runDir}/keepalived.pid`,
    '--vrrp_pid', `${paths.runDir}/vrrp.pid`,
    '--checkers_pid', `${paths.runDir}/checkers.pid`,
    ...(vrrpOnly ? ['--vrrp'] : []),
  ];
}

/**
 * Hand-written stand-in for the synthesized ConfigMap (spirit of keepalived-examples/B-vrrp3-fast.conf).
 * TODO(lead): replace with a synthesis through the real constructs.
 */
export function projectDefaults(): EdgeUnderTest {
  const nodes = LAB_NODES;
  const perNode = (fn: (n: LabNode) => string) => nodes.map(fn).join('\n');
  const conf = `# keepalived.conf for all edge nodes (select lines with --config-id <node name>)
$VIP=${LAB_VIP}
$IFACE=${LAB_IFACE}

global_defs {
    router_id \${_INSTANCE}
    enable_script_security
    script_user root
    vrrp_version 3
    vrrp_check_unicast_src
    vrrp_garp_master_delay 1
    vrrp_garp_master_refresh 60
}

vrrp_script chk_traefik {
    script "/usr/bin/curl -fsS -o /dev/null --max-time 1 http://127.0.0.1:${LAB_PING_PORT}${LAB_PING_PATH}"
    interval 1
    timeout 1
    fall 2
    rise 2
}

vrrp_instance VI_EDGE {
    state BACKUP
    nopreempt
    interface \${IFACE}
    virtual_router_id 52
${perNode((n) => `    @${n.name} priority ${n.priority}`)}
    advert_int 0.2
${perNode((n) => `    @${n.name} unicast_src_ip ${n.address}`)}
    unicast_peer {
${perNode((n) => `        @^${n.name} ${n.address}`)}
    }
    unicast_fault_no_peer
    virtual_ipaddress {
        \${VIP}/32 dev \${IFACE}
    }
    track_script {
        chk_traefik
    }
}
`;
  return {
    label: 'project defaults',
    keepalivedConf: conf,
    nodes,
    vip: LAB_VIP,
    subnetPrefix: LAB_PREFIX,
    interfaceName: LAB_IFACE,
    webPort: LAB_WEB_PORT,
    pingPort: LAB_PING_PORT,
    pingPath: LAB_PING_PATH,
    keepalivedArgs: (nodeName, paths) => daemonSetArgs(nodeName, paths, true),
    capabilities: ['NET_ADMIN', 'NET_RAW', 'SETUID', 'SETGID'],
  };
}

/** The seed's VRRP settings on lab addresses. Stays hand-written: the constructs refuse to generate it. */
export function seedSettings(): EdgeUnderTest {
  const conf = `# seed settings: identical file on every node
global_defs {
    vrrp_version 2
}

vrrp_instance VI_1 {
    state MASTER
    interface ${LAB_IFACE}
    virtual_router_id 51
    priority 100
    advert_int 1
    virtual_ipaddress {
        ${LAB_VIP}/32 dev ${LAB_IFACE}
    }
}
`;
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
    keepalivedArgs: (nodeName, paths) => daemonSetArgs(nodeName, paths, true),
  };
}
