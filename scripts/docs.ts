// `npm run docs`: the API reference as Construct Hub renders it, jsii-docgen's markdown from the .jsii assembly
// (`npm run docs` builds it first), for TypeScript and Python, into docs/api/API.typescript.md and
// API.python.md. Only the package's own types: the `k8s` submodule is the generated Kubernetes API (cdk8s's
// own import), not documented here. Generated into a scratch folder and swapped in only when jsii-docgen succeeds.
// `npm run docs:check` (and test/package/docs.test.ts): regenerate into a temp folder, fail if docs/api differs.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { diffDirectories } from './diff-directories';
import { replaceDirectory, scratchDirectory } from './swap-directory';

const root = path.resolve(__dirname, '..');
export const DOCS_DIR = path.join(root, 'docs', 'api');

/** The languages documented, as jsii-docgen names them (its file names are API.<language>.md). */
export const DOC_LANGUAGES = ['typescript', 'python'];

/** Runs jsii-docgen on the built .jsii into `out`; throws with its own output when it fails. Returns its warnings. */
export function generateDocs(out: string): string {
  const languages = DOC_LANGUAGES.flatMap((language) => ['--language', language]);
  const result = spawnSync(process.execPath,
    [path.join(root, 'node_modules', 'jsii-docgen', 'bin', 'jsii-docgen'), ...languages, '--submodule', 'root', '--output', path.join(out, 'API')],
    // Node 20 is past jsii's support window; its banner is not a docs warning.
    { cwd: root, encoding: 'utf-8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' } });
  const output = `${result.stdout}${result.stderr}`.trim();
  if (result.status !== 0) throw new Error(`jsii-docgen failed:\n${output}`);
  return output;
}

/** Lines naming each file of docs/api that is missing, extra or different from a fresh jsii-docgen run. */
export function staleDocs(): string[] {
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-docs-'));
  try {
    generateDocs(fresh);
    return diffDirectories(fresh, DOCS_DIR);
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const relative = path.relative(process.cwd(), DOCS_DIR);
  try {
    if (values.check) {
      const stale = staleDocs();
      if (stale.length > 0) {
        process.stderr.write(`${relative}/ is stale (run \`npm run docs\`):\n  ${stale.join('\n  ')}\n`);
        process.exit(1);
      }
      process.stdout.write(`${relative}/ is current\n`);
    } else {
      const scratch = scratchDirectory(DOCS_DIR);
      try {
        const warnings = generateDocs(scratch);
        if (warnings) process.stderr.write(`${warnings}\n`);
        replaceDirectory(scratch, DOCS_DIR);
      } catch (error) {
        fs.rmSync(scratch, { recursive: true, force: true });
        throw error;
      }
      process.stdout.write(`wrote ${relative}/\n`);
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${relative}/ was left unchanged\n`);
    process.exit(1);
  }
}
