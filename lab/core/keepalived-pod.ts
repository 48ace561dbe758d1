/**
 * The keepalived pod as a kubelet runs it, for the day-2 lab: the DaemonSet container's own command, args, env
 * and volume mounts, inside a node's network namespace and a private mount namespace.
 *
 * - the ConfigMap directory mount is a per-node directory written like kubelet's atomic writer
 *   (`..<timestamp>/` data dir, `..data` symlink swapped with a rename, `keepalived.conf -> ..data/keepalived.conf`),
 *   so each node sees a new ConfigMap at its own moment, as after a kubelet sync;
 * - the `run` and `tmp` emptyDirs are per-node directories;
 * - the container runs under setpriv with only the DaemonSet's capabilities.
 */
import { expandVars } from './kubelet-expansion';
import * as fs from 'fs';
import * as path from 'path';
import { EdgeIngressProps } from '../../lib';
import { synthesizeEdge } from './synthesized-edge';
import { setprivArgs } from './cluster';

/** The synthesized keepalived container of one EdgeIngress: what the day-2 lab runs. */
export interface KeepalivedPodSpec {
  /** The EdgeIngress props it was synthesized from. */
  readonly props: EdgeIngressProps;
  readonly keepalivedConf: string;
  readonly image: string;
  readonly command: string[];
  readonly args: string[];
  readonly capabilities: string[];
  /** mountPath per volume name (config, run, tmp). */
  readonly mounts: Record<string, string>;
  readonly pingUrl: string;
}

export function synthesizePod(props: EdgeIngressProps): KeepalivedPodSpec {
  const { keepalivedConf, keepalived, traefik } = synthesizeEdge(props);
  return { props, keepalivedConf, ...keepalived, pingUrl: traefik.pingUrl.href };
}

/** kubelet's atomic writer: new data dir, `..data` swapped by rename, stable per-file symlinks, old dir removed. */
export function writeProjectedVolume(dir: string, files: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = `..${new Date().toISOString().replace(/[-:.TZ]/g, '_')}${Math.random().toString(36).slice(2, 8)}`;
  const dataDir = path.join(dir, stamp);
  fs.mkdirSync(dataDir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dataDir, name), text, { mode: 0o644 });
  const link = path.join(dir, '..data');
  let old: string | undefined;
  try {
    old = fs.readlinkSync(link);
  } catch {
    /* first write */
  }
  fs.symlinkSync(stamp, path.join(dir, '..data_tmp'));
  fs.renameSync(path.join(dir, '..data_tmp'), link);
  for (const name of Object.keys(files)) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) fs.symlinkSync(path.join('..data', name), file);
  }
  if (old) fs.rmSync(path.join(dir, old), { recursive: true, force: true });
}

/** Host directories backing one node's volumes. */
export interface PodVolumes {
  readonly configDir: string;
  readonly tmpDir: string;
}

export function podVolumes(workDir: string, node: string): PodVolumes {
  return { configDir: path.join(workDir, 'volumes', node, 'config'), tmpDir: path.join(workDir, 'volumes', node, 'tmp') };
}

/**
 * The command line that starts the pod's keepalived container on `node`: mounts first (as root, in the private
 * mount namespace `ip netns exec` gives every command), then setpriv to the container's capabilities and the
 * container's own command and args expanded as the kubelet does (lab/core/kubelet-expansion.ts).
 */
export function podCommand(
  pod: Pick<KeepalivedPodSpec, 'mounts' | 'args' | 'command' | 'capabilities'>,
  ns: string,
  node: string,
  volumes: PodVolumes,
  runDir: string,
): string[] {
  fs.mkdirSync(volumes.tmpDir, { recursive: true, mode: 0o1777 });
  const configMount = pod.mounts.config;
  const runMount = pod.mounts.run;
  const tmpMount = pod.mounts.tmp;
  // tmpfs over the parent directories: the host's /etc/keepalived and /run stay untouched and out of sight.
  const mountScript = [
    'set -e',
    `mount -t tmpfs lab-etc ${path.dirname(configMount)}`,
    `mkdir -p ${configMount}`,
    `mount --bind "$1" ${configMount}`,
    `mount -o remount,bind,ro ${configMount}`,
    `mount -t tmpfs lab-run ${path.dirname(runMount)}`,
    `mkdir -p ${runMount}`,
    `mount --bind "$2" ${runMount}`,
    `mount --bind "$3" ${tmpMount}`,
    'shift 3',
    'exec "$@"',
  ].join('\n');
  const env = ['env', '-i', `NODE_NAME=${node}`, 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
  const expand = (a: string): string => expandVars(a, { NODE_NAME: node });
  const args = pod.args.map(expand);
  return [
    'ip',
    'netns',
    'exec',
    ns,
    '/bin/sh',
    '-c',
    mountScript,
    'lab-kubelet',
    volumes.configDir,
    runDir,
    volumes.tmpDir,
    ...env,
    ...setprivArgs(pod.capabilities),
    ...pod.command.map(expand),
    ...args,
  ];
}

/** A command run inside the running container (kubectl exec): its mount and network namespaces, its capabilities. */
export function execInPod(pod: KeepalivedPodSpec, keepalivedPid: number, command: string[]): string[] {
  return [
    'nsenter',
    '-t',
    String(keepalivedPid),
    '-m',
    '-n',
    '--',
    'env',
    '-i',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ...setprivArgs(pod.capabilities),
    ...command,
  ];
}
