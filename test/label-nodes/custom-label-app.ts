// Two edge nodes selected by a custom label, for the label-nodes tests.
import { App, Chart } from 'cdk8s';
import { EdgeIngress } from '../../lib';

export function createApp() {
  const app = new App();
  const chart = new Chart(app, 'edge');
  const edge = new EdgeIngress(chart, 'Edge', {
    nodes: [{ name: 'edge-a', address: '10.9.0.1' }, { name: 'edge-b.example.com', address: '10.9.0.2' }],
    virtualIp: '10.9.0.100',
    subnet: '10.9.0.0/24',
    nodeLabel: { key: 'example.com/edge', value: 'yes' },
  });
  return { app, edge };
}
