/**
 * Every RBAC grant the construct emits, proven by Traefik itself: the ClusterRole is replaced by one without that
 * resource, a fresh Traefik starts as its pod, and its log must show the refusal (`cannot <verb> resource "<r>"`).
 * A grant Traefik never misses is reported as unused.
 */
import { Checks, expect } from '../checks';
import { E2eCluster } from '../cluster';
import { sleep } from '../../lab/core/sys';
import { RunningContainer } from '../pod-runner';
import { Synthesized } from '../variants';
import { readManifests } from '../objects';
import { manifestFiles } from '../variants';
import { APPS_NAMESPACE, appObjects, startTraefik, waitForPing } from './traefik';

export interface Grant {
  readonly rule: number;
  readonly apiGroups: readonly string[];
  readonly resource: string;
}

/** Each resource of each rule, in the ClusterRole's order. */
export function grantsOf(clusterRole: any): Grant[] {
  return clusterRole.rules.flatMap((r: any, i: number) =>
    r.resources.map((resource: string) => ({ rule: i, apiGroups: r.apiGroups, resource })),
  );
}

/** The ClusterRole without one grant (a rule left with no resources is dropped). */
export function withoutGrant(clusterRole: any, g: Grant): any {
  const rules = clusterRole.rules
    .map((r: any, i: number) => (i === g.rule ? { ...r, resources: r.resources.filter((x: string) => x !== g.resource) } : r))
    .filter((r: any) => r.resources.length > 0);
  return { ...clusterRole, rules };
}

/**
 * Objects whose status Traefik writes, created anew before each probe: Traefik skips a status write when the
 * status already says what it computed, so only a fresh object shows whether it may write.
 */
function statusObjects(s: Synthesized, backendAddress: string): any[] {
  const objects: any[] = [...appObjects(s)];
  if (s.props.traefik?.gatewayApi) {
    const manifests = readManifests(manifestFiles(s.dir));
    const gatewayClass = manifests.find((o) => o.kind === 'GatewayClass');
    const gateway = manifests.find((o) => o.kind === 'Gateway');
    const parentRefs = [{ name: s.edge.traefik.name, namespace: s.edge.namespace }];
    const meta = (name: string): object => ({ name, namespace: APPS_NAMESPACE });
    objects.push(
      gatewayClass,
      gateway,
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'GRPCRoute',
        metadata: meta('backend-grpc'),
        spec: { parentRefs, rules: [{ backendRefs: [{ name: 'backend', port: 80 }] }] },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'TLSRoute',
        metadata: meta('backend-tls'),
        spec: { parentRefs, hostnames: ['tls.e2e.test'], rules: [{ backendRefs: [{ name: 'backend', port: 80 }] }] },
      },
      // A policy on a Service of its own, so the HTTP routes above stay plain HTTP.
      { apiVersion: 'v1', kind: 'Service', metadata: meta('backend-tls'), spec: { ports: [{ name: 'https', port: 443 }] } },
      // Traefik resolves the backend's endpoints before it looks at the policy; nothing needs to listen there.
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { ...meta('backend-tls-e2e'), labels: { 'kubernetes.io/service-name': 'backend-tls' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: [backendAddress], conditions: { ready: true } }],
        ports: [{ name: 'https', port: 8443, protocol: 'TCP' }],
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: meta('backend-tls'),
        spec: {
          parentRefs,
          rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/tls' } }], backendRefs: [{ name: 'backend-tls', port: 443 }] }],
        },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'BackendTLSPolicy',
        metadata: meta('backend-tls'),
        spec: {
          targetRefs: [{ group: '', kind: 'Service', name: 'backend-tls' }],
          validation: { hostname: 'backend.e2e.test', wellKnownCACertificates: 'System' },
        },
      },
    );
  }
  return objects;
}

async function recreate(cluster: E2eCluster, objects: readonly any[]): Promise<void> {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
  cluster.kubectl(['delete', '-f', '-', '--ignore-not-found', '--wait=true', '--timeout=30s'], { input: list, timeoutMs: 45_000 });
  cluster.kubectl(['create', '-f', '-'], { input: list });
}

/** Probes each grant of `only` (resource names; default every grant) and records one check per grant. */
export async function rbacChecks(
  checks: Checks,
  cluster: E2eCluster,
  label: string,
  s: Synthesized,
  clusterRole: any,
  workDir: string,
  only?: (g: Grant) => boolean,
): Promise<void> {
  const node = s.edge.nodes[0];
  const grants = grantsOf(clusterRole).filter((g) => !only || only(g));
  const objects = statusObjects(s, cluster.backendAddress);
  try {
    for (const g of grants) {
      const group = g.apiGroups
        .filter((x) => x !== 'extensions')
        .map((x) => x || 'core')
        .join(',');
      await checks.check(`${label}: Traefik needs ${g.resource} (${group})`, async () => {
        cluster.kubectl(['replace', '-f', '-'], { input: JSON.stringify(withoutGrant(clusterRole, g)) });
        await recreate(cluster, objects);
        let t: RunningContainer | undefined;
        try {
          t = startTraefik(cluster, s, node.name, workDir);
          await waitForPing(cluster, node.name, s, t);
          const pattern = `resource "${g.resource}"`;
          const start = Date.now();
          while (Date.now() - start < 10_000) {
            // client-go logs the message quoted, with its quotes escaped.
            const line = t
              .log()
              .replace(/\\"/g, '"')
              .split('\n')
              .find((l) => l.includes(pattern));
            if (line) {
              const m = /cannot (\w+) resource "[^"]+"/.exec(line);
              return `without it: ${m ? m[0] : 'forbidden'} (${((Date.now() - start) / 1000).toFixed(1)} s after /ping)`;
            }
            await sleep(200);
          }
          const other = t
            .log()
            .split('\n')
            .filter((l) => /forbidden/.test(l))
            .slice(0, 2);
          expect(false, `unused: no refusal in 10 s without it${other.length ? `; other refusals: ${other.join(' | ')}` : ''}`);
          return '';
        } finally {
          await t?.stop(500);
        }
      });
    }
  } finally {
    cluster.kubectl(['replace', '-f', '-'], { input: JSON.stringify(clusterRole) });
    // The routes and the GatewayClass stay (the caller removes them), the probe's own objects go.
    const own = objects.filter(
      (o) =>
        !appObjects(s).some((a: any) => a.kind === o.kind && a.metadata.name === o.metadata.name) &&
        o.kind !== 'GatewayClass' &&
        o.kind !== 'Gateway',
    );
    cluster.kubectl(['delete', '-f', '-', '--ignore-not-found'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: own }),
      allowFail: true,
    });
  }
}
