/**
 * The BusyBox keepalived image on the real nodes (bring-up.ts --daemonsets --keepalived-image busybox), after
 * daemonSetChecks saw both DaemonSets READY: every keepalived pod runs BusyBox as /bin/sh (no coreutils), and a
 * keepalived.conf change applied to the ConfigMap (the VRRP variant with the last node's priority raised, as
 * e2e/apps/priority-change.ts does for main.ts) is seen by the start command's reloader in every pod, without a
 * restart: its log line `config-reloader: reloaded revision <rev>` and its status file (read with `kubectl exec`).
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { sleep } from '../../lab/core/sys';
import { REVISION_LENGTH } from '../../lib/keepalived/pod/config-reloader';
import { Checks, expect } from '../checks';
import { E2eCluster } from '../cluster';
import { readManifests } from '../objects';
import { manifestFiles, Synthesized, synthesizeVariant } from '../variants';

/** How long a ConfigMap change may take to reach every pod: the kubelet's sync period (1 min) plus jitter. */
const RELOAD_TIMEOUT_MS = 150_000;

interface KeepalivedPod {
  readonly name: string;
  readonly node: string;
  readonly uid: string;
  readonly restarts: number;
}

function keepalivedPods(cluster: E2eCluster, namespace: string, daemonSet: string): KeepalivedPod[] {
  return cluster.getJson(['-n', namespace, 'pods', '-l', `app.kubernetes.io/instance=${daemonSet}`]).items.map((p: any) => ({
    name: p.metadata.name,
    node: p.spec.nodeName,
    uid: p.metadata.uid,
    restarts: (p.status.containerStatuses ?? []).reduce((n: number, c: any) => n + c.restartCount, 0),
  }));
}

/** The keepalived.conf a synthesized folder's ConfigMap holds. */
function keepalivedConf(dir: string, configMap: string): string {
  const cm = readManifests(manifestFiles(dir)).find((o) => o.kind === 'ConfigMap' && o.metadata.name === configMap);
  expect(cm?.data?.['keepalived.conf'], `no ConfigMap ${configMap} with keepalived.conf in ${dir}`);
  return cm.data['keepalived.conf'];
}

const revisionOf = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, REVISION_LENGTH);

export async function busyboxChecks(checks: Checks, cluster: E2eCluster, synthesized: Synthesized, workDir: string): Promise<void> {
  const ds = synthesized.edge.keepalived.daemonSet.toJson();
  const namespace: string = ds.metadata.namespace;
  const name: string = ds.metadata.name;
  const configMap = synthesized.edge.keepalived.configMap.name;
  const before = keepalivedPods(cluster, namespace, name);
  const exec = (pod: string, script: string) =>
    cluster.kubectl(['-n', namespace, 'exec', pod, '-c', 'keepalived', '--', '/bin/sh', '-c', script], { allowFail: true });

  await checks.check('every keepalived pod runs BusyBox as /bin/sh and sha256sum, without cksum (kubectl exec)', () => {
    const seen: string[] = [];
    for (const p of before) {
      // `busybox` alone prints its banner; the applets are hard links to it (one inode).
      const r = exec(
        p.name,
        '/bin/busybox 2>&1 | head -n 1; ls -i /bin/busybox /bin/sh /usr/bin/sha256sum; command -v cksum || echo "no cksum"',
      );
      expect(r.code === 0, `kubectl exec ${p.name}: exit ${r.code}: ${r.stderr.trim()}`);
      const lines = r.stdout.trim().split('\n');
      expect(/^BusyBox v/.test(lines[0]), `${p.name}: busybox prints ${JSON.stringify(r.stdout)} (stderr ${JSON.stringify(r.stderr)})`);
      const inodes = lines.slice(1, 4).map((l) => l.trim().split(/\s+/)[0]);
      expect(new Set(inodes).size === 1 && lines[4] === 'no cksum', `${p.name}: ${JSON.stringify(r.stdout)}`);
      seen.push(`${p.node}: ${lines[0]}`);
    }
    expect(before.length === cluster.edgeNodes.length, `${before.length} keepalived pods for ${cluster.edgeNodes.length} edge nodes`);
    return seen.join('\n');
  });

  const check = /^\s*script "([^"]+)"$/m.exec(synthesized.edge.keepalived.configText)?.[1];
  await checks.check(`the keepalived.conf's health check exits 0 in every keepalived pod (${check})`, () => {
    expect(check, 'no vrrp_script in the keepalived.conf');
    const seen: string[] = [];
    for (const p of before) {
      const r = exec(p.name, `${check}; echo "exit $?"`);
      const code = r.stdout.trim().split('\n').pop();
      expect(code === 'exit 0', `${p.name}: ${check} -> ${JSON.stringify(r.stdout + r.stderr)}`);
      seen.push(`${p.node}: ${code}`);
    }
    return seen.join(', ');
  });

  // The VRRP variant with the last node's priority raised: only keepalived.conf changes, not the pod template.
  const props = synthesized.props;
  const resolved = synthesized.edge.nodes;
  const nodes = props.nodes.map((n, i, all) => (i === all.length - 1 ? { ...n, priority: resolved[i].priority + 10 } : n));
  const changed = synthesizeVariant(
    { name: 'vrrp-priority', summary: 'vrrp with the last node at priority +10', crds: 'none', props: { ...props, nodes } },
    path.join(workDir, 'synth-vrrp-priority'),
  );
  const oldRevision = revisionOf(keepalivedConf(synthesized.dir, configMap));
  const newRevision = revisionOf(keepalivedConf(changed.dir, configMap));
  let applied = 0;
  await checks.check(`kubectl apply of a keepalived.conf change (revision ${oldRevision} -> ${newRevision})`, () => {
    expect(oldRevision !== newRevision, `the change left keepalived.conf at ${oldRevision}`);
    const files = manifestFiles(changed.dir);
    const out = cluster.kubectl(['apply', ...files.flatMap((f) => ['-f', f])], { timeoutMs: 120_000 }).stdout;
    applied = Date.now();
    const configured = out.split('\n').filter((l) => / configured$/.test(l));
    expect(configured.length === 1 && configured[0].includes(`configmap/${configMap} `), `expected only the ConfigMap to change:\n${out}`);
    return configured[0];
  });
  if (!applied) return;

  await checks.check(`the reloader in every keepalived pod logs "reloaded revision ${newRevision}"`, async () => {
    const seenAt = new Map<string, number>();
    const end = applied + RELOAD_TIMEOUT_MS;
    while (seenAt.size < before.length && Date.now() < end) {
      for (const p of before.filter((x) => !seenAt.has(x.name))) {
        const log = cluster.kubectl(['-n', namespace, 'logs', p.name, '-c', 'keepalived', '--tail=200'], { allowFail: true }).stdout;
        if (log.includes(`config-reloader: reloaded revision ${newRevision}`)) seenAt.set(p.name, Date.now() - applied);
      }
      await sleep(1000);
    }
    const missing = before.filter((p) => !seenAt.has(p.name));
    if (missing.length) {
      // What the pod sees: the mounted file's revision (did the kubelet update the volume?) and the container log.
      const p = missing[0];
      const mounted = exec(
        p.name,
        'sha256sum /etc/keepalived/config/keepalived.conf; kill -0 1; echo "kill -0 1: $?"; for d in /proc/[0-9]*; do ' +
          'echo "${d#/proc/} $(grep -E "^(State|PPid)" $d/status | tr "\\n\\t" "  ") exit_code=$(cut -d" " -f52 $d/stat) ' +
          '$(tr "\\0" " " <$d/cmdline | cut -c1-50)"; done',
      );
      // The shell's own messages: every line that is not one of keepalived's dated ones.
      const all = cluster.kubectl(['-n', namespace, 'logs', p.name, '-c', 'keepalived'], { allowFail: true }).stdout;
      const log = {
        stdout: all
          .split('\n')
          .filter((l) => !/^[A-Z][a-z]{2} [A-Z][a-z]{2} /.test(l))
          .join('\n'),
        stderr: '',
      };
      throw new Error(
        `no reload after ${RELOAD_TIMEOUT_MS / 1000} s in ${missing.map((m) => `${m.name} (${m.node})`).join(', ')}\n` +
          `${p.name}: ${mounted.stdout}${mounted.stderr}\nlog: ${log.stdout}${log.stderr}`,
      );
    }
    // The start command's own lines (not keepalived's dated ones) of one pod, as they read in the container log.
    const all = cluster.kubectl(['-n', namespace, 'logs', before[0].name, '-c', 'keepalived'], { allowFail: true }).stdout;
    const own = all.split('\n').filter((l) => l && !/^[A-Z][a-z]{2} [A-Z][a-z]{2} /.test(l));
    return [
      ...before.map((p) => `${p.node}: ${(seenAt.get(p.name)! / 1000).toFixed(1)} s after kubectl apply`),
      `${before[0].name} log: ${own.join(' | ')}`,
    ].join('\n');
  });

  await checks.check(`every status file says revision=${newRevision}, and no keepalived pod restarted`, () => {
    const seen: string[] = [];
    for (const p of before) {
      const r = exec(p.name, 'cat /run/keepalived/config-status');
      expect(r.code === 0, `kubectl exec ${p.name} cat: exit ${r.code}: ${r.stderr.trim()}`);
      expect(r.stdout.includes(`revision=${newRevision}\n`) && r.stdout.includes('rejected=\n'), `${p.name}: ${r.stdout.trim()}`);
      seen.push(`${p.node}: ${r.stdout.trim().split('\n').join(' ')}`);
    }
    const after = keepalivedPods(cluster, namespace, name);
    for (const p of before) {
      const now = after.find((a) => a.name === p.name);
      expect(now && now.uid === p.uid && now.restarts === p.restarts, `${p.name}: ${JSON.stringify(p)} is now ${JSON.stringify(now)}`);
    }
    return seen.join('\n');
  });
}
