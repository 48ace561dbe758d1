// The committed Helm chart (helm/cdk8s-edge-ingress, from `npm run synth:helm`): current and well-formed, its
// values.yaml valid for its schema (ajv). Staleness is checked against an in-process synth finished by the same
// code as the script (scripts/helm-chart.ts); the CLI itself runs twice, concurrently: once with main.ts (it must
// produce the committed chart) and once with a bad app (it must fail and leave the output alone). What Helm
// itself makes of the chart is in helm/chart-with-helm.test.ts.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { createApp } from '../../main';
import { diffDirectories } from '../../scripts/diff-directories';
import Ajv from 'ajv';
import {
  CHART_DIR,
  chartValuesTable,
  checkTemplates,
  finalizeChart,
  packageJson,
  README_TABLE_BEGIN,
  README_TABLE_END,
  traefikAppVersion,
  withValuesTable,
} from '../../scripts/helm-chart';
import { escapeTemplateDelimiters } from '../../scripts/helm/templater';
import { REPO_ROOT } from '../support/paths';

const root = REPO_ROOT;
const templates = path.join(CHART_DIR, 'templates');
const version = packageJson().version;

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
    let edge;
    try {
      const app = createApp();
      app.app.synth();
      edge = app.edge;
    } finally {
      delete process.env.CDK8S_OUTDIR;
    }
    finalizeChart(fresh, version, edge);
    expect(diffDirectories(fresh, CHART_DIR)).toEqual([]);
  });

  test("the repository README's values table is the chart's (run `npm run synth:helm`)", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8');
    expect(withValuesTable(readme, chartValuesTable(CHART_DIR))).toBe(readme);
    expect(readme).toContain(`${README_TABLE_BEGIN}\n| Key | Type | Default | Description |`);
    expect(() => withValuesTable('no markers', '')).toThrow(README_TABLE_END);
  });

  test('values.yaml is valid for values.schema.json, whose keys are all required and closed (ajv, strict)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(CHART_DIR, 'values.schema.json'), 'utf-8'));
    const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(schema);
    const values = parse(fs.readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf-8'));
    expect(validate(values) ? [] : validate.errors).toEqual([]);
    expect(Object.keys(values).sort()).toEqual(['commonLabels', 'keepalived', 'traefik']);
    // Every default in the schema is the one in values.yaml, and every group refuses unknown keys.
    const walk = (s: any, v: any, at: string): void => {
      // Components have no default of their own; every value and the images do.
      if (s.default !== undefined || !s.required) expect([at, s.default]).toEqual([at, v]);
      if (s.required) {
        expect([at, s.additionalProperties, [...s.required].sort()]).toEqual([at, false, Object.keys(s.properties).sort()]);
        for (const key of s.required) walk(s.properties[key], v[key], `${at}.${key}`);
      }
    };
    for (const key of schema.required) walk(schema.properties[key], values[key], key);
    expect(validate({ ...values, extra: 1 })).toBe(false);
    expect(validate({ ...values, traefik: { ...values.traefik, logLevel: 'LOUD' } })).toBe(false);
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

  test('the chart holds Chart.yaml, values.yaml, its schema, the README and the templates with helpers and notes', () => {
    expect(fs.readdirSync(CHART_DIR).sort()).toEqual(['Chart.yaml', 'README.md', 'templates', 'values.schema.json', 'values.yaml']);
    expect(fs.readdirSync(templates).sort()).toEqual(['NOTES.txt', '_helpers.tpl', 'edge-ingress.k8s.yaml']);
    expect(fs.readFileSync(path.join(templates, '_helpers.tpl'), 'utf-8')).toBe(
      fs.readFileSync(path.join(root, 'scripts', 'helm', 'helpers.tpl'), 'utf-8'),
    );
  });
});

describe('scripts/helm-chart.ts', () => {
  function templatesWith(files: Record<string, string>): string {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  }

  test('rejects an empty templates folder', () => {
    expect(() => checkTemplates(templatesWith({}))).toThrow('the app wrote no manifests');
  });

  test('escapes every "{{" as an action printing "{{" (helm renders it back: helm/chart-with-helm.test.ts)', () => {
    expect(escapeTemplateDelimiters('a {{ b }} {{{ c')).toBe('a {{ "{{" }} b }} {{ "{{" }}{ c');
    expect(escapeTemplateDelimiters('no delimiters } {')).toBe('no delimiters } {');
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
