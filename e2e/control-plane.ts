/**
 * A real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, all built from
 * upstream modules by e2e/tools/build.sh) in one network namespace. Its owner creates the namespace and wires it
 * to a bridge (the e2e cluster, or the HA lab's edge network); this class gives it certificates, starts the
 * processes and is the administrator's client.
 *
 * With no kube-proxy, the `kubernetes` Service's ClusterIP is an address of the control plane's namespace (the
 * API server listens on 443, the Service's port); other namespaces route SERVICE_CIDR to `address`.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ipn, sleep, track } from '../lab/core/sys';
import { exec, ExecResult, logFileTail } from './exec';
import { createPki, Pki, writeKubeconfig } from './pki';

export const E2E_DIR = __dirname;
export const REPO_ROOT = path.resolve(E2E_DIR, '..');
export const BIN_DIR = process.env.E2E_BIN_DIR ?? path.join(E2E_DIR, 'bin');
export const SERVICE_CIDR = '10.96.0.0/24';
/** The first address of SERVICE_CIDR: the API server gives it to the `kubernetes` Service. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

/** The control-plane binaries build.sh makes; a harness checks for them before it starts. */
export const CONTROL_PLANE_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'] as const;

export interface ControlPlaneOptions {
  /** The network namespace it runs in (created and attached by the owner). */
  readonly namespace: string;
  /** Its address in that namespace: the API server's advertise address. */
  readonly address: string;
  readonly workDir: string;
}

export class ControlPlane {
  readonly cpNs: string;
  readonly cpAddress: string;
  readonly logDir: string;
  readonly kubeconfig: string;
  readonly apiServer: string;
  pki!: Pki;
  private readonly processes: Array<{ name: string; child: ChildProcess }> = [];

  constructor(readonly cpOpts: ControlPlaneOptions) {
    this.cpNs = cpOpts.namespace;
    this.cpAddress = cpOpts.address;
    this.logDir = path.join(cpOpts.workDir, 'logs');
    this.kubeconfig = path.join(cpOpts.workDir, 'admin.kubeconfig');
    this.apiServer = `https://${cpOpts.address}:443`;
  }

  /** Environment for kubectl and helm against this cluster (e2e/bin first on PATH). */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, PATH: `${BIN_DIR}:${process.env.PATH}`, KUBECONFIG: this.kubeconfig, ...extra };
  }

  /**
   * Runs a client command (kubectl, helm, the project's scripts) the way an administrator's machine would:
   * from the control plane's namespace, which reaches the API server.
   */
  client(
    cmd: string,
    args: readonly string[],
    opts: { input?: string; timeoutMs?: number; allowFail?: boolean; cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ): ExecResult {
    return exec('nsenter', [`--net=/run/netns/${this.cpNs}`, '--', cmd, ...args], { ...opts, env: this.env(opts.env) });
  }

  /** One of the project's commands (`scripts/<script>`, as `npm run` starts it) from an administrator's machine. */
  projectScript(
    script: string,
    args: readonly string[],
    opts: { timeoutMs?: number; allowFail?: boolean; env?: NodeJS.ProcessEnv } = {},
  ): ExecResult {
    const register = require.resolve('@swc-node/register');
    return this.client(process.execPath, ['-r', register, path.join(REPO_ROOT, 'scripts', script), ...args], { cwd: REPO_ROOT, ...opts });
  }

  kubectl(args: readonly string[], opts: { input?: string; timeoutMs?: number; allowFail?: boolean } = {}): ExecResult {
    return this.client(path.join(BIN_DIR, 'kubectl'), args, opts);
  }

  /** `kubectl get -o json`, parsed. */
  getJson<T = any>(args: readonly string[]): T {
    return JSON.parse(this.kubectl(['get', ...args, '-o', 'json']).stdout) as T;
  }

  /** Certificates, kubeconfig, the `kubernetes` ClusterIP on lo, then the four processes; resolves once they serve. */
  async startControlPlane(): Promise<void> {
    fs.mkdirSync(this.logDir, { recursive: true });
    ipn(this.cpNs, ['addr', 'add', `${KUBERNETES_SERVICE_IP}/32`, 'dev', 'lo']);
    this.pki = createPki(path.join(this.cpOpts.workDir, 'pki'), {
      ips: [this.cpAddress, KUBERNETES_SERVICE_IP, '127.0.0.1'],
      dns: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost'],
    });
    writeKubeconfig(this.kubeconfig, this.pki, this.apiServer, { user: 'e2e-admin', groups: ['system:masters'] });
    const w = this.cpOpts.workDir;
    const pki = this.pki;
    // How the API server authenticates to real kubelets (exec, logs, port-forward); unused by harness-registered nodes.
    const kubeletClient = pki.client({ user: 'kube-apiserver-kubelet-client', groups: ['system:masters'] });
    this.startProcess('etcd', 'etcd', [
      `--data-dir=${path.join(w, 'etcd')}`,
      '--listen-client-urls=http://127.0.0.1:2379',
      '--advertise-client-urls=http://127.0.0.1:2379',
      '--listen-peer-urls=http://127.0.0.1:2380',
      '--initial-advertise-peer-urls=http://127.0.0.1:2380',
      '--initial-cluster=default=http://127.0.0.1:2380',
      // A throw-away cluster: durability buys nothing and fsync is most of etcd's latency on this disk.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    this.startProcess('kube-apiserver', 'kube-apiserver', [
      '--etcd-servers=http://127.0.0.1:2379',
      '--bind-address=0.0.0.0',
      '--secure-port=443',
      `--advertise-address=${this.cpAddress}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.caCert}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=NodeRestriction',
      '--allow-privileged=true',
      `--kubelet-client-certificate=${kubeletClient.cert}`,
      `--kubelet-client-key=${kubeletClient.key}`,
      // A node's name resolves nowhere on the lab's network; its InternalIP is what the kubelet serves on.
      '--kubelet-preferred-address-types=InternalIP',
      '--profiling=false',
      '--v=1',
    ]);
    await this.waitReady('kube-apiserver', () => this.kubectl(['get', '--raw', '/readyz'], { allowFail: true }).code === 0, 90_000);
    const kubeconfigOf = (user: string): string =>
      writeKubeconfig(path.join(w, `${user.replace(/[:]/g, '-')}.kubeconfig`), pki, this.apiServer, { user });
    const cm = kubeconfigOf('system:kube-controller-manager');
    this.startProcess('kube-controller-manager', 'kube-controller-manager', [
      `--kubeconfig=${cm}`,
      `--authentication-kubeconfig=${cm}`,
      `--authorization-kubeconfig=${cm}`,
      '--bind-address=127.0.0.1',
      '--leader-elect=false',
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--root-ca-file=${pki.caCert}`,
      `--cluster-signing-cert-file=${pki.caCert}`,
      `--cluster-signing-key-file=${pki.caKey}`,
      // No kubelets post heartbeats: nodes the harness reported Ready stay Ready for the run.
      '--node-monitor-grace-period=1h',
      '--v=1',
    ]);
    const sched = kubeconfigOf('system:kube-scheduler');
    this.startProcess('kube-scheduler', 'kube-scheduler', [
      `--kubeconfig=${sched}`,
      `--authentication-kubeconfig=${sched}`,
      `--authorization-kubeconfig=${sched}`,
      '--bind-address=127.0.0.1',
      '--leader-elect=false',
      '--v=1',
    ]);
    // The controller manager is working once it has published the root CA into kube-system.
    await this.waitReady(
      'kube-controller-manager',
      () => this.kubectl(['-n', 'kube-system', 'get', 'configmap', 'kube-root-ca.crt'], { allowFail: true }).code === 0,
      60_000,
    );
  }

  /** Starts `bin` in the control plane's namespace, its output in logs/<name>.log. */
  private startProcess(name: string, bin: string, args: string[]): ChildProcess {
    const log = fs.openSync(path.join(this.logDir, `${name}.log`), 'a');
    const child = spawn('ip', ['netns', 'exec', this.cpNs, path.join(BIN_DIR, bin), ...args], {
      stdio: ['ignore', log, log],
      detached: true,
    });
    fs.closeSync(log);
    track(child, true);
    this.processes.push({ name, child });
    return child;
  }

  private async waitReady(what: string, ready: () => boolean, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      for (const p of this.processes) {
        if (p.child.exitCode !== null) throw new Error(`${p.name} exited (${p.child.exitCode}): ${this.logTail(p.name)}`);
      }
      if (ready()) return;
      await sleep(250);
    }
    throw new Error(`${what} not ready after ${timeoutMs / 1000} s: ${this.logTail(what)}`);
  }

  logTail(name: string, lines = 15): string {
    return logFileTail(path.join(this.logDir, `${name}.log`), lines);
  }

  /**
   * Registers a node as a kubelet would (a Node object with its InternalIP, capacity and Ready condition);
   * labels are the caller's (`npm run label-nodes -- --apply` in the e2e suite).
   */
  registerNode(name: string, address: string): void {
    this.kubectl(['create', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
      }),
    });
    const now = new Date().toISOString();
    const resources = { cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '20Gi' };
    const status = {
      status: {
        addresses: [
          { type: 'InternalIP', address },
          { type: 'Hostname', address: name },
        ],
        capacity: resources,
        allocatable: resources,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'registered by the e2e harness',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
        ],
        nodeInfo: { kubeletVersion: 'v0.0.0-e2e-harness', architecture: 'amd64', operatingSystem: 'linux' },
      },
    };
    this.kubectl(['patch', 'node', name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
  }

  /** Stops the four processes (the namespaces go with the owner's cleanup). */
  stopControlPlane(): void {
    for (const p of [...this.processes].reverse()) {
      try {
        process.kill(-p.child.pid!, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
  }
}
