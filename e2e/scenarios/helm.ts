/**
 * Helm, for real: `helm lint --strict` on the committed chart, `helm template` renders dist/'s objects, and
 * install, upgrade (a keepalived.conf change: no pod is recreated) and uninstall against the e2e API server.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { parseAllDocuments } from 'yaml';
import { Checks, expect } from '../checks';
import { BIN_DIR, E2E_DIR, E2eCluster, REPO_ROOT } from '../cluster';
import { exec } from '../exec';
import { daemonSetPods, describePods, readManifests, reapTerminatingPods, waitForDaemonSetPods, waitUntil } from '../objects';

const CHART = path.join(REPO_ROOT, 'helm', 'cdk8s-edge-ingress');
const RELEASE = 'edge-ingress';

function helm(cluster: E2eCluster, args: readonly string[]): { code: number; stdout: string; stderr: string } {
  return cluster.client(path.join(BIN_DIR, 'helm'), args, { timeoutMs: 180_000 });
}

/** Objects keyed by kind/namespace/name, without the comments Helm adds. */
function byKey(objects: readonly any[]): Map<string, any> {
  return new Map(objects.map((o) => [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
}

function podUids(cluster: E2eCluster, namespace: string): string[] {
  return cluster
    .getJson(['-n', namespace, 'pods'])
    .items.map((p: any) => p.metadata.uid)
    .sort();
}

export async function helmChecks(checks: Checks, cluster: E2eCluster, scratch: string): Promise<void> {
  const dist = readManifests([path.join(REPO_ROOT, 'dist', 'edge-ingress.k8s.yaml')]);
  const namespace = dist.find((o) => o.kind === 'DaemonSet').metadata.namespace;
  const edgeNodes = cluster.edgeNodes.map((n) => n.name);
  await checks.check('helm lint --strict passes on the committed chart', () => {
    const r = helm(cluster, ['lint', '--strict', CHART]);
    return (
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith('['))
        .join('; ') || 'no findings'
    );
  });
  await checks.check('helm template renders exactly the objects of dist/', () => {
    const rendered = parseAllDocuments(helm(cluster, ['template', RELEASE, CHART, '--namespace', namespace]).stdout)
      .map((d) => d.toJS())
      .filter((o) => o);
    const a = byKey(dist);
    const b = byKey(rendered);
    const differ = [...new Set([...a.keys(), ...b.keys()])].filter((k) => !isDeepStrictEqual(a.get(k), b.get(k)));
    expect(differ.length === 0, `differ: ${differ.join(', ')}`);
    return `${b.size} objects, identical`;
  });
  let uidsBefore: string[] = [];
  await checks.check('helm install creates the objects and the DaemonSet pods', async () => {
    const r = helm(cluster, ['install', RELEASE, CHART, '--namespace', namespace, '--wait=false']);
    expect(!/warning/i.test(r.stderr), r.stderr.trim());
    const pods = await waitForDaemonSetPods(cluster, namespace, edgeNodes);
    expect(pods.ok, describePods(pods.view));
    uidsBefore = podUids(cluster, namespace);
    return `${describePods(pods.view)}`;
  });
  await checks.check('helm upgrade with a keepalived.conf change updates the ConfigMap and recreates no pod', async () => {
    const upgraded = path.join(scratch, 'chart-priority-change');
    exec(
      process.execPath,
      [
        '-r',
        require.resolve('@swc-node/register'),
        path.join(REPO_ROOT, 'scripts', 'synth-helm.ts'),
        '--app',
        path.join(E2E_DIR, 'apps', 'priority-change.ts'),
        '--out',
        upgraded,
      ],
      { cwd: REPO_ROOT, timeoutMs: 180_000 },
    );
    const cm = readManifests([path.join(upgraded, 'templates', 'edge-ingress.k8s.yaml')]).find((o) => o.kind === 'ConfigMap');
    const generations = (): string =>
      cluster
        .getJson(['-n', namespace, 'daemonsets'])
        .items.map((d: any) => `${d.metadata.name}@${d.metadata.generation}`)
        .join(',');
    const genBefore = generations();
    helm(cluster, ['upgrade', RELEASE, upgraded, '--namespace', namespace, '--wait=false']);
    const live = cluster.getJson(['-n', namespace, 'configmap', cm.metadata.name]);
    expect(isDeepStrictEqual(live.data, cm.data), 'the live ConfigMap is not the upgraded one');
    await new Promise((r) => setTimeout(r, 3000));
    const uidsAfter = podUids(cluster, namespace);
    expect(isDeepStrictEqual(uidsAfter, uidsBefore), `pods changed: ${uidsBefore.length} before, ${uidsAfter.length} after`);
    expect(generations() === genBefore, `DaemonSet generations ${genBefore} -> ${generations()}`);
    return `ConfigMap ${cm.metadata.name} updated; the same ${uidsAfter.length} pods 3 s later; DaemonSets ${genBefore}`;
  });
  await checks.check('helm uninstall removes every object', async () => {
    helm(cluster, ['uninstall', RELEASE, '--namespace', namespace, '--wait=false']);
    const { ms } = await waitUntil(
      'objects removed',
      () => {
        reapTerminatingPods(cluster);
        const left = dist.filter(
          (o) =>
            cluster
              .kubectl([
                'get',
                ...(o.metadata.namespace ? ['-n', o.metadata.namespace] : []),
                o.kind,
                o.metadata.name,
                '--ignore-not-found',
                '-o',
                'name',
              ])
              .stdout.trim() !== '',
        );
        const pods = daemonSetPods(cluster, namespace).length;
        return left.length === 0 && pods === 0 ? true : undefined;
      },
      90_000,
      500,
    );
    return `${dist.length} objects gone (${(ms / 1000).toFixed(1)} s)`;
  });
  fs.rmSync(path.join(scratch, 'chart-priority-change'), { recursive: true, force: true });
}
