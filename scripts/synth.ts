// `npm run synth`: synthesizes the app (main.ts) into a scratch folder and swaps it in for dist/ only when
// every construct validated and every manifest was written, so bad input never loses the previous dist/.
// (`cdk8s synth` empties its output folder before the app runs; this script does not.)
//
// Options (for tests and other topologies): --app <module exporting createApp()> --out <folder>
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { replaceDirectory, scratchDirectory } from './swap-directory';

const root = path.resolve(__dirname, '..');
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
  replaceDirectory(scratch, target);
  process.stdout.write(`wrote ${path.relative(process.cwd(), target) || '.'}/\n${describeEdge(edge)}`);
} catch (error) {
  fs.rmSync(scratch, { recursive: true, force: true });
  process.stderr.write(`synth failed: ${(error as Error).message}\n${path.relative(process.cwd(), target)}/ was left unchanged\n`);
  process.exit(1);
}
