/**
 * The backend the real-kubelet acceptance routes to, built offline from Debian's busybox-static: `busybox httpd`
 * serving one CGI script for `/` that prints, one `key=value` a line, the pod's name (downward API and the
 * hostname the kubelet gives the pod), its node and address, and what the request carried (the peer address and
 * X-Forwarded-For), so a client can tell which pod answered and that a proxy sat in between.
 * Cached in e2e/bin/images like the other images (e2e/images/recipes.ts).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { exec } from '../exec';
import { ImageArchive } from './oci-image';
import { cached, IMAGE_CACHE } from './recipes';

/** Debian's busybox-static puts its one static binary here. */
export const BUSYBOX = '/bin/busybox';
export const BACKEND_PORT = 8080;
/** Not root: the pod runs it with runAsNonRoot and a read-only root file system. */
export const BACKEND_USER = '65534:65534';

/**
 * Run by httpd for `/` when /www has no index.html. httpd passes its own environment (the pod's downward API
 * variables) and the request as CGI variables; it adds the `HTTP/1.1 200 OK` status line itself.
 */
export const BACKEND_CGI = `#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
echo "backend=e2e-kubelet"
echo "pod=$POD_NAME"
echo "hostname=$(busybox hostname)"
echo "node=$NODE_NAME"
echo "pod-ip=$POD_IP"
echo "remote-addr=$REMOTE_ADDR"
echo "x-forwarded-for=$HTTP_X_FORWARDED_FOR"
echo "request=$REQUEST_METHOD $REQUEST_URI"
`;

/** `1.35.0` from the first line busybox prints (`BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.`). */
export function busyboxVersion(banner: string): string {
  const m = /^BusyBox v(\d+\.\d+\.\d+)/.exec(banner);
  if (!m) throw new Error(`${BUSYBOX}: no version in its banner ${JSON.stringify(banner.split('\n')[0])}`);
  return m[1];
}

/** Whether an ELF64 file asks for no program interpreter (PT_INTERP): a static binary runs alone in an image. */
export function isStaticElf(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) throw new Error('not an ELF64 file');
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const size = elf.readUInt16LE(0x36);
  const count = elf.readUInt16LE(0x38);
  for (let i = 0; i < count; i++) if (elf.readUInt32LE(phoff + i * size) === 3) return false;
  return true;
}

/** The image's name: its tag is the BusyBox version inside (never `latest`, which would be pulled Always). */
export function backendReference(version: string): string {
  return `localhost/e2e-backend:busybox-${version}`;
}

export function backendImage(busybox = BUSYBOX): ImageArchive {
  if (!fs.existsSync(busybox)) throw new Error(`${busybox} is missing: apt-get install -y busybox-static`);
  // Given no applet, busybox prints its banner and the applet list.
  const version = busyboxVersion(exec(busybox, []).stdout);
  const binary = fs.readFileSync(busybox);
  // Debian's plain busybox package installs a dynamically linked /bin/busybox too.
  if (!isStaticElf(binary)) throw new Error(`${busybox} is dynamically linked: install busybox-static`);
  const digest = createHash('sha256').update(binary).digest('hex');
  const recipe = {
    reference: backendReference(version),
    entrypoint: ['/bin/busybox', 'httpd', '-f', '-v', '-p', String(BACKEND_PORT), '-h', '/www'],
    user: BACKEND_USER,
    env: { PATH: '/bin' },
  };
  return cached(recipe, `${digest} ${BACKEND_CGI}`, () => {
    const root = path.join(IMAGE_CACHE, 'work', 'backend-rootfs');
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(root, 'www', 'cgi-bin'), { recursive: true });
    fs.copyFileSync(busybox, path.join(root, 'bin', 'busybox'));
    fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
    // The script's interpreter.
    fs.symlinkSync('busybox', path.join(root, 'bin', 'sh'));
    fs.writeFileSync(path.join(root, 'www', 'cgi-bin', 'index.cgi'), BACKEND_CGI, { mode: 0o755 });
    return [root];
  });
}
