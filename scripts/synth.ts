// `npm run synth`: synthesizes the app (main.ts) into a scratch folder and swaps it in for dist/ only when
// every construct validated and every manifest was written, so bad input never loses the previous dist/.
// (`cdk8s synth` empties its output folder before the app runs; this script does not.)
//
// Options (for tests and other topologies): --app <module exporting createApp()> --out <folder>
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import * as YAML from 'yaml';
import { unsafeReloadChanges } from '../lib/keepalived/conf/reload-safety';
import { replaceDirectory, scratchDirectory } from './swap-directory';

const root = path.resolve(__dirname, '..');

/** keepalived.conf and the VRRP auth file of every manifest file in `dir`, by object name. */
function keepalivedFiles(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  if (!fs.existsSync(dir)) return found;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      const m = doc.toJS();
      const text = m?.data?.['keepalived.conf'] ?? m?.stringData?.['vrrp-auth.conf'];
      if (typeof text === 'string') found.set(`${m.kind}/${m.metadata?.namespace}/${m.metadata?.name}`, text);
    }
  }
  return found;
}

/**
 * Config changes against the previous dist/ that keepalived cannot reload without moving the VIP (the start
 * command reloads every ConfigMap change in place; see lib/keepalived/conf/reload-safety.ts).
 */
function reloadWarnings(previous: string, next: string): string[] {
  const before = keepalivedFiles(previous);
  const after = keepalivedFiles(next);
  const out: string[] = [];
  for (const [key, text] of after) {
    const old = before.get(key);
    if (old === undefined || old === text) continue;
    if (key.startsWith('Secret/')) {
      out.push(`${key}: the VRRP password changed: nodes on the old and the new password ignore each other's adverts `
        + 'until every node reloaded, so the VIP can be on two nodes meanwhile and moves once');
    } else {
      out.push(...unsafeReloadChanges(old, text).map((w) => `${key}: ${w}`));
    }
  }
  return out;
}
const { values } = parseArgs({
  options: { app: { type: 'string', default: path.join(root, 'main') }, out: { type: 'string', default: path.join(root, 'dist') } },
});
const target = path.resolve(values.out!);
const scratch = scratchDirectory(target);

try {
  process.env.CDK8S_OUTDIR = scratch;
  // Loaded here, not imported, so CDK8S_OUTDIR is set before the App reads it.
  const { createApp } = require(path.resolve(values.app!));
  const { describeEdge } = require('../lib');
  const { app, edge } = createApp();
  app.synth();
  if (fs.readdirSync(scratch).length === 0) {
    throw new Error('the app wrote no manifests');
  }
  const warnings = reloadWarnings(target, scratch);
  replaceDirectory(scratch, target);
  process.stdout.write(`wrote ${path.relative(process.cwd(), target) || '.'}/\n${describeEdge(edge)}`);
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
} catch (error) {
  fs.rmSync(scratch, { recursive: true, force: true });
  process.stderr.write(`synth failed: ${(error as Error).message}\n${path.relative(process.cwd(), target)}/ was left unchanged\n`);
  process.exit(1);
}
