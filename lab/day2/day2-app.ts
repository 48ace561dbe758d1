/**
 * The day-2 lab's edge as an app module (`createApp()`, like main.ts), so `npm run status -- --app lab/day2/day2-app.ts`
 * and `npm run rollout -- --app lab/day2/day2-app.ts` read the lab exactly as they read a cluster deployed from main.ts.
 * Project defaults on the lab's addresses, with the DaemonSet's least-privilege container.
 */
import { App, Chart } from 'cdk8s';
import { EdgeIngress, EdgeIngressProps, KeepalivedPrivilege } from '../../lib';
import { LAB_IFACE, LAB_NODES, LAB_PING_PORT, LAB_PREFIX, LAB_VIP, LAB_WEB_PORT } from '../core/edge-under-test';

/** A fourth lab node, added by the node-added scenario. */
export const LAB_EXTRA_NODE = { name: 'edge-4', address: '10.77.0.14' };

export function day2BaseProps(): EdgeIngressProps {
  return {
    nodes: LAB_NODES.map((n) => ({ ...n })),
    virtualIp: LAB_VIP,
    subnet: `10.77.0.0/${LAB_PREFIX}`,
    interface: LAB_IFACE,
    traefik: { webPort: LAB_WEB_PORT, adminPort: LAB_PING_PORT },
    keepalived: { privilege: KeepalivedPrivilege.LEAST_PRIVILEGE },
  };
}

export function createApp(): { app: App; edge: EdgeIngress } {
  const app = new App();
  const chart = new Chart(app, 'edge-lab');
  const edge = new EdgeIngress(chart, 'Edge', day2BaseProps());
  return { app, edge };
}
