/**
 * VRRP only (this kernel has no IP_VS), everything from the real pod objects: keepalived and Traefik run on every
 * edge node as their pods, keepalived's ConfigMap from the API server. The VIP lands on exactly one node and
 * routes through Traefik, `npm run status` reads the edge through the real API server (its `kubectl exec` enters
 * the containers the suite runs), and a graceful stop of the holder's keepalived moves the VIP.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ipn, sleep } from '../../lab/sys';
import { Checks, expect } from '../checks';
import { BIN_DIR, E2E_DIR, E2eCluster, REPO_ROOT } from '../cluster';
import { waitUntil } from '../objects';
import { RunningContainer, runContainer } from '../pod-runner';
import { Synthesized } from '../variants';
import { curl, startTraefik, waitForPing } from './traefik';

function keepalivedPod(cluster: E2eCluster, s: Synthesized, node: string): any {
  const name = s.edge.keepalived.daemonSet.name;
  const pods = cluster.getJson(['-n', s.edge.namespace, 'pods']).items
    .filter((p: any) => p.spec.nodeName === node && p.metadata.ownerReferences?.some((o: any) => o.kind === 'DaemonSet' && o.name === name));
  if (pods.length !== 1) throw new Error(`expected one keepalived pod on ${node}, found ${pods.length}`);
  return pods[0];
}

/** Nodes whose interface holds the VIP now. */
function holders(cluster: E2eCluster, s: Synthesized): string[] {
  return s.edge.nodes.map((n) => n.name)
    .filter((n) => ipn(cluster.ns(n), ['-o', '-4', 'addr', 'show', 'dev', cluster.topology.interfaceName], true).includes(` inet ${s.props.virtualIp}/`));
}

export async function vrrpChecks(checks: Checks, cluster: E2eCluster, s: Synthesized, workDir: string): Promise<void> {
  const vip = s.props.virtualIp;
  const execDir = path.join(workDir, 'exec');
  fs.mkdirSync(execDir, { recursive: true });
  const traefik: Record<string, RunningContainer> = {};
  const keepalived: Record<string, RunningContainer> = {};
  const address = (node: string): string => cluster.topology.nodes.find((n) => n.name === node)!.address;
  try {
    await checks.check('keepalived and Traefik start on every edge node from their pod objects', async () => {
      for (const n of s.edge.nodes) {
        traefik[n.name] = startTraefik(cluster, s, n.name, workDir);
        await waitForPing(cluster, n.name, s, traefik[n.name]);
        const pod = keepalivedPod(cluster, s, n.name);
        keepalived[n.name] = runContainer(cluster, pod, 'keepalived', { nodeAddress: address(n.name), workDir });
        fs.writeFileSync(path.join(execDir, pod.metadata.name), String(keepalived[n.name].child.pid));
      }
      return `${s.edge.nodes.length} nodes, pods ${Object.values(keepalived).map((k) => k.pod).join(', ')}`;
    });
    await checks.check('the VIP is on exactly one edge node, the first in preference order', async () => {
      const { value, ms } = await waitUntil('one VIP holder', () => {
        for (const [n, k] of Object.entries(keepalived)) {
          if (k.child.exitCode !== null) throw new Error(`keepalived on ${n} exited: ${k.log().slice(-600)}`);
        }
        const h = holders(cluster, s);
        return h.length === 1 ? h : undefined;
      }, 20_000, 50);
      expect(value[0] === s.edge.nodes[0].name, `holder ${value[0]}`);
      return `${value[0]} holds ${vip} (${(ms / 1000).toFixed(1)} s after the last start)`;
    });
    await checks.check(`curl http://${vip}/ reaches the backend through the holder's Traefik`, async () => {
      await waitUntil('the route', () => (curl(cluster, [`http://${vip}/`]).stdout.startsWith('e2e-backend GET /') ? true : undefined), 30_000);
      return curl(cluster, [`http://${vip}/`]).stdout.trim();
    });
    const status = (...extra: string[]): { code: number; stdout: string; stderr: string } =>
      cluster.client(process.execPath, ['-r', require.resolve('@swc-node/register'), path.join(REPO_ROOT, 'scripts', 'status.ts'),
        '--app', path.join(E2E_DIR, 'apps', 'vrrp.ts'), ...extra], {
        cwd: REPO_ROOT, allowFail: true, timeoutMs: 60_000,
        env: { PATH: `${path.join(E2E_DIR, 'kubectl-exec')}:${process.env.PATH}`, E2E_REAL_KUBECTL: path.join(BIN_DIR, 'kubectl'), E2E_EXEC_DIR: execDir },
      });
    await checks.check('npm run status reads every node through the real API server and exits 0', () => {
      const r = status();
      expect(r.code === 0, `exit ${r.code}: ${r.stdout}${r.stderr}`);
      for (const n of s.edge.nodes) expect(r.stdout.includes(n.name), `no row for ${n.name}:\n${r.stdout}`);
      expect(r.stdout.includes(`VIP ${vip} is on ${s.edge.nodes[0].name}`), r.stdout);
      return r.stdout.trim();
    });
    await checks.check("a graceful stop of the holder's keepalived moves the VIP to the next node", async () => {
      // A backup takes the VIP over only after its vrrp_startup_delay (a cold-start guard): wait it out.
      const { ms: delays } = await waitUntil('the startup delays to end', () => {
        const view = JSON.parse(status('--json').stdout);
        return view.nodes.every((n: any) => n.startupDelayLeftS === 0) ? true : undefined;
      }, 60_000, 500);
      const first = s.edge.nodes[0].name;
      const stopped = Date.now();
      const stopping = keepalived[first].stop();
      const { value, ms } = await waitUntil('a new holder', () => {
        const h = holders(cluster, s);
        return h.length === 1 && h[0] !== first ? h[0] : undefined;
      }, 10_000, 10);
      await waitUntil('the route on the new holder',
        () => (curl(cluster, ['--max-time', '1', `http://${vip}/`]).stdout.startsWith('e2e-backend') ? true : undefined), 10_000, 20);
      const answeredMs = Date.now() - stopped;
      await stopping;
      expect(value === s.edge.nodes[1].name, `new holder ${value}`);
      return `${value} holds the VIP ${ms} ms after SIGTERM (startup delays over ${(delays / 1000).toFixed(1)} s after the status check); `
        + `a request answered through it ${answeredMs} ms after SIGTERM`;
    });
  } finally {
    await Promise.all([...Object.values(keepalived), ...Object.values(traefik)].map((c) => c.stop(3000)));
    await sleep(200);
  }
}
