/**
 * The pod sandbox ("pause") image, built offline: its C source ships in the k8s.io/kubernetes module the e2e
 * tools are built from, compiled static as upstream's build/pause/Makefile does, in an image of that one file
 * run as upstream's (user 65535, entrypoint /pause).
 */
import * as fs from 'fs';
import * as path from 'path';
import { E2E_DIR } from '../control-plane';
import { exec } from '../exec';
import { buildImage, ImageArchive } from './oci-image';

/** The sandbox image Kubernetes 1.34 defaults to (kubeadm's PauseVersion); containerd is told this name. */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10.1';

/** The folder of the Kubernetes module the tools' wrapper pins, in the Go module cache. */
export function kubernetesModuleDir(): string {
  const cwd = path.join(E2E_DIR, 'tools', 'kubernetes');
  return exec('go', ['list', '-m', '-f', '{{.Dir}}', 'k8s.io/kubernetes'], {
    cwd,
    env: { ...process.env, GOFLAGS: '-mod=readonly' },
  }).stdout.trim();
}

export function buildPauseImage(workDir: string): ImageArchive {
  const source = path.join(kubernetesModuleDir(), 'build', 'pause', 'linux', 'pause.c');
  const rootfs = path.join(workDir, 'pause-rootfs');
  fs.mkdirSync(rootfs, { recursive: true });
  const tag = PAUSE_IMAGE.split(':').pop();
  exec('gcc', ['-Os', '-Wall', '-Werror', '-static', `-DVERSION=v${tag}-e2e`, '-o', path.join(rootfs, 'pause'), source]);
  const image = buildImage({ reference: PAUSE_IMAGE, layers: [rootfs], entrypoint: ['/pause'], user: '65535:65535' }, workDir);
  fs.rmSync(rootfs, { recursive: true, force: true });
  return image;
}
