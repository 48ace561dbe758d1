import { Testing } from 'cdk8s';
import { TraefikDaemonSet } from '../../../lib/traefik';
import { validateManifests } from '../../support/k8s-schema';

// Proves the validator catches real mistakes, using a synthesized Traefik
// DaemonSet as the starting point and breaking one thing at a time.

function traefikManifests(): any[] {
  const chart = Testing.chart();
  new TraefikDaemonSet(chart, 'Traefik', { namespace: 'kube-system', websecurePort: 443, metricsPort: 9101, crdProvider: true });
  return Testing.synth(chart);
}

/** A fresh synthesized DaemonSet, mutated by `mutate`, validated on its own. */
function validateBrokenDaemonSet(mutate: (ds: any) => void): string[] {
  const ds = traefikManifests().find((m) => m.kind === 'DaemonSet');
  mutate(ds);
  return validateManifests([ds]);
}

const DS = 'DaemonSet kube-system/traefik-ingress-lb';
const CONTAINER = '/spec/template/spec/containers/0';

describe('validateManifests', () => {
  test('accepts every synthesized Traefik object', () => {
    expect(validateManifests(traefikManifests())).toEqual([]);
  });

  test('rejects a port number given as a string', () => {
    expect(
      validateBrokenDaemonSet((ds) => {
        ds.spec.template.spec.containers[0].ports[0].containerPort = '80';
      }),
    ).toEqual([`${DS}: ${CONTAINER}/ports/0/containerPort must be integer`]);
  });

  test('rejects an int32 out of range', () => {
    expect(
      validateBrokenDaemonSet((ds) => {
        ds.spec.template.spec.containers[0].ports[0].hostPort = 2 ** 31;
      }),
    ).toEqual([`${DS}: ${CONTAINER}/ports/0/hostPort must match format "int32"`]);
  });

  test('rejects unknown fields at any depth', () => {
    expect(
      validateBrokenDaemonSet((ds) => {
        ds.spec.template.spec.hostNetwrok = true;
        ds.spec.template.spec.containers[0].securityContext.capabilities.added = ['NET_ADMIN'];
        ds.spec.updateStrategy.rollingUpdate.maxSurges = 0;
        ds.metadata.label = { a: 'b' };
      }),
    ).toEqual([
      `${DS}: /metadata has unknown field "label"`,
      `${DS}: /spec/template/spec has unknown field "hostNetwrok"`,
      `${DS}: ${CONTAINER}/securityContext/capabilities has unknown field "added"`,
      `${DS}: /spec/updateStrategy/rollingUpdate has unknown field "maxSurges"`,
    ]);
  });

  test('rejects a missing required field', () => {
    expect(
      validateBrokenDaemonSet((ds) => {
        delete ds.spec.template.spec.containers[0].name;
        delete ds.spec.selector;
      }),
    ).toEqual([`${DS}: /spec is missing required field "selector"`, `${DS}: ${CONTAINER} is missing required field "name"`]);
  });

  test('int-or-string accepts both forms and rejects anything else', () => {
    expect(
      validateBrokenDaemonSet((ds) => {
        ds.spec.updateStrategy.rollingUpdate = { maxUnavailable: '10%', maxSurge: 0 };
      }),
    ).toEqual([]);
    expect(
      validateBrokenDaemonSet((ds) => {
        ds.spec.updateStrategy.rollingUpdate.maxUnavailable = true;
      }),
    ).toEqual([`${DS}: /spec/updateStrategy/rollingUpdate/maxUnavailable must be string or integer`]);
  });

  test('maps stay open to any key but keep their value type', () => {
    expect(
      validateBrokenDaemonSet((ds) => {
        ds.metadata.annotations = { 'example.com/anything': 'x' };
        ds.spec.template.spec.nodeSelector = { 'node-role.kubernetes.io/edge': '' };
        ds.spec.template.spec.containers[0].resources = { limits: { memory: '1Gi', cpu: 2, 'example.com/gpu': '1' } };
      }),
    ).toEqual([]);
    expect(
      validateBrokenDaemonSet((ds) => {
        ds.spec.template.spec.nodeSelector = { edgenode: true };
      }),
    ).toEqual([`${DS}: /spec/template/spec/nodeSelector/edgenode must be string`]);
  });

  test('rejects a scalar where a list is expected', () => {
    expect(
      validateBrokenDaemonSet((ds) => {
        ds.spec.template.spec.containers[0].args = '--ping=true';
      }),
    ).toEqual([`${DS}: ${CONTAINER}/args must be array`]);
  });

  test('rejects a wrong type in RBAC rules', () => {
    const role = traefikManifests().find((m) => m.kind === 'ClusterRole');
    role.rules[0].verbs = 'get';
    expect(validateManifests([role])).toEqual(['ClusterRole traefik-ingress-lb-kube-system: /rules/0/verbs must be array']);
  });

  test('unknown kinds and API versions that 1.27 no longer serves are errors', () => {
    expect(
      validateManifests([
        { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 'r', namespace: 'n' } },
        { apiVersion: 'extensions/v1beta1', kind: 'DaemonSet', metadata: { name: 'seed' } },
      ]),
    ).toEqual([
      'IngressRoute n/r: unknown apiVersion/kind traefik.io/v1alpha1 IngressRoute (not in the Kubernetes 1.27 schema)',
      'DaemonSet seed: unknown apiVersion/kind extensions/v1beta1 DaemonSet (not in the Kubernetes 1.27 schema)',
    ]);
  });

  test('non-objects and objects without apiVersion/kind are errors', () => {
    expect(validateManifests([null, 'x', { kind: 'ConfigMap', metadata: { name: 'c' } }])).toEqual([
      'object #0: not a Kubernetes object (got null)',
      'object #1: not a Kubernetes object (got "x")',
      'ConfigMap c: apiVersion and kind must both be strings',
    ]);
  });

  test('errors from several objects are all reported', () => {
    const manifests = traefikManifests();
    manifests.find((m) => m.kind === 'ServiceAccount').automountServiceAccountToken = 'false';
    manifests.find((m) => m.kind === 'IngressClass').spec.controler = 'x';
    expect(validateManifests(manifests)).toEqual([
      'ServiceAccount kube-system/traefik-ingress-lb: /automountServiceAccountToken must be boolean',
      'IngressClass traefik: /spec has unknown field "controler"',
    ]);
  });
});
