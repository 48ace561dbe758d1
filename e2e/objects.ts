/** Applying, reading and removing the synthesized objects on the e2e cluster. */
import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { sleep } from '../lab/core/sys';
import { ControlPlane } from './control-plane';

export interface ObjectRef {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

/** Every object of the manifest files, in file order. */
export function readManifests(files: readonly string[]): any[] {
  return files.flatMap((f) =>
    parseAllDocuments(fs.readFileSync(f, 'utf8'))
      .map((d) => d.toJS())
      .filter((o) => o),
  );
}

export function refOf(o: any): ObjectRef {
  return { kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace };
}

function refArgs(r: ObjectRef): string[] {
  return [...(r.namespace ? ['-n', r.namespace] : []), r.kind, r.name];
}

export interface LiveState {
  readonly resourceVersion: string;
  /** The object as stored, without resourceVersion, managedFields and status (what an apply can change). */
  readonly content: string;
}

/** resourceVersion and content of each object, by `kind/namespace/name`. */
export function liveStates(cluster: ControlPlane, objects: readonly any[]): Record<string, LiveState> {
  const out: Record<string, LiveState> = {};
  for (const o of objects) {
    const r = refOf(o);
    const live = cluster.getJson(refArgs(r));
    const { resourceVersion, managedFields: _managed, ...metadata } = live.metadata;
    const { status: _status, ...rest } = live;
    out[`${r.kind}/${r.namespace ?? ''}/${r.name}`] = { resourceVersion, content: JSON.stringify({ ...rest, metadata }) };
  }
  return out;
}

export interface DaemonSetPods {
  readonly daemonSet: string;
  /** Pods by node name. */
  readonly byNode: Record<string, string[]>;
}

/** The pods each DaemonSet owns, by node they are bound to. */
export function daemonSetPods(cluster: ControlPlane, namespace: string): DaemonSetPods[] {
  const pods = cluster.getJson(['-n', namespace, 'pods']).items.filter((p: any) => !p.metadata.deletionTimestamp);
  return cluster.getJson(['-n', namespace, 'daemonsets']).items.map((ds: any) => {
    const byNode: Record<string, string[]> = {};
    for (const p of pods) {
      if (!p.metadata.ownerReferences?.some((o: any) => o.uid === ds.metadata.uid)) continue;
      const node = p.spec.nodeName ?? '(unbound)';
      (byNode[node] ??= []).push(p.metadata.name);
    }
    return { daemonSet: ds.metadata.name, byNode };
  });
}

/**
 * Waits until every DaemonSet in `namespace` has exactly one bound pod on each of `nodes` and none elsewhere;
 * returns the last view either way.
 */
export async function waitForDaemonSetPods(
  cluster: ControlPlane,
  namespace: string,
  nodes: readonly string[],
  timeoutMs = 60_000,
): Promise<{ ok: boolean; view: DaemonSetPods[]; ms: number }> {
  const start = Date.now();
  let view: DaemonSetPods[] = [];
  const want = [...nodes].sort().join(',');
  while (Date.now() - start < timeoutMs) {
    view = daemonSetPods(cluster, namespace);
    const ok =
      view.length > 0 &&
      view.every((d) => Object.keys(d.byNode).sort().join(',') === want && Object.values(d.byNode).every((p) => p.length === 1));
    if (ok) return { ok, view, ms: Date.now() - start };
    await sleep(250);
  }
  return { ok: false, view, ms: Date.now() - start };
}

export function describePods(view: readonly DaemonSetPods[]): string {
  return view
    .map(
      (d) =>
        `${d.daemonSet}: ${
          Object.entries(d.byNode)
            .map(([n, p]) => `${n}=${p.length}`)
            .join(' ') || 'no pods'
        }`,
    )
    .join('; ');
}

/** The live pod that DaemonSet `daemonSet` bound to `node` (exactly one, or it throws). */
export function daemonSetPodOn(cluster: ControlPlane, namespace: string, daemonSet: string, node: string): any {
  const pods = cluster
    .getJson(['-n', namespace, 'pods'])
    .items.filter(
      (p: any) =>
        p.spec.nodeName === node &&
        !p.metadata.deletionTimestamp &&
        p.metadata.ownerReferences?.some((o: any) => o.kind === 'DaemonSet' && o.name === daemonSet),
    );
  if (pods.length !== 1) throw new Error(`expected one ${daemonSet} pod on ${node}, found ${pods.length}`);
  return pods[0];
}

/**
 * Stand-in for the kubelet's part in pod deletion: a pod on a node without kubelet stays Terminating, so
 * pods already marked for deletion are removed for good.
 */
export function reapTerminatingPods(cluster: ControlPlane): void {
  const pods = cluster.getJson(['pods', '-A']).items.filter((p: any) => p.metadata.deletionTimestamp);
  for (const p of pods) {
    cluster.kubectl(['-n', p.metadata.namespace, 'delete', 'pod', p.metadata.name, '--grace-period=0', '--force'], { allowFail: true });
  }
}

/** Deletes `objects` and waits until they (and their pods) are gone. */
export async function deleteObjects(cluster: ControlPlane, objects: readonly any[], timeoutMs = 90_000): Promise<void> {
  const refs = objects.map(refOf);
  for (const r of [...refs].reverse()) {
    cluster.kubectl(['delete', ...refArgs(r), '--wait=false', '--ignore-not-found'], { allowFail: true });
  }
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    reapTerminatingPods(cluster);
    const left = refs.filter((r) => cluster.kubectl(['get', ...refArgs(r), '--ignore-not-found', '-o', 'name']).stdout.trim() !== '');
    if (left.length === 0) return;
    await sleep(500);
  }
  throw new Error('objects still present after deletion');
}

/** Polls `fn` until it returns a value other than undefined. */
export async function waitUntil<T>(
  what: string,
  fn: () => T | undefined,
  timeoutMs: number,
  pollMs = 250,
): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  let lastError = '';
  while (Date.now() - start < timeoutMs) {
    try {
      const v = fn();
      if (v !== undefined) return { value: v, ms: Date.now() - start };
    } catch (error) {
      lastError = (error as Error).message;
    }
    await sleep(pollMs);
  }
  throw new Error(`${what}: not seen within ${timeoutMs / 1000} s${lastError ? ` (last error: ${lastError.slice(0, 300)})` : ''}`);
}

/** Service `backend` (port 80, no selector) and an EndpointSlice pointing at `address:port`: a target outside the pods. */
export function externalBackend(namespace: string, address: string, port: number): object[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'backend', namespace },
      spec: { ports: [{ name: 'http', port: 80, targetPort: port }] },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'backend-external', namespace, labels: { 'kubernetes.io/service-name': 'backend' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
      ports: [{ name: 'http', port, protocol: 'TCP' }],
    },
  ];
}

/** An Ingress `backend` of `ingressClassName` that sends every path to Service `backend` port 80. */
export function backendIngress(namespace: string, ingressClassName: string): object {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'backend', namespace },
    spec: {
      ingressClassName,
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'backend', port: { number: 80 } } } }] } }],
    },
  };
}

/** Applies objects as one List. */
export function applyObjects(cluster: ControlPlane, objects: readonly object[], serverSide = false): void {
  cluster.kubectl(['apply', ...(serverSide ? ['--server-side'] : []), '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  });
}
