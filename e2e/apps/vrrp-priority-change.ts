// The e2e suite's VRRP-only topology with the last node's VRRP priority raised from 50 to 60: a keepalived.conf
// change that keeps the first node the highest (so no election is due), for day 2 on real pods.
import { App, Chart } from 'cdk8s';
import { EdgeIngress, EdgeIngressProps } from '../../lib';
import { VARIANTS } from '../variants';

const vrrp = VARIANTS.find((v) => v.name === 'vrrp')!.props;

export const vrrpPriorityChangeProps: EdgeIngressProps = {
  ...vrrp,
  nodes: vrrp.nodes.map((n, i, all) => (i === all.length - 1 ? { ...n, priority: 60 } : n)),
};

export function createApp(): { app: App; edge: EdgeIngress } {
  const app = new App();
  const edge = new EdgeIngress(new Chart(app, 'edge-ingress'), 'Edge', vrrpPriorityChangeProps);
  return { app, edge };
}
