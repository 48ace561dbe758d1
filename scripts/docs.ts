// `npm run docs`: the API reference (typedoc + typedoc-plugin-markdown, settings in typedoc.json) from
// lib/index.ts into docs/api. Generated into a scratch folder and swapped in only when typedoc succeeds.
// `npm run docs:check` (and test/package/docs.test.ts): regenerate into a temp folder, fail if docs/api differs.
// typedoc.json sets skipErrorChecking because `npm run lint` already type-checks; that keeps this at ~3 s.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { diffDirectories } from './diff-directories';
import { replaceDirectory, scratchDirectory } from './swap-directory';

const root = path.resolve(__dirname, '..');
export const DOCS_DIR = path.join(root, 'docs', 'api');

/** Runs typedoc into `out`; throws with typedoc's own output when it fails. Returns its warnings. */
export function generateDocs(out: string): string {
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out],
    { cwd: root, encoding: 'utf-8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  const output = `${result.stdout}${result.stderr}`.trim();
  if (result.status !== 0) throw new Error(`typedoc failed:\n${output}`);
  return output;
}

/** Lines naming each file of docs/api that is missing, extra or different from a fresh typedoc run. */
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
