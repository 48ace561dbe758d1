/**
 * Applying for real: client-side and server-side `kubectl apply` of each topology with no warning, exactly one
 * pod per labelled edge node for each DaemonSet, none on the unlabelled node, and a second apply that changes
 * nothing. A namespace enforcing Pod Security `baseline` refuses the pods (FailedCreate), labelling it privileged
 * lets the DaemonSet controller create them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';
import { Checks, expect } from '../checks';
import { E2eCluster } from '../cluster';
import { deleteObjects, describePods, liveStates, readManifests, waitForDaemonSetPods, waitUntil } from '../objects';
import { manifestFiles } from '../variants';

export interface Applied {
  readonly files: string[];
  readonly objects: any[];
  readonly namespace: string;
}

/** `kubectl apply` (client-side or --server-side) of `files`; throws on any warning or error output. */
export function applyFiles(cluster: E2eCluster, files: readonly string[], serverSide: boolean): string {
  const r = cluster.kubectl(['apply', ...(serverSide ? ['--server-side'] : []), ...files.flatMap((f) => ['-f', f])], {
    timeoutMs: 120_000,
  });
  expect(r.stderr.trim() === '', `kubectl apply wrote to stderr: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Applies, checks the pods and the no-op second apply. */
export async function applyAndCheck(
  checks: Checks,
  cluster: E2eCluster,
  label: string,
  dir: string,
  serverSide: boolean,
): Promise<Applied> {
  const files = manifestFiles(dir);
  const objects = readManifests(files);
  const namespace = objects.find((o) => o.kind === 'DaemonSet').metadata.namespace;
  const mode = serverSide ? 'kubectl apply --server-side' : 'kubectl apply';
  const edgeNodes = cluster.edgeNodes.map((n) => n.name);
  await checks.check(`${label}: ${mode} succeeds with no warning`, () => {
    const out = applyFiles(cluster, files, serverSide);
    return `${out.trim().split('\n').length} objects`;
  });
  await checks.check(`${label}: one pod per DaemonSet on each labelled edge node, none on the worker`, async () => {
    const r = await waitForDaemonSetPods(cluster, namespace, edgeNodes);
    expect(r.ok, describePods(r.view));
    return `${describePods(r.view)} (bound ${(r.ms / 1000).toFixed(1)} s after apply)`;
  });
  await checks.check(`${label}: a second ${mode} is a no-op`, () => {
    const before = liveStates(cluster, objects);
    const out = applyFiles(cluster, files, serverSide);
    const after = liveStates(cluster, objects);
    const keys = Object.keys(before);
    const changed = keys.filter((k) => before[k].content !== after[k].content);
    expect(changed.length === 0, `changed: ${changed.join(', ')}`);
    // The API server stores a server-side apply of an unchanged custom resource again (same content, new
    // resourceVersion); built-in kinds must not move at all.
    const crdGroups = new Set(cluster.getJson(['customresourcedefinitions']).items.map((c: any) => c.spec.group));
    const custom = new Set(objects.filter((o) => crdGroups.has(o.apiVersion.split('/')[0])).map((o) => o.kind));
    const moved = keys.filter((k) => before[k].resourceVersion !== after[k].resourceVersion);
    const builtIn = moved.filter((k) => !custom.has(k.split('/')[0]));
    expect(builtIn.length === 0, `resourceVersion changed: ${builtIn.join(', ')}`);
    if (!serverSide) {
      const notUnchanged = out
        .trim()
        .split('\n')
        .filter((l) => !l.endsWith(' unchanged'));
      expect(notUnchanged.length === 0, `not unchanged: ${notUnchanged.join('; ')}`);
    }
    const movedNote = moved.length ? `; stored again with the same content: ${moved.join(', ')}` : ', no resourceVersion moved';
    return `${keys.length} objects, none changed${movedNote}`;
  });
  return { files, objects, namespace };
}

/**
 * The troubleshooting case: the topology's objects applied into a namespace that enforces Pod Security
 * `baseline`. Returns the FailedCreate event text.
 */
export async function baselineNamespace(checks: Checks, cluster: E2eCluster, dir: string, scratch: string): Promise<void> {
  const all = readManifests(manifestFiles(dir));
  const ns = all.find((o) => o.kind === 'Namespace').metadata.name;
  const objects = all.filter((o) => o.kind !== 'Namespace');
  const file = path.join(scratch, 'baseline.yaml');
  fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  cluster.kubectl(['create', 'namespace', ns]);
  cluster.kubectl(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=baseline']);
  await checks.check(`a namespace enforcing baseline: kubectl apply warns and the DaemonSets report FailedCreate`, async () => {
    const r = cluster.kubectl(['apply', '-f', file]);
    const warnings = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('Warning: would violate PodSecurity "baseline'));
    const daemonSets = objects.filter((o) => o.kind === 'DaemonSet').length;
    expect(warnings.length === daemonSets, `expected a warning per DaemonSet (${daemonSets}), got: ${r.stderr.trim()}`);
    const { value } = await waitUntil(
      'a FailedCreate event',
      () => {
        const events = cluster.getJson(['-n', ns, 'events', '--field-selector', 'reason=FailedCreate']).items;
        return events.length ? (events[0].message as string) : undefined;
      },
      30_000,
    );
    expect(/violates PodSecurity "baseline/.test(value), `unexpected event: ${value}`);
    const pods = cluster.getJson(['-n', ns, 'pods']).items.length;
    expect(pods === 0, `${pods} pods were created`);
    return `apply: ${warnings[0]}\nevent: ${value}`;
  });
  await checks.check('labelling that namespace privileged lets the DaemonSet controller create the pods', async () => {
    cluster.kubectl(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=privileged', '--overwrite']);
    const r = await waitForDaemonSetPods(
      cluster,
      ns,
      cluster.edgeNodes.map((n) => n.name),
      120_000,
    );
    expect(r.ok, describePods(r.view));
    return `${describePods(r.view)}, ${(r.ms / 1000).toFixed(1)} s after the label`;
  });
  await deleteObjects(cluster, all);
}
