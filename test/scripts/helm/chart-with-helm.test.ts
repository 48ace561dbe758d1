// The committed chart (helm/cdk8s-edge-ingress) rendered by the real helm: lint, default values render dist/
// but for Helm's labels, each value changes only its own fields, and Helm refuses what cannot work, naming the key.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR, CHART_NAME, finalizeChart, packageJson } from '../../../scripts/helm-chart';
import { describeWithHelm, helm, helmTemplate } from '../../support/helm';
import { REPO_ROOT } from '../../support/paths';

const dist = parseAllDocuments(fs.readFileSync(path.join(REPO_ROOT, 'dist', 'edge-ingress.k8s.yaml'), 'utf-8')).map((d) => d.toJS());
const keyOf = (o: any): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
/** Helm writes the objects in its install order (by kind); the comparisons are by object. */
const byKey = (objects: readonly any[]): any[] => [...objects].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));

/** The labels Helm's conventions put on each object's metadata (and nowhere else). */
const helmLabels = (release: string) => ({
  'app.kubernetes.io/instance': release,
  'app.kubernetes.io/managed-by': 'Helm',
  'helm.sh/chart': `${CHART_NAME}-${packageJson().version}`,
});

function distWithHelmLabels(release: string): any[] {
  return dist.map((o) => {
    const copy = structuredClone(o);
    copy.metadata.labels = { ...copy.metadata.labels, ...helmLabels(release) };
    return copy;
  });
}

/** The paths (`Kind/ns/name:a.b[0].c`) where two renderings differ. */
function differences(before: readonly any[], after: readonly any[]): string[] {
  const out: string[] = [];
  const walk = (at: string, a: any, b: any): void => {
    if (isDeepStrictEqual(a, b)) return;
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) a.forEach((item, i) => walk(`${at}[${i}]`, item, b[i]));
    else if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b))
      [...new Set([...Object.keys(a), ...Object.keys(b)])].forEach((k) => walk(at.endsWith(':') ? `${at}${k}` : `${at}.${k}`, a[k], b[k]));
    else out.push(at);
  };
  const a = new Map(before.map((o) => [keyOf(o), o]));
  const b = new Map(after.map((o) => [keyOf(o), o]));
  for (const key of new Set([...a.keys(), ...b.keys()])) walk(`${key}:`, a.get(key), b.get(key));
  return out;
}

const TRAEFIK = 'DaemonSet/kube-system/traefik-ingress-lb:spec.template.spec';
const KEEPALIVED = 'DaemonSet/kube-system/keepalived:spec.template.spec';

describeWithHelm('the committed chart, rendered by helm', () => {
  const defaults = helmTemplate(CHART_DIR);
  const refused = (args: string[]): string => {
    const r = helm(['template', 'edge-ingress', CHART_DIR, '--namespace', 'kube-system', ...args]);
    expect(r.status).not.toBe(0);
    return r.stderr;
  };

  test('helm lint --strict finds nothing', () => {
    const r = helm(['lint', '--strict', CHART_DIR]);
    expect(r.stdout.split('\n').filter((l) => /^\[(ERROR|WARNING)\]/.test(l))).toEqual([]);
    expect(r.status).toBe(0);
  });

  test("default values render exactly dist/ plus Helm's labels (--namespace kube-system)", () => {
    expect(byKey(defaults).map(keyOf)).toEqual(byKey(dist).map(keyOf));
    expect(byKey(defaults)).toEqual(byKey(distWithHelmLabels('edge-ingress')));
  });

  test('keepalived.conf and the shell scripts render byte for byte as in dist/', () => {
    const cm = (objects: readonly any[]) => objects.find((o) => o.kind === 'ConfigMap').data['keepalived.conf'];
    const scripts = (objects: readonly any[]) =>
      objects
        .filter((o) => o.kind === 'DaemonSet')
        .flatMap((o) => [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers])
        .map((c) => c.command?.[2]);
    expect(cm(defaults)).toBe(cm(dist));
    expect(scripts(defaults)).toEqual(scripts(dist));
  });

  test('another release namespace moves every object and leaves no kube-system behind', () => {
    const r = helm(['template', 'other', CHART_DIR, '--namespace', 'edge-test']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('kube-system');
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJS());
    const namespaced = objects.filter((o) => o.metadata.namespace !== undefined);
    expect(namespaced.map((o) => o.metadata.namespace)).toEqual(namespaced.map(() => 'edge-test'));
    expect(objects.find((o) => o.kind === 'ClusterRoleBinding').subjects[0].namespace).toBe('edge-test');
  });

  test('the image tag changes only the image of the Traefik container', () => {
    const changed = helmTemplate(CHART_DIR, ['--set', 'traefik.image.tag=v3.7.12']);
    expect(differences(defaults, changed)).toEqual([`${TRAEFIK}.containers[0].image`]);
    const traefik = changed.find((o) => o.metadata.name === 'traefik-ingress-lb' && o.kind === 'DaemonSet');
    expect(traefik.spec.template.spec.containers[0].image).toBe('docker.io/traefik:v3.7.12');
  });

  test("keepalived's image (registry, repository, digest) reaches both of its containers, and only them", () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const changed = helmTemplate(CHART_DIR, [
      '--set',
      `keepalived.image.registry=registry.local:5000,keepalived.image.repository=mirror/keepalived,keepalived.image.digest=${digest}`,
      '--set',
      'keepalived.image.pullPolicy=Always',
    ]);
    expect(differences(defaults, changed).sort()).toEqual(
      [
        `${KEEPALIVED}.containers[0].image`,
        `${KEEPALIVED}.containers[0].imagePullPolicy`,
        `${KEEPALIVED}.initContainers[0].image`,
        `${KEEPALIVED}.initContainers[0].imagePullPolicy`,
      ].sort(),
    );
    const ds = changed.find((o) => o.metadata.name === 'keepalived' && o.kind === 'DaemonSet');
    expect(ds.spec.template.spec.containers[0].image).toBe(`registry.local:5000/mirror/keepalived:2.3.4@${digest}`);
  });

  test("the resources change only the resources, and Traefik's GOMEMLIMIT follows its memory limit (90 %)", () => {
    const changed = helmTemplate(CHART_DIR, ['--set', 'traefik.resources.limits.memory=512Mi,keepalived.resources.requests.cpu=50m']);
    expect(differences(defaults, changed).sort()).toEqual(
      [
        `${TRAEFIK}.containers[0].resources.limits.memory`,
        `${TRAEFIK}.containers[0].env[3].value`,
        `${KEEPALIVED}.containers[0].resources.requests.cpu`,
      ].sort(),
    );
    const env = changed.find((o) => o.metadata.name === 'traefik-ingress-lb' && o.kind === 'DaemonSet').spec.template.spec.containers[0]
      .env;
    expect(env[3]).toEqual({ name: 'GOMEMLIMIT', value: '460MiB' });
    // Without a memory limit there is no GOMEMLIMIT (as in TypeScript). Helm merges maps into the defaults: null removes a key.
    const unlimited = helmTemplate(CHART_DIR, ['--set', 'traefik.resources.limits=null']);
    const names = unlimited.find((o) => o.kind === 'DaemonSet').spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(names).toEqual(['POD_NAME', 'POD_NAMESPACE', 'HOST_IP']);
  });

  test('an extra toleration adds only tolerations to that DaemonSet', () => {
    const toleration = { key: 'dedicated', operator: 'Equal', value: 'edge', effect: 'NoSchedule' };
    const changed = helmTemplate(CHART_DIR, ['--set-json', `keepalived.tolerations=[${JSON.stringify(toleration)}]`]);
    expect(differences(defaults, changed)).toEqual([`${KEEPALIVED}.tolerations`]);
    expect(changed.find((o) => o.metadata.name === 'keepalived' && o.kind === 'DaemonSet').spec.template.spec.tolerations).toEqual([
      toleration,
    ]);
  });

  test('every other value lands where it belongs, from a values file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'edge-values-')), 'values.yaml');
    fs.writeFileSync(
      file,
      [
        'commonLabels: { team: edge }',
        'traefik:',
        '  logLevel: DEBUG',
        '  accessLog: true',
        '  additionalArguments: ["--entryPoints.web.forwardedHeaders.insecure=false"]',
        '  env: [{ name: TZ, value: UTC }]',
        '  podAnnotations: { example.com/owner: edge }',
        '  podLabels: { tier: edge }',
        '  imagePullSecrets: [{ name: registry }]',
        '  priorityClassName: ""',
        'keepalived:',
        '  priorityClassName: edge-critical',
        '  podAnnotations: { example.com/owner: edge }',
      ].join('\n'),
    );
    const changed = helmTemplate(CHART_DIR, ['-f', file]);
    const traefik = changed.find((o) => o.metadata.name === 'traefik-ingress-lb' && o.kind === 'DaemonSet');
    const keepalived = changed.find((o) => o.metadata.name === 'keepalived' && o.kind === 'DaemonSet');
    const pod = traefik.spec.template;
    const args: string[] = pod.spec.containers[0].args;
    expect(args.slice(args.indexOf('--log.level=DEBUG'))).toEqual([
      '--log.level=DEBUG',
      '--accesslog=true',
      '--accesslog.format=json',
      '--entryPoints.web.forwardedHeaders.insecure=false',
    ]);
    expect(pod.spec.containers[0].env.at(-1)).toEqual({ name: 'TZ', value: 'UTC' });
    expect(pod.metadata.annotations['example.com/owner']).toBe('edge');
    expect(pod.metadata.labels.tier).toBe('edge');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'registry' }]);
    expect(pod.spec.priorityClassName).toBeUndefined();
    expect(keepalived.spec.template.spec.priorityClassName).toBe('edge-critical');
    expect(keepalived.spec.template.metadata.annotations).toEqual({ 'example.com/owner': 'edge' });
    expect(changed.map((o) => o.metadata.labels.team)).toEqual(changed.map(() => 'edge'));
    // The selectors never change: an upgrade with new labels keeps the DaemonSets.
    expect(traefik.spec.selector).toEqual(defaults.find((o) => o.kind === 'DaemonSet').spec.selector);
  });

  test.each([
    ['a wrong type', ['--set', 'traefik.accessLog=maybe'], /at '\/traefik\/accessLog': got string, want boolean/],
    ['an unknown key', ['--set', 'traefik.image.version=v3'], /at '\/traefik\/image': additional properties 'version' not allowed/],
    ['an unknown top-level key', ['--set', 'replicas=2'], /additional properties 'replicas' not allowed/],
    ['a bad enum value', ['--set', 'traefik.logLevel=LOUD'], /at '\/traefik\/logLevel': value must be one of 'TRACE'/],
    ['a bad pull policy', ['--set', 'keepalived.image.pullPolicy=Sometimes'], /keepalived\/image\/pullPolicy/],
    ['a memory quantity Kubernetes would refuse', ['--set', 'traefik.resources.limits.memory=lots'], /traefik\/resources\/limits\/memory/],
    [
      'a toleration with an unknown effect',
      ['--set-json', 'traefik.tolerations=[{"effect":"Sometimes"}]'],
      /traefik\/tolerations\/0\/effect/,
    ],
  ])('the schema refuses %s, naming the key', (_what, args, key) => {
    const stderr = refused(args);
    expect(stderr).toContain("values don't meet the specifications of the schema");
    expect(stderr).toMatch(key);
  });

  test.each([
    ['a latest tag', ['--set', 'traefik.image.tag=latest'], 'traefik.image.tag "latest" is not a version'],
    ['an empty repository', ['--set', 'keepalived.image.repository='], 'keepalived.image.repository is empty'],
    ['neither tag nor digest', ['--set', 'traefik.image.tag='], 'traefik.image needs a tag or a digest'],
    ['a memory limit below the request', ['--set', 'traefik.resources.limits.memory=128Mi'], 'traefik.resources: the memory limit 128Mi'],
    [
      'an ACME flag',
      ['--set-json', 'traefik.additionalArguments=["--certificatesResolvers.le.acme.email=a@b.c"]'],
      'traefik.additionalArguments[0]',
    ],
    [
      'an environment variable the chart sets',
      ['--set-json', 'traefik.env=[{"name":"GOMEMLIMIT","value":"1"}]'],
      'traefik.env[0].name "GOMEMLIMIT"',
    ],
    [
      'a pod label the DaemonSet selects',
      ['--set', 'keepalived.podLabels.app\\.kubernetes\\.io/name=x'],
      'keepalived.podLabels: "app.kubernetes.io/name"',
    ],
    ['a common label Helm sets', ['--set', 'commonLabels.helm\\.sh/chart=x'], 'commonLabels: "helm.sh/chart"'],
  ])('the templates fail on %s, naming the key', (_what, args, message) => {
    expect(refused(args)).toContain(message);
  });
});

describeWithHelm('a chart of an app with literal "{{" and a pinned namespace, rendered by helm', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-braces-chart-'));
  const { BRACES, createApp } = require('../../fixtures/braces-app');
  process.env.CDK8S_OUTDIR = path.join(dir, 'templates');
  let app;
  try {
    app = createApp();
    app.app.synth();
  } finally {
    delete process.env.CDK8S_OUTDIR;
  }
  const manifests = fs.readFileSync(path.join(dir, 'templates', 'edge.k8s.yaml'), 'utf-8');
  finalizeChart(dir, packageJson().version, app.edge);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('renders the synthesized objects unchanged but for the labels, in the namespace the app pinned', () => {
    expect(manifests).toContain(BRACES);
    const rendered = helmTemplate(dir, ['--namespace', 'somewhere-else']);
    const expected = parseAllDocuments(manifests).map((d) => {
      const o = d.toJS();
      o.metadata.labels = { ...o.metadata.labels, ...helmLabels('edge-ingress') };
      return o;
    });
    expect(byKey(rendered)).toEqual(byKey(expected));
    expect(rendered.filter((o) => o.metadata.namespace !== undefined).map((o) => o.metadata.namespace)).toContain('edge');
  });

  test("turning the access log off drops its status-code filter too; on again restores the app's flags", () => {
    const args = (objects: any[]) => objects.find((o) => o.kind === 'DaemonSet').spec.template.spec.containers[0].args as string[];
    const off = args(helmTemplate(dir, ['--set', 'traefik.accessLog=false']));
    expect(off.filter((a) => a.startsWith('--accesslog'))).toEqual([]);
    expect(args(helmTemplate(dir)).filter((a) => a.startsWith('--accesslog'))).toEqual([
      '--accesslog=true',
      '--accesslog.format=json',
      '--accesslog.filters.statuscodes=500-599',
    ]);
  });

  test('NOTES.txt names the pinned namespace, the label commands and the VIP', () => {
    const r = helm(['install', 'edge-ingress', dir, '--dry-run=client', '--namespace', 'somewhere-else']);
    expect(r.stderr).toBe('');
    const notes = r.stdout.slice(r.stdout.indexOf('NOTES:'));
    expect(notes).toContain('installed in namespace edge.');
    expect(notes).toContain('kubectl label nodes edge-a edgenode=true --overwrite');
    expect(notes).toContain('kubectl -n edge get pods -l app.kubernetes.io/name=keepalived');
    expect(notes).toContain('grep -qF " 10.9.0.100/"');
  });
});
