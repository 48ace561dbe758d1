/**
 * VRRP only (this kernel has no IP_VS), everything from the real pod objects: the node agent runs keepalived and
 * Traefik on every edge node as their pods, keepalived's ConfigMap from the API server. The VIP lands on exactly
 * one node and routes through Traefik; `npm run status` reads the edge through the real API server (its
 * `kubectl exec` enters the containers the agent runs); `kubectl delete pod` of the holder's keepalived moves the
 * VIP; `npm run rollout -- --apply` after an image change restarts every pod with one VIP move.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { ipn, sleep, track } from '../../lab/core/sys';
import { Checks, expect } from '../checks';
import { BIN_DIR, E2E_DIR, E2eCluster, REPO_ROOT } from '../cluster';
import { daemonSetPodOn, waitUntil } from '../objects';
import { NodeAgent } from '../node-agent';
import { Synthesized } from '../variants';
import { curl, waitForPing } from './traefik';

/** Nodes whose interface holds the VIP now. */
function holders(cluster: E2eCluster, s: Synthesized): string[] {
  return s.edge.nodes
    .map((n) => n.name)
    .filter((n) =>
      ipn(cluster.ns(n), ['-o', '-4', 'addr', 'show', 'dev', cluster.topology.interfaceName], true).includes(` inet ${s.props.virtualIp}/`),
    );
}

/** Counts VIP moves (a different single holder than the last one) while it runs. */
function watchHolders(cluster: E2eCluster, s: Synthesized): { stop: () => { moves: number; holders: string[]; gapsMs: number } } {
  const seen: string[] = [];
  let gapStart: number | undefined;
  let gapsMs = 0;
  const timer = setInterval(() => {
    const h = holders(cluster, s);
    if (h.length === 1) {
      if (gapStart !== undefined) gapsMs += Date.now() - gapStart;
      gapStart = undefined;
      if (seen[seen.length - 1] !== h[0]) seen.push(h[0]);
    } else if (gapStart === undefined) {
      gapStart = Date.now();
    }
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      return { moves: Math.max(0, seen.length - 1), holders: seen, gapsMs };
    },
  };
}

export function runScript(
  cluster: E2eCluster,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      'nsenter',
      [
        `--net=/run/netns/${cluster.cpNs}`,
        '--',
        process.execPath,
        '-r',
        require.resolve('@swc-node/register'),
        path.join(REPO_ROOT, 'scripts', script),
        ...args,
      ],
      { cwd: REPO_ROOT, env: cluster.env(env), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    track(child, false);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

export async function vrrpChecks(checks: Checks, cluster: E2eCluster, s: Synthesized, workDir: string): Promise<void> {
  const vip = s.props.virtualIp;
  const ns = s.edge.namespace;
  const agent = new NodeAgent(cluster, ns, workDir, path.join(workDir, 'exec'));
  const shim = {
    PATH: `${path.join(E2E_DIR, 'kubectl-exec')}:${process.env.PATH}`,
    E2E_REAL_KUBECTL: path.join(BIN_DIR, 'kubectl'),
    E2E_EXEC_DIR: agent.execDir,
  };
  const appArgs = ['--app', path.join(E2E_DIR, 'apps', 'vrrp.ts')];
  const status = (...extra: string[]): { code: number; stdout: string; stderr: string } =>
    cluster.projectScript('status.ts', [...appArgs, ...extra], { allowFail: true, timeoutMs: 60_000, env: shim });
  const settled = async (): Promise<number> =>
    (
      await waitUntil(
        'every node healthy and out of its startup delay',
        () => {
          const r = status('--json');
          if (r.code !== 0) return undefined;
          const view = JSON.parse(r.stdout);
          return view.nodes.length === s.edge.nodes.length &&
            view.nodes.every((n: any) => n.startupDelayLeftS === 0 && n.traefikOk === true)
            ? true
            : undefined;
        },
        90_000,
        500,
      )
    ).ms;
  agent.start();
  try {
    await checks.check('the node agent starts keepalived and Traefik of every edge pod', async () => {
      for (const n of s.edge.nodes) {
        const pod = daemonSetPodOn(cluster, ns, s.edge.traefik.daemonSet.name, n.name).metadata.name;
        const { value: t } = await waitUntil(`Traefik on ${n.name}`, () => agent.running.get(pod)?.[0], 30_000);
        await waitForPing(cluster, n.name, s, t);
      }
      return `${agent.running.size} pods running: ${[...agent.running.keys()].join(', ')}`;
    });
    await checks.check('the VIP is on exactly one edge node, the first in preference order', async () => {
      const { value, ms } = await waitUntil(
        'one VIP holder',
        () => {
          const h = holders(cluster, s);
          return h.length === 1 ? h : undefined;
        },
        20_000,
        50,
      );
      expect(value[0] === s.edge.nodes[0].name, `holder ${value[0]}`);
      return `${value[0]} holds ${vip} (${(ms / 1000).toFixed(1)} s after Traefik answered everywhere)`;
    });
    await checks.check(`curl http://${vip}/ reaches the backend through the holder's Traefik`, async () => {
      await waitUntil(
        'the route',
        () => (curl(cluster, [`http://${vip}/`]).stdout.startsWith('e2e-backend GET /') ? true : undefined),
        30_000,
      );
      return curl(cluster, [`http://${vip}/`]).stdout.trim();
    });
    await checks.check('npm run status reads every node through the real API server and exits 0', () => {
      const r = status();
      expect(r.code === 0, `exit ${r.code}: ${r.stdout}${r.stderr}`);
      for (const n of s.edge.nodes) expect(r.stdout.includes(n.name), `no row for ${n.name}:\n${r.stdout}`);
      expect(r.stdout.includes(`VIP ${vip} is on ${s.edge.nodes[0].name}`), r.stdout);
      return r.stdout.trim();
    });
    await checks.check("kubectl delete pod of the holder's keepalived moves the VIP to the next node", async () => {
      // A backup takes the VIP over only after its vrrp_startup_delay (a cold-start guard): wait it out.
      const delays = await settled();
      const first = s.edge.nodes[0].name;
      const pod = daemonSetPodOn(cluster, ns, s.edge.keepalived.daemonSet.name, first).metadata.name;
      const deleted = Date.now();
      cluster.kubectl(['-n', ns, 'delete', 'pod', pod, '--wait=false']);
      const { value, ms } = await waitUntil(
        'a new holder',
        () => {
          const h = holders(cluster, s);
          return h.length === 1 && h[0] !== first ? h[0] : undefined;
        },
        20_000,
        10,
      );
      await waitUntil(
        'the route on the new holder',
        () => (curl(cluster, ['--max-time', '1', `http://${vip}/`]).stdout.startsWith('e2e-backend') ? true : undefined),
        10_000,
        20,
      );
      const answeredMs = Date.now() - deleted;
      expect(value === s.edge.nodes[1].name, `new holder ${value}`);
      return (
        `${value} holds the VIP ${ms} ms after the delete (the node agent sends SIGTERM on the next sync, within 0.25 s); ` +
        `a request answered through it after ${answeredMs} ms (startup delays had ended ${(delays / 1000).toFixed(1)} s before)`
      );
    });
    await checks.check(
      'npm run rollout -- --apply after a keepalived image change restarts every pod, holder last: one VIP move',
      async () => {
        await settled();
        const image: string = cluster.getJson(['-n', ns, 'daemonset', s.edge.keepalived.daemonSet.name]).spec.template.spec.containers[0]
          .image;
        const next = image.replace(/:[^:/@]+$/, ':2.3.4-e2e');
        cluster.kubectl(['-n', ns, 'set', 'image', `daemonset/${s.edge.keepalived.daemonSet.name}`, `keepalived=${next}`]);
        const watch = watchHolders(cluster, s);
        const r = await runScript(cluster, 'rollout.ts', ['--apply', ...appArgs, '--timeout', '120'], shim);
        const seen = watch.stop();
        expect(r.code === 0, `rollout exit ${r.code}: ${r.out}`);
        const pods = cluster.getJson(['-n', ns, 'pods']).items.filter((p: any) => p.spec.containers[0].name === 'keepalived');
        expect(
          pods.every((p: any) => p.spec.containers[0].image === next),
          'a pod still runs the old image',
        );
        expect(seen.moves === 1, `VIP moves: ${seen.moves} (${seen.holders.join(' -> ')})`);
        return (
          `${r.out
            .trim()
            .split('\n')
            .filter((l) => /^\[|done/.test(l))
            .join('; ')}; VIP ${seen.holders.join(' -> ')} (${seen.moves} move, ` + `${seen.gapsMs} ms without a single holder)`
        );
      },
    );
  } finally {
    await agent.stop();
    await sleep(200);
  }
}
