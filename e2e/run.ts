/**
 * `npm run e2e [-- --short|--full] [--out DIR | --write-results]`: the edge against real components. Builds (or reuses)
 * the pinned upstream tools, starts a real control plane in network namespaces, applies every topology, runs the
 * real Traefik as its pod, proves each RBAC grant, installs the Helm chart, and tears everything down.
 *
 * Exit status: 0 every check passed, 1 a check failed, 2 the suite could not run (missing tool, not root).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pickFreeAddress } from '../lab/core/addr';
import { EXIT_CANNOT_RUN, EXIT_MET, listOf, modeOf, outDirOf, parseLabArgs, runLabCli } from '../lab/core/cli';
import { concludeLab, writeResults } from '../lab/core/outcome';
import { preflightProblems, requireRunnable } from '../lab/core/preflight';
import { cleanupSync, installCleanupHandlers, listNamespaces, runPrefix, trackTempDir } from '../lab/core/sys';
import { Checks, expect } from './checks';
import { BIN_DIR, E2E_DIR, E2eCluster, REPO_ROOT } from './cluster';
import { exec } from './exec';
import { deleteObjects, readManifests } from './objects';
import { applyAndCheck, baselineNamespace } from './scenarios/apply';
import { helmChecks } from './scenarios/helm';
import { rbacChecks } from './scenarios/rbac';
import { vrrpChecks } from './scenarios/vrrp';
import { APPS_NAMESPACE, appObjects, applyList, createDefaultCertificate, startBackend, traefikChecks } from './scenarios/traefik';
import { synthesizeVariant, Synthesized, VARIANTS } from './variants';

const SECTIONS = ['dist', 'vrrp', 'namespaced', 'https', 'crd', 'gateway', 'helm', 'nodes'] as const;
const USAGE = `usage: npm run e2e -- [--short|--full] [--only ${SECTIONS.join(',')}] [--out DIR | --write-results]
  --short      what CI runs: every section, fewer RBAC probes of the variants; --full (default: --short) probes all
  --out DIR    results folder (default .lab-out/e2e-<mode>); --write-results: e2e/results, the run the docs quote`;
const RESULTS_DIR = path.join(E2E_DIR, 'results');
const TOOLS = ['ip', 'nsenter', 'unshare', 'setpriv', 'openssl', 'curl', 'go'];

interface E2eArgs {
  readonly mode: 'short' | 'full';
  readonly out: string;
  readonly only: ReadonlySet<string>;
}

/** The labs' command line (lab/core/cli.ts): the same flags, validation and exit codes. */
export function parseE2eArgs(argv: readonly string[]): E2eArgs {
  const values = parseLabArgs(argv, { only: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(EXIT_MET);
  }
  const mode = modeOf(values);
  return {
    mode,
    out: outDirOf(values, RESULTS_DIR, `e2e-${mode}`),
    only: new Set(listOf('only', values.only, SECTIONS, SECTIONS)),
  };
}

function preflight(): void {
  requireRunnable('e2e', preflightProblems({ commands: TOOLS }));
  const build = spawnSync(path.join(E2E_DIR, 'tools', 'build.sh'), [], { stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write('e2e: building the upstream tools failed\n');
    process.exit(EXIT_CANNOT_RUN);
  }
}

/** A module's folder in the Go module cache, at the version the Traefik wrapper resolved. */
function moduleDir(mod: string): string {
  return exec('go', ['list', '-m', '-f', '{{.Dir}}', mod], { cwd: path.join(E2E_DIR, 'tools', 'traefik') }).stdout.trim();
}

function crdFiles(kind: 'traefik' | 'gateway-api'): string[] {
  if (kind === 'traefik') {
    return [
      path.join(
        moduleDir('github.com/traefik/traefik/v3'),
        'docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml',
      ),
    ];
  }
  const dir = path.join(moduleDir('sigs.k8s.io/gateway-api'), 'config/crd/standard');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(dir, f));
}

function installCrds(cluster: E2eCluster, files: readonly string[]): string {
  // Server-side: these CRDs are larger than client-side apply's last-applied annotation allows.
  cluster.kubectl(['apply', '--server-side', ...files.flatMap((f) => ['-f', f])], { timeoutMs: 120_000 });
  cluster.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s'], { timeoutMs: 90_000 });
  return `${files.length} files`;
}

function versions(): string {
  const v = (bin: string, args: string[], re: RegExp): string =>
    re.exec(exec(path.join(BIN_DIR, bin), args, { allowFail: true }).stdout)?.[1] ?? '?';
  return [
    `Kubernetes ${v('kube-apiserver', ['--version'], /Kubernetes (\S+)/)}`,
    `etcd ${v('etcd', ['--version'], /etcd Version: (\S+)/)}`,
    `Traefik ${v('traefik', ['version'], /Version:\s+(\S+)/)}`,
    `Helm ${v('helm', ['version', '--short'], /^(v\S+)/)}`,
  ].join(', ');
}

async function main(): Promise<number> {
  const opts = parseE2eArgs(process.argv.slice(2));
  const short = opts.mode === 'short';
  preflight();
  installCleanupHandlers();
  const prefix = `${runPrefix()}e2e-`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `${runPrefix()}e2e-`));
  trackTempDir(work);
  const checks = new Checks();
  const started = Date.now();
  const dist = synthesizeVariant(VARIANTS[0], path.join(work, 'synth-dist'));
  const cluster = new E2eCluster(
    {
      nodes: [
        ...dist.edge.nodes.map((n) => ({ name: n.name, address: n.address, edge: true })),
        { name: 'worker-1', address: workerAddress(dist), edge: false },
      ],
      subnet: dist.props.subnet,
      interfaceName: dist.props.interface ?? 'eth0',
      reserved: [dist.props.virtualIp, ...(dist.props.additionalVirtualIps ?? [])],
    },
    { prefix, workDir: work },
  );
  process.stdout.write(`e2e: ${versions()}${short ? ' (short mode)' : ''}\n`);

  checks.section('Control plane and nodes');
  const up = await checks.check('etcd, kube-apiserver (RBAC, PodSecurity), controller manager and scheduler start', async () => {
    const t = Date.now();
    await cluster.start();
    return `ready in ${((Date.now() - t) / 1000).toFixed(1)} s at ${cluster.apiServer}`;
  });
  if (!up) return finish(checks, opts, started, cluster);
  await checks.check('the nodes register; npm run label-nodes -- --apply labels the edge nodes only', () => {
    cluster.registerNodes();
    const r = cluster.projectScript('label-nodes.ts', ['--apply']);
    const label = dist.edge.nodeLabel;
    const labelled = cluster
      .getJson(['nodes'])
      .items.filter((n: any) => n.metadata.labels?.[label.key] === label.value)
      .map((n: any) => n.metadata.name);
    expect(
      labelled.sort().join(',') ===
        cluster.edgeNodes
          .map((n) => n.name)
          .sort()
          .join(','),
      `labelled: ${labelled.join(', ')}`,
    );
    return `${r.stdout.trim().split('\n').length} label commands; ${label.key}=${label.value} on ${labelled.join(', ')}`;
  });
  startBackend(cluster);

  const scratch = path.join(work, 'scratch');
  fs.mkdirSync(scratch, { recursive: true });
  const clusterRoleOf = (s: Synthesized): any =>
    readManifests([path.join(s.dir, 'edge-ingress.k8s.yaml')]).find((o) => o.kind === 'ClusterRole');

  let applied;
  if (opts.only.has('dist')) {
    checks.section('dist/ (main.ts)');
    const distDir = path.join(REPO_ROOT, 'dist');
    applied = await applyAndCheck(checks, cluster, 'dist', distDir, false);
    const apps = appObjects(dist);
    applyList(cluster, apps, 'apply');
    await traefikChecks(checks, cluster, 'dist', dist, work);
    await rbacChecks(checks, cluster, 'dist', dist, clusterRoleOf(dist), work);
    applyList(cluster, apps, 'delete');
    await deleteObjects(cluster, applied.objects);
    applied = await applyAndCheck(checks, cluster, 'dist', distDir, true);
    await deleteObjects(cluster, applied.objects);
  }

  if (opts.only.has('vrrp')) {
    checks.section('VRRP only: the real keepalived and the real Traefik on every edge node');
    const s = synthesizeVariant(
      VARIANTS.find((v) => v.name === 'vrrp')!,
      path.join(work, 'synth-vrrp'),
    );
    applied = await applyAndCheck(checks, cluster, 'vrrp', s.dir, false);
    const apps = appObjects(s);
    applyList(cluster, apps, 'apply');
    await vrrpChecks(checks, cluster, s, work);
    applyList(cluster, apps, 'delete');
    await deleteObjects(cluster, applied.objects);
  }

  if (opts.only.has('namespaced')) {
    checks.section('A namespace of its own');
    const namespaced = synthesizeVariant(
      VARIANTS.find((v) => v.name === 'namespaced')!,
      path.join(work, 'synth-namespaced'),
    );
    for (const serverSide of [false, true]) {
      applied = await applyAndCheck(checks, cluster, 'namespace edge-system', namespaced.dir, serverSide);
      await deleteObjects(cluster, applied.objects);
    }
    await baselineNamespace(checks, cluster, namespaced.dir, scratch);
  }

  for (const name of ['https', 'crd', 'gateway'].filter((x) => opts.only.has(x))) {
    const v = VARIANTS.find((x) => x.name === name)!;
    checks.section(`Variant ${name}: ${v.summary}`);
    const s = synthesizeVariant(v, path.join(work, `synth-${name}`));
    if (v.crds !== 'none') {
      await checks.check(`${v.crds === 'traefik' ? "Traefik's CRDs" : 'Gateway API standard CRDs'} install`, () =>
        installCrds(cluster, crdFiles(v.crds as 'traefik' | 'gateway-api')),
      );
    }
    if (name === 'https') createDefaultCertificate(cluster, s.edge.namespace, scratch);
    applied = await applyAndCheck(checks, cluster, name, s.dir, false);
    const apps = appObjects(s);
    applyList(cluster, apps, 'apply');
    await traefikChecks(checks, cluster, name, s, work);
    if (!short && name !== 'https') {
      // The grants dist/ already proved are the same here; probe what the variant adds.
      const base = new Set(clusterRoleOf(dist).rules.flatMap((r: any) => r.resources as string[]));
      await rbacChecks(checks, cluster, name, s, clusterRoleOf(s), work, (g) => !base.has(g.resource));
    }
    applyList(cluster, apps, 'delete');
    await deleteObjects(cluster, applied.objects);
    applied = await applyAndCheck(checks, cluster, name, s.dir, true);
    await deleteObjects(cluster, applied.objects);
  }
  cluster.kubectl(['delete', 'namespace', APPS_NAMESPACE, '--wait=false'], { allowFail: true });

  if (opts.only.has('helm')) {
    checks.section('Helm');
    await helmChecks(checks, cluster, scratch);
  }
  if (opts.only.has('nodes')) {
    checks.section('Real kubelets and containerd (e2e/kubelet/bring-up.ts)');
    const realRuns = short ? 2 : 5;
    const title =
      'four real nodes Ready; kubectl -n kube-system get ds shows both DaemonSets 3/3/3 READY; one VIP holder; ' +
      `failover on the real pods (${realRuns} runs each) and day 2 (a priority change by kubectl apply, ` +
      'an image change by npm run rollout) meet their targets';
    await checks.check(title, () => {
      // A cluster of its own: its nodes are real kubelets, this suite's are registered by the harness.
      const r = spawnSync(
        process.execPath,
        [
          '-r',
          require.resolve('@swc-node/register'),
          path.join(E2E_DIR, 'kubelet', 'bring-up.ts'),
          '--daemonsets',
          '--failover',
          '--runs',
          String(realRuns),
          '--day2',
        ],
        {
          encoding: 'utf8',
          cwd: REPO_ROOT,
          timeout: 2_400_000,
        },
      );
      const lines = `${r.stdout}${r.stderr}`.split('\n');
      const summary = lines
        .filter((l) => /^(PASS|FAIL)|^ {6}\S|^real nodes/.test(l) && !l.includes('level='))
        .map((l) => (l.length > 2000 ? `${l.slice(0, 2000)}...` : l))
        .join('\n');
      expect(
        r.status === 0,
        `bring-up.ts exited ${r.status}:\n${lines
          .filter((l) => !l.includes('level='))
          .slice(-40)
          .join('\n')}`,
      );
      return summary;
    });
  }
  return finish(checks, opts, started, cluster);
}

/** A free address in the edge subnet for the worker (the cluster picks its own after it). */
function workerAddress(dist: Synthesized): string {
  const prefix = Number(dist.props.subnet.split('/')[1]);
  return pickFreeAddress(dist.props.virtualIp, prefix, [
    ...dist.edge.nodes.map((n) => n.address),
    ...(dist.props.additionalVirtualIps ?? []),
  ]);
}

async function finish(checks: Checks, opts: E2eArgs, started: number, cluster: E2eCluster): Promise<number> {
  cluster.stop();
  cleanupSync();
  const left = listNamespaces().filter((n) => n.startsWith(runPrefix()));
  const procs = spawnSync('pgrep', ['-f', BIN_DIR], { encoding: 'utf8' }).stdout.trim();
  checks.section('Teardown');
  await checks.check('no namespace and no process of the run is left', () => {
    expect(left.length === 0 && procs === '', `namespaces: ${left.join(', ') || 'none'}; processes: ${procs || 'none'}`);
    return 'none left';
  });
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  const md = checks.markdown(
    `e2e ${opts.mode} run`,
    `${versions()}. ${new Date().toISOString().slice(0, 10)}, ${minutes} min on ${os.cpus().length} cores. ` +
      `Reproduce: \`npm run e2e -- --${opts.mode}\`.`,
  );
  const targets = checks.targets();
  writeResults(opts.out, { mode: opts.mode, versions: versions(), minutes: Number(minutes), targets }, md, opts.mode);
  process.stdout.write(`\ne2e run took ${minutes} min; results in ${path.join(opts.out, `${opts.mode}.md`)}\n`);
  const failed = targets.filter((t) => t.status !== 'met');
  process.stdout.write(`e2e: ${targets.length - failed.length} of ${targets.length} checks passed\n`);
  // Every check is a target; only the failed ones are listed again, with what was seen.
  return concludeLab({ suite: 'e2e', targets: failed, errors: [] }, (line) => process.stdout.write(`${line}\n`));
}

runLabCli('e2e', USAGE, main);
