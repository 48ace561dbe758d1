/**
 * Where keepalived finds its configuration and keeps its pid files.
 */
export interface KeepalivedRunPaths {
  /** The keepalived.conf to read. */
  readonly configFile: string;
  /** A directory private to this keepalived (pid files). */
  readonly runDir: string;
}

/**
 * The keepalived command-line arguments shared by the DaemonSet and the HA lab, so that what the lab
 * measures is exactly what the cluster runs.
 *
 * @param configId the node name: selects the `@<node>` lines of the shared keepalived.conf
 * @param vrrpOnly start only the VRRP process (no LVS checker process) when there are no virtual servers
 */
export function keepalivedArguments(configId: string, paths: KeepalivedRunPaths, vrrpOnly: boolean): string[] {
  return [
    // Foreground and console logging: the container runtime supervises and collects logs.
    '--dont-fork',
    '--log-console',
    '--log-detail',
    // An explicit config-id: the default is the hostname cut at its first dot, which breaks IP-named nodes.
    '--config-id', configId,
    '--use-file', paths.configFile,
    '--pid', `${paths.runDir}/keepalived.pid`,
    '--vrrp_pid', `${paths.runDir}/vrrp.pid`,
    '--checkers_pid', `${paths.runDir}/checkers.pid`,
    // With virtual servers: a graceful stop leaves the IPVS services in place, so the node goes on
    // directing the packets that clients still send it until they follow the new master's gratuitous ARP;
    // the start command releases them after the handover (see ipvs-handover.ts).
    ...(vrrpOnly ? ['--vrrp'] : ['--dont-release-ipvs']),
  ];
}
