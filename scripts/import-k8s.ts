// `npm run import`: regenerates imports/k8s.ts with the project's own cdk8s CLI, as
//   cdk8s import k8s@<version> --no-check-upgrade --no-save --language typescript
// (the version from cdk8s.yaml's imports), offline: the CLI's schema download is answered from
// test/schema/k8s-<version>.json (scripts/k8s-schema-offline.ts). Online, the plain command gives the same file.
// `npm run import -- --check` (and test/scripts/import-k8s.test.ts): regenerate into a temp folder and fail
// unless it is byte-identical to the committed imports/k8s.ts.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');
export const IMPORTS_FILE = path.join(root, 'imports', 'k8s.ts');

/** The Kubernetes version cdk8s.yaml imports (`k8s@1.27.0` -> `1.27.0`). */
export function k8sVersion(): string {
  const config = parse(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf-8'));
  const spec = (config.imports as string[]).find((entry) => entry.startsWith('k8s@'));
  if (spec === undefined) throw new Error('cdk8s.yaml imports no k8s@<version>');
  return spec.slice('k8s@'.length);
}

/** Runs `cdk8s import k8s@<version>` offline into `outdir`; returns the path of the generated k8s.ts. */
export function importK8s(outdir: string, version = k8sVersion()): string {
  const schema = path.join(root, 'test', 'schema', `k8s-${version}.json`);
  if (!fs.existsSync(schema)) throw new Error(`no stored schema for Kubernetes ${version}: ${path.relative(root, schema)} is missing`);
  const result = spawnSync(process.execPath, [
    '-r', '@swc-node/register', '-r', path.join(__dirname, 'k8s-schema-offline.ts'),
    path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'),
    'import', `k8s@${version}`, '--no-check-upgrade', '--no-save', '--language', 'typescript', '--output', outdir,
  ], { cwd: root, encoding: 'utf-8', env: { ...process.env, EDGE_K8S_SCHEMA: schema } });
  const generated = path.join(outdir, 'k8s.ts');
  if (result.status !== 0 || !fs.existsSync(generated)) {
    throw new Error(`cdk8s import k8s@${version} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  }
  return generated;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-import-'));
  try {
    const generated = importK8s(scratch);
    const relative = path.relative(process.cwd(), IMPORTS_FILE);
    if (values.check) {
      if (!fs.readFileSync(generated).equals(fs.readFileSync(IMPORTS_FILE))) {
        process.stderr.write(`${relative} differs from what \`cdk8s import k8s@${k8sVersion()}\` generates (run \`npm run import\`)\n`);
        process.exit(1);
      }
      process.stdout.write(`${relative} is what cdk8s import k8s@${k8sVersion()} generates\n`);
    } else {
      fs.copyFileSync(generated, IMPORTS_FILE);
      process.stdout.write(`wrote ${relative} (Kubernetes ${k8sVersion()})\n`);
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
