import { App, Chart } from 'cdk8s';
import { EdgeIngress, EdgeIngressProps, LvsScheduler } from './lib';

/**
 * The seed's edge, corrected: three edge nodes named by their IPs, VIP 172.20.0.119 on eth0 (a /17),
 * VRRP router id 51, LVS direct routing to every node's Traefik on port 80, Traefik admin on 8580.
 * Adapt this to your nodes, then `npm run synth`.
 */
export const seedEdgeProps: EdgeIngressProps = {
  nodes: [
    { name: '172.20.0.113', address: '172.20.0.113' },
    { name: '172.20.0.114', address: '172.20.0.114' },
    { name: '172.20.0.115', address: '172.20.0.115' },
  ],
  virtualIp: '172.20.0.119',
  subnet: '172.20.0.0/17',
  interface: 'eth0',
  virtualRouterId: 51,
  loadBalancing: { scheduler: LvsScheduler.MAGLEV_HASHING },
  traefik: { webPort: 80, adminPort: 8580 },
};

export function createApp(): { app: App; edge: EdgeIngress } {
  // No outdir here: `cdk8s synth` and `npm run synth` pass it through CDK8S_OUTDIR.
  const app = new App();
  const chart = new Chart(app, 'edge-ingress');
  const edge = new EdgeIngress(chart, 'Edge', seedEdgeProps);
  return { app, edge };
}

if (require.main === module) {
  createApp().app.synth();
}
