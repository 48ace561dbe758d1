// jsii-pacmak --code-only: the sources of the bindings without building them (test/package/bindings.test.ts reads
// the Python API from them; build-packages.ts builds the Python wheel from them).
import { spawnSync } from 'child_process';
import * as path from 'path';

export const root = path.resolve(__dirname, '..', '..');
export const BINDINGS_DIR = path.join(root, 'build', 'bindings');
export type BindingLanguage = 'python' | 'java' | 'go' | 'dotnet';

/**
 * jsii-pacmak --code-only for `languages` into `out` (out/<language>). pacmak packs the npm package to embed
 * it in the bindings; npm_config_ignore_scripts keeps that `npm pack` from running prepack (a second build).
 */
export function generateBindings(out: string, languages: BindingLanguage[]): void {
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'jsii-pacmak', 'bin', 'jsii-pacmak'), '--code-only', '--no-npmignore', '--targets', languages.join(','), '--outdir', out],
    {
      cwd: root,
      encoding: 'utf-8',
      env: { ...process.env, npm_config_ignore_scripts: 'true', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
    },
  );
  if (result.status !== 0) throw new Error(`jsii-pacmak failed:\n${result.stdout}${result.stderr}`);
}
