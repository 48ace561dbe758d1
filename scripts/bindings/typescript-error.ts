// The message the TypeScript app raises for a bad prop: main.ts's seed props with one value replaced, built the way
// createApp() builds them. The consumers must fail with this very text, so it is computed, never copied.
import { App, Chart } from 'cdk8s';
import { EdgeIngress, EdgeIngressProps } from '../../lib';
import { seedEdgeProps } from '../../main';

export function typescriptError(override: Partial<EdgeIngressProps>): string {
  try {
    new EdgeIngress(new Chart(new App(), 'edge-ingress'), 'Edge', { ...seedEdgeProps, ...override });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`the TypeScript app accepted ${JSON.stringify(override)}: no error to compare with`);
}
