/**
 * One real node: containerd and a kubelet started inside the node's network namespace, sharing a mount
 * namespace of the node's own.
 *
 * Both enter the network namespace with `nsenter --net`, not `ip netns exec`: the latter remounts /sys, which
 * hides /sys/fs/cgroup from the kubelet. The node's mount namespace (held by a small `sleep` process) is private
 * to the host, so the kubelet's volume mounts, containerd's overlay mounts and the pods' network namespace files
 * never show on the host and vanish with the node; it has its own /run (containerd's shim sockets, pod network
 * namespaces) and /var/log (the kubelet's fixed /var/log/containers), and is rshared inside so the kubelet's
 * mounts reach containerd's containers, as on a real host.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { sleep, track } from '../../lab/core/sys';
import { exec, logFileTail } from '../exec';
import { ImageArchive } from '../images/oci-image';
import { Pki, writeKubeconfig } from '../pki';
import { cgroupPids, createCgroupRoot, removeCgroupRoot } from './cgroups';
import { cniConfig, containerdConfig, kubeletArgs, kubeletConfig, NodeLayout, nodeLayout } from './config';

export interface RealNodeOptions {
  readonly name: string;
  readonly address: string;
  /** The node's network namespace (created and attached by the caller). */
  readonly netns: string;
  /** The node's state directory (kept short: containerd's socket path lives in it). */
  readonly dir: string;
  /** The node's cgroup root (e2e/kubelet/cgroups.ts nodeCgroupRoot). */
  readonly cgroupRoot: string;
  /** Addresses for the node's non-hostNetwork pods. */
  readonly podCidr: string;
  readonly apiServer: string;
  readonly pki: Pki;
  readonly kubelet: string;
  readonly sandboxImage: string;
  /** @default Debian's containerd and ctr from PATH */
  readonly containerd?: string;
  readonly ctr?: string;
  /** @default Debian's runc from PATH */
  readonly runc?: string;
}

const HOLDER_SCRIPT = [
  'set -e',
  'mount --make-rshared /',
  'mount -t tmpfs -o mode=755 node-run /run',
  'mount -t tmpfs -o mode=755 node-log /var/log',
  'echo ready',
  'exec sleep infinity',
].join('\n');

function killPid(pid: number | undefined): void {
  try {
    if (pid) process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

/** Every node started and not yet stopped, for the exit and signal handlers. */
const live = new Set<RealNode>();

export class RealNode {
  readonly layout: NodeLayout;
  private holder?: ChildProcess;
  private mntNs?: string;
  private containerdProc?: ChildProcess;
  private kubeletProc?: ChildProcess;

  constructor(readonly opts: RealNodeOptions) {
    this.layout = nodeLayout(opts.dir);
  }

  get name(): string {
    return this.opts.name;
  }

  /** Writes the node's files, makes its cgroup root and mount namespace, and starts containerd. */
  async startRuntime(): Promise<void> {
    const l = this.layout;
    for (const d of [l.kubeletRoot, l.podLogs, l.containerdRoot, l.containerdState, l.runcRoot, l.cniConfDir, l.cniDataDir, l.logDir]) {
      fs.mkdirSync(d, { recursive: true });
    }
    fs.writeFileSync(l.containerdConfig, containerdConfig(l, { sandboxImage: this.opts.sandboxImage, runcBinary: this.opts.runc }));
    fs.writeFileSync(
      l.kubeletConfig,
      kubeletConfig(l, { cgroupRoot: this.opts.cgroupRoot, address: this.opts.address, clientCaFile: this.opts.pki.caCert }),
    );
    fs.writeFileSync(path.join(l.cniConfDir, '10-e2e-pods.conflist'), cniConfig(l, this.opts.podCidr));
    fs.writeFileSync(l.resolvConf, 'options ndots:5\n');
    writeKubeconfig(l.kubeconfig, this.opts.pki, this.opts.apiServer, { user: `system:node:${this.name}`, groups: ['system:nodes'] });
    live.add(this);
    createCgroupRoot(this.opts.cgroupRoot);
    // Every Kubernetes node forwards IPv4 (kubeadm's preflight refuses a node without it; the CNI bridge sets it on
    // the worker). It matters here: a packet for the VIP that reaches a node which just gave the VIP up is forwarded
    // (held until the new holder answers ARP) instead of dropped.
    exec('ip', ['netns', 'exec', this.opts.netns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    await this.startHolder();
    this.containerdProc = this.spawnInNode('containerd', this.opts.containerd ?? 'containerd', ['--config', l.containerdConfig]);
    await this.waitFor('containerd', () => this.ctr(['version'], true).code === 0, 30_000, this.containerdProc);
  }

  /** `ctr` against this node's containerd, in the k8s.io namespace the CRI uses. */
  ctr(args: readonly string[], allowFail = false): { code: number; stdout: string; stderr: string } {
    return exec(this.opts.ctr ?? 'ctr', ['--address', this.layout.containerdSocket, '--namespace', 'k8s.io', ...args], {
      allowFail,
      timeoutMs: 300_000,
    });
  }

  /** Imports image archives under their full names and returns the names containerd lists afterwards. */
  importImages(images: readonly ImageArchive[]): string[] {
    for (const img of images) this.ctr(['images', 'import', '--base-name', img.repository, img.file]);
    return this.ctr(['images', 'ls', '-q'])
      .stdout.split('\n')
      .filter((n) => n && !n.startsWith('sha256:'));
  }

  startKubelet(): void {
    this.kubeletProc = this.spawnInNode('kubelet', this.opts.kubelet, kubeletArgs(this.layout, this.opts));
  }

  /** Whether the kubelet (or containerd) has exited, with its log's tail. */
  failure(): string | undefined {
    for (const [name, p] of [
      ['containerd', this.containerdProc],
      ['kubelet', this.kubeletProc],
    ] as const) {
      if (p && p.exitCode !== null) return `${name} on ${this.name} exited (${p.exitCode}): ${this.logTail(name)}`;
    }
    return undefined;
  }

  /** The kubelet's log file of a container's latest run (`<podLogsDir>/<ns>_<pod>_<uid>/<container>/<restart>.log`). */
  containerLog(namespace: string, pod: string, uid: string, container: string): string {
    const dir = path.join(this.layout.podLogs, `${namespace}_${pod}_${uid}`, container);
    const runs = fs.readdirSync(dir).filter((f) => /^\d+\.log$/.test(f));
    if (!runs.length) throw new Error(`${this.name}: no log of container ${container} of pod ${pod} in ${dir}`);
    return path.join(dir, runs.sort((a, b) => parseInt(b, 10) - parseInt(a, 10))[0]);
  }

  logTail(name: string, lines = 20): string {
    return logFileTail(path.join(this.layout.logDir, `${name}.log`), lines);
  }

  /**
   * Kills everything the node runs (kubelet, containerd, the shims and every container) and removes its cgroups;
   * the mount namespace goes with its last process. Synchronous, for exit handlers; returns what could not be
   * removed.
   */
  stop(): string[] {
    if (!live.has(this)) return [];
    live.delete(this);
    const rest = this.killProcesses();
    killPid(this.holder?.pid);
    const left = removeCgroupRoot(this.opts.cgroupRoot);
    if (rest.length) left.push(`processes ${rest.join(' ')}`);
    return left;
  }

  /**
   * The node is lost: SIGKILL its kubelet, containerd, shims and containers at once, nothing graceful. Its files,
   * cgroup root and mount namespace stay, as a disk does, for `restart`. Returns the processes that survived.
   */
  crash(): number[] {
    return this.killProcesses();
  }

  /** The lost node boots again: containerd, then the kubelet, which finds its pods' containers gone and restarts them. */
  async restart(): Promise<void> {
    this.containerdProc = this.spawnInNode('containerd', this.opts.containerd ?? 'containerd', ['--config', this.layout.containerdConfig]);
    await this.waitFor('containerd', () => this.ctr(['version'], true).code === 0, 30_000, this.containerdProc);
    this.startKubelet();
  }

  /** SIGKILLs the kubelet, then every container and every process of the node's mount namespace, until none is left. */
  private killProcesses(): number[] {
    killPid(this.kubeletProc?.pid);
    const deadline = Date.now() + 10_000;
    let rest: number[] = [];
    do {
      // Containers (in the cgroup root), then the node's own processes (in its mount namespace: shims included).
      rest = [...cgroupPids(this.opts.cgroupRoot), ...this.mountNsPids()];
      rest.forEach(killPid);
      if (rest.length) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    } while (rest.length && Date.now() < deadline);
    return rest;
  }

  private mountNsPids(): number[] {
    if (!this.mntNs) return [];
    const out: number[] = [];
    for (const p of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(p) || Number(p) === this.holder?.pid) continue;
      try {
        if (fs.readlinkSync(`/proc/${p}/ns/mnt`) === this.mntNs) out.push(Number(p));
      } catch {
        /* exited */
      }
    }
    return out;
  }

  private async startHolder(): Promise<void> {
    const holder = spawn(
      'nsenter',
      [`--net=/run/netns/${this.opts.netns}`, '--', 'unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', HOLDER_SCRIPT],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    track(holder, true);
    this.holder = holder;
    let output = '';
    holder.stdout!.on('data', (d) => (output += d));
    holder.stderr!.on('data', (d) => (output += d));
    await this.waitFor('the node mount namespace', () => output.includes('ready'), 10_000, holder);
    // unshare execs sh, which execs sleep: the holder's pid is the namespace's first process.
    this.mntNs = fs.readlinkSync(`/proc/${holder.pid}/ns/mnt`);
    if (this.mntNs === fs.readlinkSync('/proc/self/ns/mnt')) throw new Error(`${this.name}: the holder is in the host's mount namespace`);
  }

  /** Starts `bin` in the node's network and mount namespaces, its output in logs/<name>.log. */
  private spawnInNode(name: string, bin: string, args: readonly string[]): ChildProcess {
    const log = fs.openSync(path.join(this.layout.logDir, `${name}.log`), 'a');
    const child = spawn(
      'nsenter',
      [`--mount=/proc/${this.holder!.pid}/ns/mnt`, `--net=/run/netns/${this.opts.netns}`, '--', bin, ...args],
      {
        stdio: ['ignore', log, log],
        detached: true,
      },
    );
    fs.closeSync(log);
    track(child, true);
    return child;
  }

  private async waitFor(what: string, ready: () => boolean, timeoutMs: number, proc?: ChildProcess): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (proc && proc.exitCode !== null) throw new Error(`${what} on ${this.name} exited (${proc.exitCode}): ${this.failure() ?? ''}`);
      if (ready()) return;
      await sleep(100);
    }
    throw new Error(`${what} on ${this.name} not ready after ${timeoutMs / 1000} s`);
  }
}

/** Stops every node still running (exit and signal handlers call this before the namespaces go). */
export function stopAllNodes(): string[] {
  return [...live].flatMap((n) => n.stop().map((l) => `${n.name}: ${l}`));
}
