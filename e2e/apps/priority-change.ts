// main.ts with the last node's VRRP priority raised from 50 to 60: a change of keepalived.conf only, for the
// e2e suite's `helm upgrade` (the pods must not be recreated).
import { App, Chart } from 'cdk8s';
import { EdgeIngress } from '../../lib';
import { seedEdgeProps } from '../../main';

export function createApp(): { app: App; edge: EdgeIngress } {
  const app = new App();
  const nodes = seedEdgeProps.nodes.map((n, i, all) => (i === all.length - 1 ? { ...n, priority: 60 } : n));
  const edge = new EdgeIngress(new Chart(app, 'edge-ingress'), 'Edge', { ...seedEdgeProps, nodes });
  return { app, edge };
}
