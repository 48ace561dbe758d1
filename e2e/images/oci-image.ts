/**
 * OCI image archives built offline with umoci (Debian's package): a layer per root file system directory, the
 * image config (entrypoint, user), packed as the tar `ctr images import` reads.
 */
import * as fs from 'fs';
import * as path from 'path';
import { exec } from '../exec';
import { normalizeReference } from './reference';

export interface ImageRecipe {
  /** The name pods use; the archive is imported under its normalized form. */
  readonly reference: string;
  /** Directories whose contents become the image's root file system, one layer each, in order. */
  readonly layers: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** `uid[:gid]`. */
  readonly user?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface ImageArchive {
  readonly reference: string;
  /** Registry and repository: the `--base-name` that restores the full name on import. */
  readonly repository: string;
  readonly tag: string;
  readonly file: string;
}

/** The `umoci config` arguments for a recipe (`--config.*` repeated per list item, as umoci takes them). */
export function umociConfigArgs(recipe: ImageRecipe): string[] {
  const args: string[] = [];
  if (recipe.entrypoint) args.push(...recipe.entrypoint.flatMap((e) => ['--config.entrypoint', e]));
  if (recipe.cmd) args.push(...recipe.cmd.flatMap((c) => ['--config.cmd', c]));
  if (recipe.user) args.push('--config.user', recipe.user);
  for (const [k, v] of Object.entries(recipe.env ?? {})) args.push('--config.env', `${k}=${v}`);
  return args;
}

/** Builds `recipe` into `<workDir>/<name>.tar` (an OCI layout in a tar) and returns where it is. */
export function buildImage(recipe: ImageRecipe, workDir: string): ImageArchive {
  const ref = normalizeReference(recipe.reference);
  const base = ref.repository.replace(/[^A-Za-z0-9]+/g, '-');
  const layout = path.join(workDir, `${base}-${ref.tag}`);
  fs.rmSync(layout, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const image = `${layout}:${ref.tag}`;
  const umoci = (args: string[]): void => void exec('umoci', args, { timeoutMs: 300_000 });
  umoci(['init', '--layout', layout]);
  umoci(['new', '--image', image]);
  for (const dir of recipe.layers) umoci(['insert', '--image', image, dir, '/']);
  const config = umociConfigArgs(recipe);
  if (config.length) umoci(['config', '--image', image, ...config]);
  umoci(['gc', '--layout', layout]);
  const file = `${layout}.tar`;
  exec('tar', ['-C', layout, '-cf', file, '.']);
  fs.rmSync(layout, { recursive: true, force: true });
  return { reference: ref.name, repository: ref.repository, tag: ref.tag, file };
}
