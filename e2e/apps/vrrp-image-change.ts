// The priority-changed VRRP topology (vrrp-priority-change.ts) with a second keepalived tag: what day 2 on real
// pods applies before `npm run rollout -- --apply --app` this module. The tag names the same offline image.
import { App, Chart } from 'cdk8s';
import { EdgeIngress, EdgeIngressProps } from '../../lib';
import { vrrpPriorityChangeProps } from './vrrp-priority-change';

export const NEXT_KEEPALIVED_IMAGE = 'docker.io/osixia/keepalived:2.3.4-day2';

export const vrrpImageChangeProps: EdgeIngressProps = {
  ...vrrpPriorityChangeProps,
  keepalived: { ...vrrpPriorityChangeProps.keepalived, image: NEXT_KEEPALIVED_IMAGE },
};

export function createApp(): { app: App; edge: EdgeIngress } {
  const app = new App();
  const edge = new EdgeIngress(new Chart(app, 'edge-ingress'), 'Edge', vrrpImageChangeProps);
  return { app, edge };
}
