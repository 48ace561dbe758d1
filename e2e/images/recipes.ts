/**
 * The images the real nodes run, built offline:
 * - Traefik: the binary e2e/tools/build.sh makes from the pinned module, alone in its image as the official
 *   image's entrypoint runs it (the DaemonSet passes only arguments).
 * - keepalived: the project's own recipe (docker/keepalived/Dockerfile: Debian's keepalived, ipvsadm,
 *   iproute2, wget, kmod, procps) as a root file system made by debootstrap from Debian's archive.
 * Archives are kept in e2e/bin/images (ignored) and rebuilt only when their recipe changes.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BIN_DIR } from '../control-plane';
import { exec } from '../exec';
import { buildImage, ImageArchive, ImageRecipe } from './oci-image';
import { normalizeReference } from './reference';

export const IMAGE_CACHE = path.join(BIN_DIR, 'images');

/** The Debian packages of docker/keepalived/Dockerfile. */
export const KEEPALIVED_PACKAGES = ['keepalived', 'ipvsadm', 'iproute2', 'wget', 'kmod', 'procps'] as const;
export const DEBIAN_SUITE = 'bookworm';
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';

/** The debootstrap command line for a root file system with `packages` (minbase: dpkg, apt, coreutils, dash). */
export function debootstrapArgs(target: string, packages: readonly string[], suite = DEBIAN_SUITE, mirror = DEBIAN_MIRROR): string[] {
  return ['--variant=minbase', `--include=${packages.join(',')}`, suite, target, mirror];
}

/** Builds `recipe` unless an archive of the same recipe (and inputs' `inputsKey`) is cached. */
export function cached(recipe: Omit<ImageRecipe, 'layers'>, inputsKey: string, layers: () => string[]): ImageArchive {
  const ref = normalizeReference(recipe.reference);
  const key = createHash('sha256').update(JSON.stringify({ recipe, inputsKey })).digest('hex').slice(0, 16);
  const file = path.join(IMAGE_CACHE, `${ref.repository.replace(/[^A-Za-z0-9]+/g, '-')}-${ref.tag}-${key}.tar`);
  if (fs.existsSync(file)) return { reference: ref.name, repository: ref.repository, tag: ref.tag, file };
  const built = buildImage({ ...recipe, layers: layers() }, path.join(IMAGE_CACHE, 'work'));
  fs.renameSync(built.file, file);
  return { ...built, file };
}

export function traefikImage(reference: string): ImageArchive {
  const binary = path.join(BIN_DIR, 'traefik');
  const digest = createHash('sha256').update(fs.readFileSync(binary)).digest('hex');
  return cached({ reference, entrypoint: ['/usr/local/bin/traefik'] }, digest, () => {
    const root = path.join(IMAGE_CACHE, 'work', 'traefik-rootfs');
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, 'usr', 'local', 'bin'), { recursive: true });
    fs.copyFileSync(binary, path.join(root, 'usr', 'local', 'bin', 'traefik'));
    fs.chmodSync(path.join(root, 'usr', 'local', 'bin', 'traefik'), 0o755);
    return [root];
  });
}

/**
 * The keepalived image: debootstrap's root file system with the recipe's packages, minus what a container never
 * reads (apt's caches and lists, documentation, /dev, which the runtime mounts).
 */
export function keepalivedImage(reference: string): ImageArchive {
  return cached({ reference, entrypoint: ['keepalived', '--dont-fork', '--log-console'] }, keepalivedRootfsKey(), () => [
    keepalivedRootfs(),
  ]);
}

/** What identifies the Debian root file system: the debootstrap arguments (without the target). */
export function keepalivedRootfsKey(): string {
  return debootstrapArgs('<target>', KEEPALIVED_PACKAGES).join(' ');
}

/** The Debian root file system of the keepalived image, debootstrapped unless the kept tree has the same arguments. */
export function keepalivedRootfs(): string {
  // debootstrap takes minutes: its tree is kept (with the arguments that made it) for the next recipe change.
  const root = path.join(IMAGE_CACHE, 'keepalived-rootfs');
  const stamp = path.join(IMAGE_CACHE, 'keepalived-rootfs.args');
  const want = debootstrapArgs(root, KEEPALIVED_PACKAGES).join(' ');
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== want) {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(stamp, { force: true });
    exec('nice', ['-n', '10', 'debootstrap', ...debootstrapArgs(root, KEEPALIVED_PACKAGES)], { timeoutMs: 1_800_000 });
    for (const d of ['var/cache/apt', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'dev', 'debootstrap']) {
      fs.rmSync(path.join(root, d), { recursive: true, force: true });
    }
    fs.mkdirSync(path.join(root, 'dev'));
    fs.writeFileSync(stamp, want);
  }
  return root;
}
