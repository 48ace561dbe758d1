/**
 * The real Traefik, as its pod runs it, against the real API server: a request to the VIP reaches a backend
 * through an Ingress (an IngressRoute, an HTTPRoute), the Ingress and Gateway report the VIP, /ping and the
 * metrics answer, HTTPS redirects and serves the default certificate, and Traefik's log has no error.
 */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { stripVTControlCharacters } from 'util';
import { ipn, run, track } from '../../lab/core/sys';
import { Checks, expect } from '../checks';
import { E2E_DIR, E2eCluster, REPO_ROOT } from '../cluster';
import { exec } from '../exec';
import { applyObjects, backendIngress, daemonSetPodOn, externalBackend, waitUntil } from '../objects';
import { RunningContainer, runContainer } from '../pod-runner';
import { DEFAULT_CERT_SECRET, Synthesized } from '../variants';

export const APPS_NAMESPACE = 'e2e-apps';
export const BACKEND_PORT = 8080;
/**
 * Error lines that are expected. The build here has no web UI assets (they are not in the module). And Traefik
 * writes an Ingress status from its informer's copy: a write right after another one (its own, or another
 * replica's) loses the resourceVersion race and is logged as an error; the next sync writes it again, and the
 * checks read the status itself.
 */
const EXPECTED_ERRORS = [/Error appending dashboard to API router/, /failed to update ingress status .* the object has been modified/];

export function curl(
  cluster: E2eCluster,
  args: readonly string[],
  ns = cluster.clientNs,
): { code: number; stdout: string; stderr: string } {
  return exec('ip', ['netns', 'exec', ns, 'curl', '-sS', '--max-time', '3', ...args], { allowFail: true, timeoutMs: 10_000 });
}

/** The backend HTTP server in its namespace, and the Service + EndpointSlice that point at it. */
export function startBackend(cluster: E2eCluster): ChildProcess {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      cluster.backendNs,
      process.execPath,
      '-r',
      require.resolve('@swc-node/register'),
      path.join(E2E_DIR, 'backend-server.ts'),
      String(BACKEND_PORT),
    ],
    { stdio: ['pipe', 'ignore', 'inherit'], cwd: REPO_ROOT },
  );
  track(child, false);
  cluster.kubectl(['create', 'namespace', APPS_NAMESPACE]);
  applyObjects(cluster, externalBackend(APPS_NAMESPACE, cluster.backendAddress, BACKEND_PORT));
  return child;
}

const DEFAULT_CERT_CN = 'edge-default.e2e.test';

/** A self-signed certificate in a kubernetes.io/tls Secret, the default certificate of the HTTPS variant. */
export function createDefaultCertificate(cluster: E2eCluster, namespace: string, dir: string): void {
  const key = path.join(dir, 'default-cert.key');
  const cert = path.join(dir, 'default-cert.crt');
  run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=${DEFAULT_CERT_CN}`,
  ]);
  cluster.kubectl(['-n', namespace, 'create', 'secret', 'tls', DEFAULT_CERT_SECRET, `--cert=${cert}`, `--key=${key}`]);
}

export function startTraefik(cluster: E2eCluster, s: Synthesized, node: string, workDir: string): RunningContainer {
  const address = cluster.topology.nodes.find((n) => n.name === node)!.address;
  const pod = daemonSetPodOn(cluster, s.edge.namespace, s.edge.traefik.daemonSet.name, node);
  return runContainer(cluster, pod, s.edge.traefik.daemonSet.containers[0].name, { nodeAddress: address, workDir });
}

/** Log lines that say something went wrong (level ERR/FTL/PNC, or an RBAC refusal), but the expected ones. */
export function troubleLines(log: string): string[] {
  // Traefik colours its console log even when it is not a terminal.
  return stripVTControlCharacters(log)
    .split('\n')
    .filter((l) => (/ (ERR|FTL|PNC) /.test(l) || /forbidden/i.test(l)) && !EXPECTED_ERRORS.some((re) => re.test(l)));
}

export async function waitForPing(cluster: E2eCluster, node: string, s: Synthesized, t: RunningContainer): Promise<number> {
  const url = new URL(s.edge.traefik.pingUrl);
  // Asked from the node itself, as the probes and keepalived's check do (the admin entrypoint is on loopback).
  const { ms } = await waitUntil(
    'Traefik /ping',
    () => {
      if (t.child.exitCode !== null) throw new Error(`Traefik exited ${t.child.exitCode}: ${t.log().slice(-800)}`);
      const r = exec(
        'ip',
        ['netns', 'exec', cluster.ns(node), 'curl', '-sS', '--max-time', '1', `http://${url.hostname}:${url.port}${url.pathname}`],
        { allowFail: true },
      );
      return r.code === 0 && r.stdout.trim() === 'OK' ? true : undefined;
    },
    30_000,
    100,
  );
  return ms;
}

/** The routes of a variant: an Ingress, and an IngressRoute or HTTPRoute when that provider is on. */
export function appObjects(s: Synthesized): object[] {
  const options = s.props.traefik ?? {};
  const objects: object[] = [backendIngress(APPS_NAMESPACE, s.edge.traefik.ingressClassName)];
  if (options.crdProvider) {
    objects.push({
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { name: 'backend-crd', namespace: APPS_NAMESPACE },
      spec: { entryPoints: ['web'], routes: [{ match: 'PathPrefix(`/crd`)', kind: 'Rule', services: [{ name: 'backend', port: 80 }] }] },
    });
  }
  if (options.gatewayApi) {
    objects.push({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'backend-gw', namespace: APPS_NAMESPACE },
      spec: {
        parentRefs: [{ name: s.edge.traefik.name, namespace: s.edge.namespace }],
        rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/gateway' } }], backendRefs: [{ name: 'backend', port: 80 }] }],
      },
    });
  }
  return objects;
}

export function applyList(cluster: E2eCluster, objects: readonly object[], verb: 'apply' | 'delete'): void {
  cluster.kubectl(verb === 'apply' ? ['apply', '-f', '-'] : ['delete', '-f', '-', '--ignore-not-found'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  });
}

/** Every Traefik check of one variant. Traefik runs on the first edge node, which holds the VIP. */
export async function traefikChecks(checks: Checks, cluster: E2eCluster, label: string, s: Synthesized, workDir: string): Promise<void> {
  const node = s.edge.nodes[0];
  const vip = s.props.virtualIp;
  const options = s.props.traefik ?? {};
  const traefik = s.edge.traefik;
  // With redirectToHttps every plain-HTTP route but the ACME path is a redirect: routes are checked over HTTPS.
  const base = options.redirectToHttps ? `https://${vip}:${traefik.websecurePort}` : `http://${vip}`;
  const hasRoute = (p: string, url = base): boolean => {
    const r = curl(cluster, ['-k', `${url}${p}`]);
    return r.code === 0 && r.stdout.startsWith(`e2e-backend GET ${p}`);
  };
  // Stand-in for keepalived (run by the labs): the VIP on the first node's interface.
  ipn(cluster.ns(node.name), ['addr', 'add', `${vip}/32`, 'dev', cluster.topology.interfaceName]);
  let t: RunningContainer | undefined;
  try {
    await checks.check(`${label}: Traefik starts as its pod (args, env, service-account token) and /ping answers`, async () => {
      t = startTraefik(cluster, s, node.name, workDir);
      const ms = await waitForPing(cluster, node.name, s, t);
      return `pod ${t.pod} on ${node.name}, /ping OK ${(ms / 1000).toFixed(1)} s after start`;
    });
    if (!t) return;
    await checks.check(`${label}: curl ${base}/ from the client reaches the backend through the Ingress`, async () => {
      const { ms } = await waitUntil('the Ingress route', () => (hasRoute('/') ? true : undefined), 30_000).catch((e) => {
        throw new Error(`${e.message}; Traefik's log ends:\n${t!.log().trim().split('\n').slice(-12).join('\n')}`);
      });
      return `answered ${(ms / 1000).toFixed(1)} s after /ping: ${curl(cluster, ['-k', `${base}/`]).stdout.trim()}`;
    });
    await checks.check(`${label}: the Ingress status reports the VIP`, async () => {
      const { value } = await waitUntil(
        'status.loadBalancer.ingress[0].ip',
        () => cluster.getJson(['-n', APPS_NAMESPACE, 'ingress', 'backend']).status?.loadBalancer?.ingress?.[0]?.ip,
        30_000,
      );
      expect(value === vip, `status ip ${value}`);
      return `status.loadBalancer.ingress[0].ip = ${value}`;
    });
    if (traefik.metricsPort !== undefined) {
      await checks.check(`${label}: metrics answer on ${node.address}:${traefik.metricsPort}`, () => {
        const r = curl(cluster, [`http://${node.address}:${traefik.metricsPort}/metrics`]);
        const lines = r.stdout.split('\n').filter((l) => l.startsWith('traefik_'));
        expect(r.code === 0 && lines.length > 0, `curl exit ${r.code}, ${lines.length} traefik_ lines: ${r.stderr.trim()}`);
        return `${lines.length} traefik_ samples`;
      });
    }
    if (options.redirectToHttps) {
      await checks.check(`${label}: plain HTTP is redirected (GET 301, POST 308), the ACME challenge path is not`, () => {
        const r = curl(cluster, ['-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', `http://${vip}/some/page`]);
        expect(r.stdout.startsWith('301 https://'), `GET: ${r.stdout}`);
        const post = curl(cluster, ['-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', `http://${vip}/some/page`]);
        expect(post.stdout === '308', `POST: ${post.stdout}`);
        const acme = '/.well-known/acme-challenge/e2e-token';
        expect(
          hasRoute(acme, `http://${vip}`),
          `ACME path: ${curl(cluster, ['-o', '/dev/null', '-w', '%{http_code}', `http://${vip}${acme}`]).stdout}`,
        );
        return `GET /some/page -> ${r.stdout}, POST -> 308; ${acme} -> backend`;
      });
      await checks.check(`${label}: HTTPS serves the default certificate from the Secret`, () => {
        const r = exec(
          'ip',
          [
            'netns',
            'exec',
            cluster.clientNs,
            'sh',
            '-c',
            `openssl s_client -connect ${vip}:${traefik.websecurePort} -servername unknown.example </dev/null 2>/dev/null` +
              ' | openssl x509 -noout -subject',
          ],
          { allowFail: true },
        );
        expect(r.stdout.replace(/\s/g, '').includes(`CN=${DEFAULT_CERT_CN}`), `certificate: ${r.stdout.trim() || r.stderr.trim()}`);
        const page = curl(cluster, ['-k', `https://${vip}:${traefik.websecurePort}/`]);
        expect(page.stdout.startsWith('e2e-backend GET /'), `https request: ${page.stdout}${page.stderr}`);
        return `${r.stdout.trim()}; https://${vip}/ reaches the backend`;
      });
    }
    if (options.crdProvider) {
      await checks.check(`${label}: an IngressRoute routes`, async () => {
        const { ms } = await waitUntil('the IngressRoute', () => (hasRoute('/crd') ? true : undefined), 30_000);
        return `/crd reaches the backend (${(ms / 1000).toFixed(1)} s)`;
      });
    }
    if (options.gatewayApi) {
      await checks.check(`${label}: an HTTPRoute routes and the Gateway reports the VIP`, async () => {
        const { ms } = await waitUntil('the HTTPRoute', () => (hasRoute('/gateway') ? true : undefined), 30_000);
        const { value } = await waitUntil(
          'Gateway status.addresses',
          () => cluster.getJson(['-n', s.edge.namespace, 'gateway', traefik.name]).status?.addresses?.[0]?.value,
          30_000,
        );
        expect(value === vip, `Gateway address ${value}`);
        return `/gateway reaches the backend (${(ms / 1000).toFixed(1)} s); Gateway status.addresses[0] = ${value}`;
      });
    }
    await checks.check(`${label}: Traefik's log has no error and no forbidden`, () => {
      const bad = troubleLines(t!.log());
      expect(bad.length === 0, bad.slice(0, 5).join('\n'));
      return `${t!.log().split('\n').length} log lines`;
    });
  } finally {
    await t?.stop(5000);
    ipn(cluster.ns(node.name), ['addr', 'del', `${vip}/32`, 'dev', cluster.topology.interfaceName], true);
  }
}
