// The npm package as users get it: `npm pack` of the jsii build that `npm test` made (prepack repeats that
// build when publishing; --ignore-scripts here so it runs once per test run), then the tarball installed into a
// throwaway cdk8s app whose code is the README's library example (test/fixtures/consumer-app/main.ts).
// Offline and fast: the tarball is extracted into node_modules by hand; ipaddr.js comes bundled inside it, and
// the peer dependencies are symlinked from this repository's node_modules (exactly those the packed
// package.json declares, so an undeclared runtime import fails here).
// Then what Construct Hub needs from the tarball: a valid .jsii assembly, README, LICENSE, keywords.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import * as ts from 'typescript';
import { loadAssemblyFromFile } from '@jsii/spec';
import { checkConventions, publicDeclarations } from './api-conventions';
import { requireFreshBuild, root } from './library-build';

const fixture = path.join(root, 'test', 'fixtures', 'consumer-app');

let work: string;
let consumer: string;
let pkgDir: string;
let files: string[];
let pkg: any;

function link(name: string): void {
  const target = path.join(consumer, 'node_modules', name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules', name), target, 'dir');
}

beforeAll(() => {
  requireFreshBuild();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-pack-'));
  const packed = spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--json', '--no-fund', '--no-audit'], {
    cwd: root,
    encoding: 'utf-8',
  });
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout);
  files = info.files.map((f: { path: string }) => f.path).sort();

  consumer = path.join(work, 'consumer');
  pkgDir = path.join(consumer, 'node_modules', 'cdk8s-edge-ingress');
  fs.mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(work, info.filename), '-C', pkgDir, '--strip-components=1']);
  pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf-8'));
  for (const name of Object.keys(pkg.peerDependencies)) link(name);
  for (const file of ['main.ts', 'https.ts', 'console.d.ts', 'tsconfig.json'])
    fs.copyFileSync(path.join(fixture, file), path.join(consumer, file));
}, 60_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  const shipped =
    'ships only the built library (build/lib with its shell scripts, build/imports), ' +
    'the .jsii assembly, bundled ipaddr.js, package.json, README and LICENSE';
  test(shipped, () => {
    const unexpected = files.filter(
      (f) =>
        !/^build\/(lib|imports)\/.+\.(js|d\.ts)$/.test(f) &&
        !/^build\/lib\/keepalived\/pod\/scripts\/[a-z-]+\.sh$/.test(f) &&
        !/^(package\.json|README\.md|LICENSE|\.jsii)$/.test(f) &&
        !f.startsWith('node_modules/ipaddr.js/'),
    );
    expect(unexpected).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'build/lib/index.js',
        'build/lib/index.d.ts',
        'build/imports/k8s.js',
        'build/imports/k8s.d.ts',
        'package.json',
        '.jsii',
        'README.md',
        'LICENSE',
        'node_modules/ipaddr.js/package.json',
        ...fs.readdirSync(path.join(root, 'lib', 'keepalived', 'pod', 'scripts')).map((f) => `build/lib/keepalived/pod/scripts/${f}`),
      ]),
    );
    for (const folder of ['test/', 'lab/', 'dist/', 'helm/', 'scripts/', 'docs/', 'lib/', 'build/test/', 'build/scripts/']) {
      expect(files.filter((f) => f.startsWith(folder))).toEqual([]);
    }
  });

  test('main and types point at files in the tarball; cdk8s, constructs and cdk8s-plus-27 are peers', () => {
    expect(files).toContain(pkg.main);
    expect(files).toContain(pkg.types);
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['cdk8s', 'cdk8s-plus-27', 'constructs']);
    expect(Object.keys(pkg.dependencies)).toEqual(['ipaddr.js']);
    // jsii packages may only depend on other jsii packages; plain npm libraries travel inside the tarball.
    expect(pkg.bundleDependencies).toEqual(['ipaddr.js']);
    // The repository pins the peers for its own build and tests.
    const own = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
    for (const peer of Object.keys(pkg.peerDependencies)) expect(own.devDependencies[peer]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('the shipped JavaScript only requires node builtins and declared dependencies', () => {
    const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }));
    const undeclared = new Set<string>();
    for (const file of files.filter((f) => f.startsWith('build/') && f.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(pkgDir, file), 'utf-8');
      for (const [, spec] of text.matchAll(/require\("([^".][^"]*)"\)/g)) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!declared.has(name) && !builtinModules.includes(name.replace(/^node:/, ''))) undeclared.add(`${file}: ${spec}`);
      }
    }
    expect([...undeclared]).toEqual([]);
  });

  test('the public API follows construct-library conventions', () => {
    const entry = path.join(pkgDir, pkg.types);
    const parse = (file: string) => ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.Latest, true);
    // Guards against a vacuous pass: the scan must see the main construct and its props.
    expect([...publicDeclarations(entry, parse).keys()]).toEqual(expect.arrayContaining(['EdgeIngress', 'EdgeIngressProps']));
    const violations = checkConventions(entry, pkgDir).map((v) => `${v.file} ${v.symbol}: ${v.rule}`);
    expect(violations).toEqual([]);
  });
});

describe('the README library example, compiled against the shipped .d.ts and run', () => {
  test('compiles with the `cdk8s init` tsconfig (no skipLibCheck, no @types/node) and synthesizes its own edge', () => {
    const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], {
      cwd: consumer,
      encoding: 'utf-8',
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    const outdir = path.join(consumer, 'dist');
    const run = spawnSync(process.execPath, [path.join(consumer, 'out', 'main.js')], {
      cwd: consumer,
      encoding: 'utf-8',
      env: { ...process.env, CDK8S_OUTDIR: outdir },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      'kubectl label nodes edge-a edgenode=true --overwrite',
      'kubectl label nodes edge-b edgenode=true --overwrite',
    ]);

    expect(fs.readdirSync(outdir)).toEqual(['edge.k8s.yaml']);
    const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, 'edge.k8s.yaml'), 'utf-8')).map((d) => d.toJS());
    const namespace = objects.find((o) => o.kind === 'Namespace');
    expect(namespace.metadata.name).toBe('edge');
    const daemonSets = objects.filter((o) => o.kind === 'DaemonSet');
    expect(daemonSets).toHaveLength(2);
    for (const ds of daemonSets) {
      expect(ds.metadata.namespace).toBe('edge');
      expect(ds.spec.template.spec.nodeSelector).toEqual({ edgenode: 'true' });
      expect(ds.spec.template.spec.hostNetwork).toBe(true);
    }
    const conf = objects
      .filter((o) => o.kind === 'ConfigMap')
      .flatMap((o) => Object.values(o.data ?? {}))
      .join('\n');
    expect(conf).toContain('virtual_router_id 52');
    expect(conf).toContain('192.168.10.50');
    expect(conf).toContain('eno1');
    expect(conf).toMatch(/192\.168\.10\.11/);
    expect(conf).toMatch(/192\.168\.10\.12/);
    expect(conf).not.toMatch(/172\.20\.0\./); // nothing of the repository's own topology leaks in
  }, 30_000);

  test('the README HTTPS example (https.ts) synthesizes: certificate, redirect, access log, metrics', () => {
    // Compiled by the test above (one tsconfig for both files).
    const outdir = path.join(consumer, 'dist-https');
    const run = spawnSync(process.execPath, [path.join(consumer, 'out', 'https.js')], {
      cwd: consumer,
      encoding: 'utf-8',
      env: { ...process.env, CDK8S_OUTDIR: outdir },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, 'edge-https.k8s.yaml'), 'utf-8')).map((d) => d.toJS());
    const traefik = objects.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'traefik-ingress-lb').spec.template;
    expect(traefik.spec.containers[0].args).toEqual(
      expect.arrayContaining([
        '--entryPoints.websecure.address=:443/tcp',
        '--entryPoints.websecure.http.tls=true',
        '--entryPoints.metrics.address=[$(HOST_IP)]:9101/tcp',
        '--providers.file.directory=/etc/traefik/dynamic',
        '--accesslog.format=json',
        '--accesslog.filters.statuscodes=400-599',
      ]),
    );
    expect(traefik.spec.volumes.find((v: any) => v.name === 'dynamic').projected.sources[1].secret.name).toBe('edge-tls');
    const dynamic = JSON.parse(
      objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'traefik-ingress-lb-dynamic').data['dynamic.yaml'],
    );
    expect(Object.keys(dynamic.http.routers)).toEqual(['redirect-to-websecure']);
    expect(dynamic.tls.stores.default.defaultCertificate.keyFile).toBe('/etc/traefik/dynamic/tls.key');
  }, 30_000);
});

describe('what Construct Hub needs from the tarball', () => {
  test('a .jsii assembly that is valid per the jsii spec and describes this package', () => {
    // loadAssemblyFromFile validates against @jsii/spec's JSON schema and throws on any violation.
    const assembly = loadAssemblyFromFile(path.join(pkgDir, '.jsii'), true);
    expect(assembly.schema).toBe('jsii/0.10.0');
    expect(assembly.name).toBe(pkg.name);
    expect(assembly.version).toBe(pkg.version);
    expect(assembly.license).toBe('Apache-2.0');
    expect(assembly.repository.url).toBe(pkg.repository.url);
    expect(assembly.author.name).toBe(pkg.author.name);
    expect(assembly.readme?.markdown).toBe(fs.readFileSync(path.join(pkgDir, 'README.md'), 'utf-8'));
    expect(assembly.bundled).toEqual({ 'ipaddr.js': pkg.dependencies['ipaddr.js'] });
    // The main construct, its props and the enums are in the type system the bindings are generated from;
    // the generated k8s API is the `k8s` submodule, as in cdk8s-plus.
    expect(Object.keys(assembly.types ?? {})).toEqual(
      expect.arrayContaining([
        'cdk8s-edge-ingress.EdgeIngress',
        'cdk8s-edge-ingress.EdgeIngressProps',
        'cdk8s-edge-ingress.VrrpVersion',
        'cdk8s-edge-ingress.LvsScheduler',
        'cdk8s-edge-ingress.KeepalivedPrivilege',
        'cdk8s-edge-ingress.k8s.Toleration',
      ]),
    );
    expect(Object.keys(assembly.submodules ?? {})).toEqual(['cdk8s-edge-ingress.k8s']);
    // Every language target Construct Hub renders, with the published package names.
    expect(assembly.targets).toEqual({
      js: { npm: 'cdk8s-edge-ingress' },
      python: { distName: 'cdk8s-edge-ingress', module: 'cdk8s_edge_ingress' },
      java: {
        package: 'io.github.cdk8s_edge_ingress',
        maven: { groupId: 'io.github.cdk8s-edge-ingress', artifactId: 'cdk8s-edge-ingress' },
      },
      dotnet: { namespace: 'Cdk8sEdgeIngress', packageId: 'Cdk8sEdgeIngress' },
      go: { moduleName: 'github.com/cdk8s-edge-ingress/cdk8s-edge-ingress-go' },
    });
  });

  test('every jsii dependency of the assembly is itself a jsii package (its .jsii is found)', () => {
    const assembly = loadAssemblyFromFile(path.join(pkgDir, '.jsii'), false);
    expect(Object.keys(assembly.dependencies ?? {}).sort()).toEqual(['cdk8s', 'cdk8s-plus-27', 'constructs']);
    for (const dependency of Object.keys(assembly.dependencies ?? {})) {
      expect(fs.existsSync(path.join(consumer, 'node_modules', dependency, '.jsii'))).toBe(true);
    }
  });

  test('package.json: cdk8s keyword, license, stability, author, repository, README and the LICENSE text', () => {
    // Construct Hub lists a package under cdk8s by its `cdk8s` keyword and takes only permissive licenses.
    expect(pkg.keywords).toContain('cdk8s');
    expect(pkg.license).toBe('Apache-2.0');
    expect(['experimental', 'stable', 'deprecated']).toContain(pkg.stability);
    expect(pkg.author.name).toBeTruthy();
    expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^https:\/\/.+\.git$/) });
    expect(fs.readFileSync(path.join(pkgDir, 'LICENSE'), 'utf-8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(fs.readFileSync(path.join(pkgDir, 'README.md'), 'utf-8')).toMatch(/^# cdk8s-edge-ingress/);
  });
});
