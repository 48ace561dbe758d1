// The committed Helm chart (helm/cdk8s-edge-ingress, from `npm run synth:helm`): current, well-formed, and
// installable as written. Staleness is checked against an in-process synth finished by the same Chart.yaml and
// README code as the script (scripts/helm-chart.ts); the CLI itself runs twice, concurrently: once with main.ts
// (it must produce the committed chart) and once with a bad app (it must fail and leave the output alone).
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { createApp } from '../../main';
import { diffDirectories } from '../../scripts/diff-directories';
import { CHART_DIR, checkTemplates, finalizeChart, packageJson, traefikAppVersion } from '../../scripts/helm-chart';
import { REPO_ROOT } from '../support/paths';

const root = REPO_ROOT;
const templates = path.join(CHART_DIR, 'templates');
const version = packageJson().version;
const CLUSTER_SCOPED = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'IngressClass', 'PriorityClass'];

const temps: string[] = [];
function tempDir(): string {
  temps.push(fs.mkdtempSync(path.join(os.tmpdir(), 'edge-helm-')));
  return temps[temps.length - 1];
}
afterAll(() => temps.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runScript(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(root, 'scripts', 'synth-helm.ts'), ...args], {
      cwd: root,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('helm/cdk8s-edge-ingress', () => {
  test('is current (run `npm run synth:helm` after changing main.ts or lib/)', () => {
    const fresh = tempDir();
    process.env.CDK8S_OUTDIR = path.join(fresh, 'templates');
    try {
      createApp().app.synth();
    } finally {
      delete process.env.CDK8S_OUTDIR;
    }
    finalizeChart(fresh, version);
    expect(diffDirectories(fresh, CHART_DIR)).toEqual([]);
  });

  test('Chart.yaml: apiVersion v2, fixed name, package version, Traefik tag as appVersion, type application', () => {
    const chart = parse(fs.readFileSync(path.join(CHART_DIR, 'Chart.yaml'), 'utf-8'));
    const image = createApp().edge.traefik.image;
    expect(chart).toEqual({
      apiVersion: 'v2',
      name: 'cdk8s-edge-ingress',
      description: expect.stringContaining('keepalived'),
      type: 'application',
      version,
      appVersion: image.slice(image.lastIndexOf(':') + 1),
    });
  });

  test('templates/ are the plain manifests of dist/, byte for byte', () => {
    const dist = path.join(root, 'dist');
    expect(fs.readdirSync(templates).sort()).toEqual(
      fs
        .readdirSync(dist)
        .filter((f) => f.endsWith('.yaml'))
        .sort(),
    );
    for (const file of fs.readdirSync(templates)) {
      expect(fs.readFileSync(path.join(templates, file), 'utf-8')).toBe(fs.readFileSync(path.join(dist, file), 'utf-8'));
    }
  });

  test('nothing in the chart is a Helm template action, and every document is a named Kubernetes object', () => {
    for (const file of fs.readdirSync(templates)) {
      const text = fs.readFileSync(path.join(templates, file), 'utf-8');
      expect(text).not.toContain('{{');
      for (const doc of parseAllDocuments(text)) {
        expect(doc.errors).toEqual([]);
        const object = doc.toJS();
        expect(typeof object.apiVersion).toBe('string');
        expect(typeof object.kind).toBe('string');
        expect(typeof object.metadata.name).toBe('string');
        // `helm install --namespace` must not move anything: every namespaced object names its namespace.
        if (!CLUSTER_SCOPED.includes(object.kind))
          expect([object.kind, object.metadata.namespace]).toEqual([object.kind, expect.any(String)]);
      }
    }
    expect(fs.readdirSync(CHART_DIR).sort()).toEqual(['Chart.yaml', 'README.md', 'templates']);
  });
});

describe('scripts/helm-chart.ts', () => {
  function templatesWith(files: Record<string, string>): string {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  }

  test('rejects "{{" in a template, naming file and line, and an empty templates folder', () => {
    const dir = templatesWith({ 'a.k8s.yaml': 'kind: ConfigMap\ndata:\n  tpl: "{{ .Values.x }}"\n' });
    expect(() => checkTemplates(dir)).toThrow('templates/a.k8s.yaml:3 contains "{{"');
    expect(() => checkTemplates(templatesWith({}))).toThrow('the app wrote no manifests');
  });

  test('appVersion is the Traefik image tag (registry ports and digests handled), and there must be exactly one', () => {
    const ds = (image: string) =>
      `kind: DaemonSet\nspec:\n  template:\n    spec:\n      containers:\n        - name: t\n          image: ${image}\n`;
    expect(traefikAppVersion(templatesWith({ 'a.yaml': ds('registry.local:5000/mirror/traefik:v3.7.11@sha256:abc') }))).toBe('v3.7.11');
    expect(traefikAppVersion(templatesWith({ 'a.yaml': ds('traefik@sha256:abc') }))).toBe('sha256:abc');
    expect(() => traefikAppVersion(templatesWith({ 'a.yaml': ds('docker.io/osixia/keepalived:2.3.4') }))).toThrow('found none');
    expect(() => traefikAppVersion(templatesWith({ 'a.yaml': `${ds('traefik:v3.6.0')}---\n${ds('traefik:v3.7.11')}` }))).toThrow(
      'found v3.6.0, v3.7.11',
    );
  });
});

describe('npm run synth:helm (the cdk8s CLI)', () => {
  let good: Run;
  let bad: Run;
  let goodOut: string;
  let badOut: string;

  beforeAll(async () => {
    goodOut = path.join(tempDir(), 'chart');
    badOut = tempDir();
    fs.writeFileSync(path.join(badOut, 'Chart.yaml'), 'previous\n');
    [good, bad] = await Promise.all([
      runScript(['--out', goodOut]),
      runScript(['--app', path.join(root, 'test', 'fixtures', 'bad-app.ts'), '--out', badOut]),
    ]);
  }, 60_000);

  test('synthesizes main.ts into exactly the committed chart', () => {
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^wrote .*chart\/ \(chart \d+\.\d+\.\d+, appVersion v[\d.]+\)\n$/);
    expect(diffDirectories(CHART_DIR, goodOut)).toEqual([]);
  });

  test("a bad property fails with the app's message and leaves the previous chart untouched", () => {
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('helm synth failed: ');
    expect(bad.stderr).toContain('virtualRouterId 256 is outside 1-255');
    expect(bad.stderr).toContain('was left unchanged');
    expect(fs.readdirSync(badOut)).toEqual(['Chart.yaml']);
    expect(fs.readFileSync(path.join(badOut, 'Chart.yaml'), 'utf-8')).toBe('previous\n');
    expect(fs.readdirSync(path.dirname(badOut)).filter((name) => name.startsWith(`.${path.basename(badOut)}-tmp`))).toEqual([]);
  });
});
