import { EdgeIngress } from './edge-ingress';

/**
 * A short, human-readable account of what was synthesized: the VIP, the nodes and which one is preferred,
 * the ports, the namespace, and the commands that label the nodes.
 */
export function describeEdge(edge: EdgeIngress): string {
  const config = edge.keepalivedConfig;
  const preferred = config.preferredMaster.name;
  const lines = [
    `VIP ${config.virtualIpAddresses.join(', ')} (VRRP v${config.version}, advert every ${config.advertIntervalSeconds} s)`,
    `namespace ${edge.namespace}`,
    'edge nodes (priority):',
    ...edge.nodes.map((node) =>
      `  ${node.name} ${node.address} (${node.priority})${node.name === preferred ? '  <- preferred master' : ''}`),
    `traefik: web :${edge.traefik.webPort}` +
      (edge.traefik.websecurePort !== undefined ? `, websecure :${edge.traefik.websecurePort}` : '') +
      `, admin 127.0.0.1:${edge.traefik.adminPort} (kubectl port-forward)` +
      (edge.traefik.metricsPort !== undefined ? `, metrics <node-ip>:${edge.traefik.metricsPort}/metrics` : ''),
    `load balancing: ${config.directRouting !== undefined ? 'LVS direct routing across all edge nodes' : 'none (VRRP only)'}`,
    'label the edge nodes:',
    ...edge.labelCommands().map((command) => `  ${command}`),
  ];
  return lines.join('\n') + '\n';
}
