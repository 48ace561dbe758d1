/**
 * The recipe's acceptance on real nodes: the edge nodes labelled by `npm run label-nodes -- --apply`, the
 * synthesized manifests applied with `kubectl apply`, and `kubectl -n <ns> get ds` read until every DaemonSet
 * is READY on every edge node: the real kubelets pulled nothing, ran the offline images, and passed the probes.
 */
import { ipn, sleep } from '../../lab/core/sys';
import { Checks, expect } from '../checks';
import { E2eCluster } from '../cluster';
import { readManifests } from '../objects';
import { ImageArchive } from '../images/oci-image';
import { manifestFiles, Synthesized } from '../variants';
import { RealNode } from './node';

export interface DaemonSetRow {
  readonly name: string;
  readonly desired: number;
  readonly current: number;
  readonly ready: number;
}

/** The DaemonSets' counts, as `kubectl get ds` prints them in its DESIRED, CURRENT and READY columns. */
export function daemonSetRows(list: any): DaemonSetRow[] {
  return (list.items ?? []).map((d: any) => ({
    name: d.metadata.name,
    desired: d.status?.desiredNumberScheduled ?? 0,
    current: d.status?.currentNumberScheduled ?? 0,
    ready: d.status?.numberReady ?? 0,
  }));
}

/** Whether every DaemonSet in `names` is fully READY on `want` nodes. */
export function allReady(rows: readonly DaemonSetRow[], names: readonly string[], want: number): boolean {
  return names.every((n) => {
    const r = rows.find((x) => x.name === n);
    return !!r && r.desired === want && r.current === want && r.ready === want;
  });
}

export async function daemonSetChecks(
  checks: Checks,
  cluster: E2eCluster,
  nodes: readonly RealNode[],
  synthesized: Synthesized,
  images: readonly ImageArchive[],
): Promise<void> {
  const edgeNames = cluster.edgeNodes.map((n) => n.name);
  const edge = nodes.filter((n) => edgeNames.includes(n.name));
  await checks.check(`the images are imported into every edge node's containerd under the names the manifests use`, () => {
    const t = Date.now();
    for (const n of edge) {
      const listed = n.importImages(images);
      const missing = images.filter((i) => !listed.includes(i.reference));
      expect(!missing.length, `${n.name} lacks ${missing.map((m) => m.reference).join(', ')}`);
    }
    return `${images.map((i) => i.reference).join(', ')} on ${edge.length} nodes in ${((Date.now() - t) / 1000).toFixed(1)} s`;
  });
  await checks.check('npm run label-nodes -- --apply labels the edge nodes, not the worker', () => {
    cluster.projectScript('label-nodes.ts', ['--apply']);
    const { key, value } = synthesized.edge.nodeLabel;
    const labelled = cluster
      .getJson(['nodes', '-l', `${key}=${value}`])
      .items.map((n: any) => n.metadata.name)
      .sort();
    expect(labelled.join(',') === [...edgeNames].sort().join(','), `labelled: ${labelled.join(', ') || 'none'}`);
    return `${key}=${value} on ${labelled.join(', ')}`;
  });
  const files = manifestFiles(synthesized.dir);
  const objects = readManifests(files);
  const daemonSets = objects.filter((o) => o.kind === 'DaemonSet');
  const namespace = daemonSets[0].metadata.namespace;
  const names = daemonSets.map((d) => d.metadata.name);
  let applied = 0;
  await checks.check('kubectl apply of the synthesized manifests', () => {
    const out = cluster.kubectl(['apply', ...files.flatMap((f) => ['-f', f])], { timeoutMs: 120_000 }).stdout;
    applied = Date.now();
    return `${out.trim().split('\n').length} objects`;
  });
  await checks.check(
    `kubectl -n ${namespace} get ds: ${names.join(' and ')} ${edge.length}/${edge.length}/${edge.length} READY`,
    async () => {
      const end = applied + 180_000;
      let rows: DaemonSetRow[] = [];
      while (Date.now() < end) {
        rows = daemonSetRows(cluster.getJson(['-n', namespace, 'ds']));
        if (allReady(rows, names, edge.length)) break;
        await sleep(250);
      }
      const table = cluster.kubectl(['-n', namespace, 'get', 'ds']).stdout.trim();
      if (!allReady(rows, names, edge.length)) {
        const pods = cluster.kubectl(['-n', namespace, 'get', 'pods', '-o', 'wide'], { allowFail: true }).stdout;
        const events = cluster.kubectl(['-n', namespace, 'get', 'events', '--sort-by=.lastTimestamp'], { allowFail: true }).stdout;
        throw new Error(`${table}\n${pods}\n${events.split('\n').slice(-25).join('\n')}`);
      }
      return `READY ${((Date.now() - applied) / 1000).toFixed(1)} s after kubectl apply\n${table}`;
    },
  );
  await vipCheck(checks, cluster, synthesized.props.virtualIp, applied);
}

/** The edge nodes whose interface holds `vip`. */
export function vipHolders(cluster: E2eCluster, vip: string): string[] {
  return cluster.edgeNodes
    .filter((n) => ipn(cluster.ns(n.name), ['-o', '-4', 'addr', 'show', 'dev', cluster.topology.interfaceName], true).includes(` ${vip}/`))
    .map((n) => n.name);
}

/** keepalived elects one holder once Traefik's health check passes on the nodes: the VIP must sit on exactly one. */
export async function vipCheck(checks: Checks, cluster: E2eCluster, vip: string, since: number): Promise<void> {
  await checks.check(`the VIP ${vip} is on exactly one edge node`, async () => {
    let holders: string[] = [];
    const end = Date.now() + 30_000;
    while (Date.now() < end) {
      holders = vipHolders(cluster, vip);
      if (holders.length === 1) break;
      await sleep(100);
    }
    expect(holders.length === 1, `holders: ${holders.join(', ') || 'none'}`);
    return `on ${holders[0]}, ${((Date.now() - since) / 1000).toFixed(1)} s after kubectl apply`;
  });
}
