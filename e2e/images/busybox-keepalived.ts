/**
 * The keepalived image whose /bin/sh and tools are BusyBox, as in the Alpine-based default image: Debian's
 * keepalived and ipvsadm with exactly the shared libraries they load (taken from the Debian root file system that
 * recipes.ts debootstraps), /etc/passwd and /etc/group from it (keepalived looks up its script user), and Debian's
 * busybox-static as /bin/busybox with a hard link per applet at the applet's own path. Nothing else: no coreutils, no
 * dash, no iproute2, no wget but BusyBox's.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { exec } from '../exec';
import { ImageArchive } from './oci-image';
import { cached, IMAGE_CACHE, keepalivedRootfs, keepalivedRootfsKey } from './recipes';

/** Debian's busybox-static, installed on the machine that builds the image (`apt-get install busybox-static`). */
export const BUSYBOX_BINARY = process.env.E2E_BUSYBOX ?? '/bin/busybox';

/** The Debian programs the image keeps, at their Debian paths. */
export const BUSYBOX_IMAGE_PROGRAMS = ['/usr/sbin/keepalived', '/usr/sbin/ipvsadm'] as const;

/** Files copied as they are from the Debian tree. */
const ETC_FILES = ['/etc/passwd', '/etc/group', '/etc/nsswitch.conf'];

/**
 * The absolute paths `ldd` prints for a program: each `NAME => /path (addr)` and the loader's `/path (addr)`.
 * `not found` is an error naming the library, since the image would not start.
 */
export function lddPaths(output: string, program: string): string[] {
  const paths: string[] = [];
  for (const line of output.split('\n').map((l) => l.trim())) {
    if (!line) continue;
    if (/=> not found/.test(line)) throw new Error(`${program}: ${line.split(' ')[0]} not found in the Debian root file system`);
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)$/.exec(line);
    if (m) paths.push(m[1]);
  }
  return paths;
}

/** The applets' paths from `busybox --list-full` (e.g. `usr/bin/wget`); entries at the root (`linuxrc`) are left out. */
export function appletPaths(listFull: string): string[] {
  return listFull
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.includes('/') && l !== 'bin/busybox');
}

/**
 * `file` of the tree `root` with every link followed inside the tree, as a chroot would: Debian's links may be
 * absolute (`/usr/lib64/ld-linux-x86-64.so.2 -> /usr/lib/x86_64-linux-gnu/...`), which the host would resolve
 * against its own root.
 */
export function resolveInTree(root: string, file: string): string {
  const todo = file.split('/').filter(Boolean);
  const done: string[] = [];
  for (let hops = 0; todo.length;) {
    const part = todo.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const here = path.join(root, ...done, part);
    const st = fs.lstatSync(here);
    if (!st.isSymbolicLink()) {
      done.push(part);
      continue;
    }
    if (++hops > 40) throw new Error(`${file}: too many links in ${root}`);
    const target = fs.readlinkSync(here);
    if (target.startsWith('/')) done.length = 0;
    todo.unshift(...target.split('/').filter(Boolean));
  }
  return path.join(root, ...done);
}

/** Copies `file` of the tree `from` (its links followed inside the tree) to the same path in `to`, as a file. */
function copyFromTree(from: string, to: string, file: string): void {
  const real = resolveInTree(from, file);
  const target = path.join(to, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(real, target);
  fs.chmodSync(target, fs.statSync(real).mode & 0o7777);
}

/** The image's root file system in `root`, built from the Debian tree `debian` and the BusyBox binary. */
export function buildBusyboxRootfs(debian: string, root: string, busybox = BUSYBOX_BINARY): void {
  fs.rmSync(root, { recursive: true, force: true });
  const files = new Set<string>([...BUSYBOX_IMAGE_PROGRAMS, ...ETC_FILES]);
  for (const program of BUSYBOX_IMAGE_PROGRAMS) {
    // The Debian tree's own loader resolves the libraries, as it will in the container.
    const ldd = exec('chroot', [debian, 'ldd', program]).stdout;
    for (const lib of lddPaths(ldd, program)) files.add(lib);
  }
  for (const f of files) copyFromTree(debian, root, f);
  fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
  fs.copyFileSync(busybox, path.join(root, 'bin', 'busybox'));
  fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  // Hard links, as `busybox --install` makes them: keepalived's script security resolves a check's path, so through
  // a symlink it runs /bin/busybox itself (`busybox -q ...`: applet not found, exit 127) and the check always fails.
  for (const applet of appletPaths(exec(busybox, ['--list-full']).stdout)) {
    const link = path.join(root, applet);
    if (fs.existsSync(link)) continue;
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.linkSync(path.join(root, 'bin', 'busybox'), link);
  }
  // Mount points and the folders keepalived and the runtime expect.
  for (const d of ['dev', 'proc', 'sys', 'run', 'tmp', 'etc/keepalived']) fs.mkdirSync(path.join(root, d), { recursive: true });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
}

/** The BusyBox keepalived image under `reference`, cached until the Debian tree's recipe or the BusyBox binary changes. */
export function busyboxKeepalivedImage(reference: string): ImageArchive {
  const busybox = createHash('sha256').update(fs.readFileSync(BUSYBOX_BINARY)).digest('hex');
  const inputs = JSON.stringify({
    debian: keepalivedRootfsKey(),
    busybox,
    programs: BUSYBOX_IMAGE_PROGRAMS,
    etc: ETC_FILES,
    links: 'hard',
  });
  return cached({ reference, entrypoint: ['/usr/sbin/keepalived', '--dont-fork', '--log-console'] }, inputs, () => {
    const root = path.join(IMAGE_CACHE, 'work', 'busybox-keepalived-rootfs');
    buildBusyboxRootfs(keepalivedRootfs(), root);
    return [root];
  });
}
