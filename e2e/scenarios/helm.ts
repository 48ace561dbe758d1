/**
 * Helm, for real: `helm lint --strict` on the committed chart, `helm template` with default values renders
 * dist/'s objects (plus Helm's labels), and against the e2e API server: install with default values, upgrade
 * with a keepalived.conf change (no pod is recreated), upgrade with changed values (Traefik starts rolling to the new
 * image and log level; keepalived, OnDelete, gets the new template but keeps its pods), uninstall.
 * The chart's values and checks in detail: test/scripts/helm/chart-with-helm.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { parseAllDocuments } from 'yaml';
import { Checks, expect } from '../checks';
import { BIN_DIR, E2E_DIR, E2eCluster, REPO_ROOT } from '../cluster';
import { exec } from '../exec';
import { HELM_LABELS } from '../../scripts/helm/chart-templates';
import { daemonSetPods, describePods, readManifests, reapTerminatingPods, waitForDaemonSetPods, waitUntil } from '../objects';

const CHART = path.join(REPO_ROOT, 'helm', 'cdk8s-edge-ingress');
const RELEASE = 'edge-ingress';

function helm(cluster: E2eCluster, args: readonly string[]): { code: number; stdout: string; stderr: string } {
  return cluster.client(path.join(BIN_DIR, 'helm'), args, { timeoutMs: 180_000 });
}

/** Objects keyed by kind/namespace/name, without the labels Helm's conventions set on each object. */
function byKey(objects: readonly any[]): Map<string, any> {
  return new Map(
    objects.map((o) => {
      const labels = { ...o.metadata.labels };
      for (const label of HELM_LABELS) delete labels[label];
      return [`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, { ...o, metadata: { ...o.metadata, labels } }];
    }),
  );
}

function podsOf(cluster: E2eCluster, namespace: string, name: string): any[] {
  return cluster.getJson(['-n', namespace, 'pods', '-l', `app.kubernetes.io/name=${name}`]).items;
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
  await checks.check("helm template with default values renders exactly the objects of dist/ but for Helm's labels", () => {
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
  await checks.check('helm install with default values creates the objects and the DaemonSet pods', async () => {
    const r = helm(cluster, ['install', RELEASE, CHART, '--namespace', namespace, '--wait=false']);
    expect(r.code === 0, r.stderr.trim());
    expect(!/warning/i.test(r.stderr), r.stderr.trim());
    expect(r.stdout.includes('kubectl label nodes'), 'NOTES.txt with the label commands was not printed');
    const live = cluster.getJson(['-n', namespace, 'daemonsets']).items;
    expect(
      live.every((d: any) => d.metadata.labels['app.kubernetes.io/managed-by'] === 'Helm' && d.metadata.labels['helm.sh/chart']),
      "the DaemonSets lack Helm's labels",
    );
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
    const cm = parseAllDocuments(helm(cluster, ['template', RELEASE, upgraded, '--namespace', namespace]).stdout)
      .map((d) => d.toJS())
      .find((o) => o?.kind === 'ConfigMap');
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
  await checks.check(
    'helm upgrade with changed values: Traefik starts rolling to the new image and log level, keepalived (OnDelete) keeps its pods',
    async () => {
      const keepalivedBefore = podsOf(cluster, namespace, 'keepalived')
        .map((p) => p.metadata.uid)
        .sort();
      // Any tag of the repository: the e2e image stand-in is chosen by repository.
      const tag = 'v3.7.11-e2e';
      const r = helm(cluster, [
        'upgrade',
        RELEASE,
        path.join(scratch, 'chart-priority-change'),
        '--namespace',
        namespace,
        '--wait=false',
        '--set',
        `traefik.image.tag=${tag},traefik.logLevel=DEBUG,keepalived.resources.limits.memory=96Mi`,
      ]);
      expect(r.code === 0, r.stderr.trim());
      const traefik = cluster.getJson(['-n', namespace, 'daemonset', 'traefik-ingress-lb']).spec.template.spec.containers[0];
      expect(traefik.image === `docker.io/traefik:${tag}`, `the Traefik DaemonSet runs ${traefik.image}`);
      expect(traefik.args.includes('--log.level=DEBUG'), 'the Traefik DaemonSet has no --log.level=DEBUG');
      // maxUnavailable 1: the DaemonSet controller replaces one node's pod and waits for it to become ready before
      // the next, which needs a kubelet (the e2e nodes have none); the first replacement shows the rollout started.
      const { ms } = await waitUntil(
        'a Traefik pod with the new image and log level',
        () => {
          reapTerminatingPods(cluster);
          const rolled = podsOf(cluster, namespace, 'traefik').filter(
            (p) =>
              !p.metadata.deletionTimestamp &&
              p.spec.containers[0].image === `docker.io/traefik:${tag}` &&
              p.spec.containers[0].args.includes('--log.level=DEBUG'),
          );
          return rolled.length > 0 ? rolled[0].spec.nodeName : undefined;
        },
        90_000,
        500,
      );
      const keepalived = cluster.getJson(['-n', namespace, 'daemonset', 'keepalived']);
      const memory = keepalived.spec.template.spec.containers[0].resources.limits.memory;
      expect(memory === '96Mi', `keepalived's template has memory limit ${memory}`);
      const keepalivedAfter = podsOf(cluster, namespace, 'keepalived')
        .map((p) => p.metadata.uid)
        .sort();
      expect(isDeepStrictEqual(keepalivedAfter, keepalivedBefore), 'keepalived pods were recreated (OnDelete)');
      return (
        `Traefik DaemonSet on ${tag} with --log.level=DEBUG, first new pod after ${(ms / 1000).toFixed(1)} s; ` +
        `keepalived template 96Mi, the same ${keepalivedAfter.length} pods`
      );
    },
  );
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
