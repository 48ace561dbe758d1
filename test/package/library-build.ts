// The package tests (pack, docs, bindings) read the jsii build that `npm test` makes before jest starts
// (`npm run build`: build/ and the .jsii assembly). Run alone after a change to lib/, they would read a stale
// build: this guard fails loudly instead.
import * as fs from 'fs';
import * as path from 'path';

export const root = path.resolve(__dirname, '..', '..');
export const ASSEMBLY = path.join(root, '.jsii');

function newestMtime(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }, 0);
}

/** Throws unless the .jsii assembly exists and is newer than lib/, imports/ and package.json. */
export function requireFreshBuild(): void {
  if (!fs.existsSync(ASSEMBLY)) throw new Error('no .jsii assembly: run `npm run build` (npm test does) before these tests');
  const built = fs.statSync(ASSEMBLY).mtimeMs;
  const sources = Math.max(
    newestMtime(path.join(root, 'lib')),
    newestMtime(path.join(root, 'imports')),
    fs.statSync(path.join(root, 'package.json')).mtimeMs,
  );
  if (sources > built)
    throw new Error('the .jsii assembly is older than lib/, imports/ or package.json: run `npm run build` (npm test does)');
}
