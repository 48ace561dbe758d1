import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { TraefikDaemonSet } from '../../lib';
import { canonicalQuantity } from '../../lib/quantity';

describe('canonicalQuantity', () => {
  test.each([
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1048576Ki', '1Gi'],
    ['256Mi', '256Mi'],
    ['2048Gi', '2Ti'],
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['100m', '100m'],
    ['0Mi', '0Mi'],
    ['1.5Gi', '1.5Gi'],
    ['2', '2'],
  ])('%s -> %s', (given, canonical) => {
    expect(canonicalQuantity(given)).toBe(canonical);
  });
});

describe('the Traefik DaemonSet is spelled as the API server stores it', () => {
  function daemonSet(resources?: kplus.ContainerResources): any {
    const chart = Testing.chart();
    new TraefikDaemonSet(chart, 'Traefik', { namespace: 'kube-system', resources });
    return Testing.synth(chart).find((m) => m.kind === 'DaemonSet');
  }

  test('no zero minReadySeconds and canonical default quantities', () => {
    const ds = daemonSet();
    expect(ds.spec).not.toHaveProperty('minReadySeconds');
    expect(ds.spec.template.spec.containers[0].resources).toEqual({
      limits: { memory: '1Gi' },
      requests: { cpu: '100m', memory: '256Mi' },
    });
  });

  test('user resources are canonicalized too', () => {
    const ds = daemonSet({
      cpu: { request: kplus.Cpu.millis(1000), limit: kplus.Cpu.millis(2500) },
      memory: { request: Size.gibibytes(2), limit: Size.mebibytes(3072) },
      ephemeralStorage: { limit: Size.gibibytes(1024) },
    });
    expect(ds.spec.template.spec.containers[0].resources).toEqual({
      limits: { cpu: '2500m', memory: '3Gi', 'ephemeral-storage': '1Ti' },
      requests: { cpu: '1', memory: '2Gi' },
    });
  });
});
