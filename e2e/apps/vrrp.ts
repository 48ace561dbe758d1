// The e2e suite's VRRP-only topology (main.ts without loadBalancing) as an app, for `npm run status -- --app`.
import { App, Chart } from 'cdk8s';
import { EdgeIngress } from '../../lib';
import { VARIANTS } from '../variants';

export function createApp(): { app: App; edge: EdgeIngress } {
  const app = new App();
  const edge = new EdgeIngress(new Chart(app, 'edge-ingress'), 'Edge', VARIANTS.find((v) => v.name === 'vrrp')!.props);
  return { app, edge };
}
