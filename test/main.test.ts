import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { createApp } from '../main';
import { validateManifests } from './support/k8s-schema';
import { REPO_ROOT } from './support/paths';

const root = REPO_ROOT;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'edge-app-'));
}

function runSynthScript(args: string[]) {
  return spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(root, 'scripts', 'synth.ts'), ...args], {
    cwd: root,
    encoding: 'utf-8',
  });
}

describe('the app (main.ts): the seed topology', () => {
  test('matches the reviewed snapshot', () => {
    const { app } = createApp();
    expect(app.charts.map((chart) => Testing.synth(chart))).toMatchSnapshot();
  });

  test('is valid Kubernetes 1.27', () => {
    const { app } = createApp();
    expect(validateManifests(app.charts.flatMap((chart) => Testing.synth(chart)))).toEqual([]);
  });

  test('keeps the seed: IP-named nodes, VIP 172.20.0.119, router id 51, LVS-DR on port 80, admin 8580', () => {
    const { edge } = createApp();
    const conf = edge.keepalived.configText;
    expect(edge.nodes.map((n) => n.name)).toEqual(['172.20.0.113', '172.20.0.114', '172.20.0.115']);
    expect(conf).toContain('virtual_router_id 51');
    expect(conf).toContain('172.20.0.119/32 dev eth0');
    expect(conf).toContain('virtual_server 172.20.0.119 80 {');
    expect(conf).toContain('lvs_method DR');
    expect(edge.traefik.adminPort).toBe(8580);
  });

  test('corrects the seed: no broken keywords, BACKUP everywhere, distinct priorities', () => {
    const conf = createApp().edge.keepalived.configText;
    for (const mistake of ['nat_mask', 'lb_algo', 'persistence_timeout 0', 'state MASTER', 'auth_pass']) {
      expect(conf).not.toContain(mistake);
    }
    const priorities = [...conf.matchAll(/^\s*@\S+ priority (\d+)$/gm)].map((m) => Number(m[1]));
    expect(new Set(priorities).size).toBe(3);
  });

  test('dist/ is current (run `npm run synth` after changing main.ts or lib/)', () => {
    const out = tempDir();
    process.env.CDK8S_OUTDIR = out;
    try {
      createApp().app.synth();
    } finally {
      delete process.env.CDK8S_OUTDIR;
    }
    const files = fs.readdirSync(out).sort();
    expect(fs.readdirSync(path.join(root, 'dist')).sort()).toEqual(files);
    for (const file of files) {
      expect(fs.readFileSync(path.join(root, 'dist', file), 'utf-8')).toBe(fs.readFileSync(path.join(out, file), 'utf-8'));
    }
  });

  test('dist/ parses as YAML that kubectl can apply: one object per document, each with apiVersion, kind and name', () => {
    for (const file of fs.readdirSync(path.join(root, 'dist'))) {
      const docs = parseAllDocuments(fs.readFileSync(path.join(root, 'dist', file), 'utf-8'));
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) {
        expect(doc.errors).toEqual([]);
        const object = doc.toJS();
        expect(typeof object.apiVersion).toBe('string');
        expect(typeof object.kind).toBe('string');
        expect(typeof object.metadata.name).toBe('string');
      }
    }
  });
});

describe('npm run synth', () => {
  test('a bad property fails with a message naming it, and leaves the previous output untouched', () => {
    const out = tempDir();
    fs.writeFileSync(path.join(out, 'previous.k8s.yaml'), 'kind: Previous\n');
    const result = runSynthScript(['--app', path.join(root, 'test', 'fixtures', 'bad-app.ts'), '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('virtualRouterId 256 is outside 1-255');
    expect(result.stderr).toContain('was left unchanged');
    expect(fs.readdirSync(out)).toEqual(['previous.k8s.yaml']);
    expect(fs.readdirSync(path.dirname(out)).filter((name) => name.startsWith(`.${path.basename(out)}-tmp`))).toEqual([]);
  });

  test('a good app replaces the output and prints the summary', () => {
    const out = tempDir();
    fs.writeFileSync(path.join(out, 'previous.k8s.yaml'), 'kind: Previous\n');
    const result = runSynthScript(['--out', out]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.readdirSync(out)).toEqual(['edge-ingress.k8s.yaml']);
    expect(result.stdout).toContain('VIP 172.20.0.119/32');
    expect(result.stdout).toContain('172.20.0.113 172.20.0.113 (150)  <- preferred master');
    expect(result.stdout).toContain('kubectl label nodes 172.20.0.115 edgenode=true --overwrite');
  });

  test('`cdk8s synth` still works for users (it runs main.ts itself)', () => {
    const out = tempDir();
    execFileSync(path.join(root, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade', '--output', out], {
      cwd: root,
      encoding: 'utf-8',
      stdio: 'pipe',
    });
    expect(fs.readFileSync(path.join(out, 'edge-ingress.k8s.yaml'), 'utf-8')).toBe(
      fs.readFileSync(path.join(root, 'dist', 'edge-ingress.k8s.yaml'), 'utf-8'),
    );
  });
});
