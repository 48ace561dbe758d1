/**
 * The day-2 lab cluster: the HA lab's namespaces and VIP monitors (LabCluster) with keepalived run as the
 * DaemonSet's pod (lab/core/keepalived-pod.ts), a per-node ConfigMap volume the lab updates at a different moment on each
 * node, and a `kubectl` stand-in (lab/day2/bin/kubectl) through which `npm run status` and `npm run rollout` see
 * and act on the lab like on a cluster.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LabCluster } from '../core/cluster';
import { KeepalivedPodSpec, execInPod, podCommand, podVolumes, writeProjectedVolume } from '../core/keepalived-pod';
import { EdgeUnderTest } from '../core/edge-under-test';
import { ipn, nowMs, waitFor } from '../core/sys';
import { REPO_ROOT } from '../core/cli';

export const KUBECTL_BIN = path.join(__dirname, 'bin');

/** The start command's config-status file of a node. */
export interface ConfigStatus {
  readonly revision: string;
  readonly rejected: string;
  readonly error: string;
}

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function edgeOf(pod: KeepalivedPodSpec): EdgeUnderTest {
  const p = pod.props;
  const ping = new URL(pod.pingUrl);
  return {
    label: 'project defaults (day 2)',
    keepalivedConf: pod.keepalivedConf,
    nodes: p.nodes.map((n) => ({ name: n.name, address: n.address, priority: 0 })),
    vip: p.virtualIp,
    subnetPrefix: Number(p.subnet.split('/')[1]),
    interfaceName: p.interface ?? 'eth0',
    webPort: p.traefik?.webPort ?? 80,
    pingPort: Number(ping.port),
    pingPath: ping.pathname,
    // Unused: the day-2 lab starts keepalived through the pod's own command (Day2Lab.startPod).
    keepalivedArgs: () => [],
    capabilities: pod.capabilities,
  };
}

export class Day2Lab {
  readonly kubectlDir: string;
  /** The DaemonSet's current pod template (what a replacement pod gets). */
  template: KeepalivedPodSpec;
  private readonly podName: Record<string, string | undefined> = {};
  private readonly podImage: Record<string, string> = {};
  private podCounter = 0;
  private readonly podStartedAt: Record<string, number> = {};
  private readonly podConf: Record<string, string> = {};
  private requestTimer?: NodeJS.Timeout;
  private handling = false;
  /** Errors raised while serving the stand-in's delete requests. */
  readonly errors: string[] = [];

  constructor(
    readonly cluster: LabCluster,
    base: KeepalivedPodSpec,
    readonly workDir: string,
  ) {
    this.template = base;
    this.kubectlDir = path.join(workDir, 'kubectl');
  }

  async setup(): Promise<void> {
    await this.cluster.setup();
    fs.mkdirSync(path.join(this.kubectlDir, 'exec'), { recursive: true });
    fs.mkdirSync(path.join(this.kubectlDir, 'requests'), { recursive: true });
    this.setTemplate(this.template);
    this.writePods();
    this.requestTimer = setInterval(() => void this.serveRequests(), 100);
  }

  async teardown(): Promise<void> {
    if (this.requestTimer) clearInterval(this.requestTimer);
    await this.cluster.teardown();
  }

  /** A new DaemonSet template (e.g. a new image): only new pods get it (OnDelete). */
  setTemplate(spec: KeepalivedPodSpec): void {
    this.template = spec;
    const container = { name: 'keepalived', image: spec.image };
    fs.writeFileSync(
      path.join(this.kubectlDir, 'daemonset.json'),
      JSON.stringify({
        kind: 'DaemonSet',
        metadata: { name: 'keepalived' },
        spec: { template: { spec: { containers: [container] } } },
      }),
    );
  }

  /** The ConfigMap object as the API server has it (before kubelets copy it to the nodes). */
  setConfigMap(conf: string): void {
    fs.writeFileSync(
      path.join(this.kubectlDir, 'configmap.json'),
      JSON.stringify({
        kind: 'ConfigMap',
        metadata: { name: 'keepalived-config' },
        data: { 'keepalived.conf': conf },
      }),
    );
  }

  /** A kubelet sync on `node`: the node's ConfigMap volume now holds `conf`. */
  deliverConfig(node: string, conf: string): void {
    writeProjectedVolume(podVolumes(this.workDir, node).configDir, { 'keepalived.conf': conf });
  }

  private writePods(): void {
    const items = this.cluster.nodes
      .filter((n) => this.podName[n])
      .map((n) => ({
        kind: 'Pod',
        metadata: { name: this.podName[n] },
        spec: { nodeName: n, containers: [{ name: 'keepalived', image: this.podImage[n] }] },
        status: { phase: 'Running' },
      }));
    fs.writeFileSync(path.join(this.kubectlDir, 'pods.json.tmp'), JSON.stringify({ kind: 'List', items }));
    fs.renameSync(path.join(this.kubectlDir, 'pods.json.tmp'), path.join(this.kubectlDir, 'pods.json'));
  }

  podRunning(node: string): boolean {
    return this.podName[node] !== undefined;
  }

  startPod(node: string, spec: KeepalivedPodSpec = this.template): void {
    const c = this.cluster;
    c.startKeepalived(node, (runDir) => podCommand(spec, c.ns(node), node, podVolumes(this.workDir, node), runDir));
    const name = `keepalived-${(++this.podCounter).toString(36).padStart(5, '0')}`;
    const pid = c.keepalivedPid(node);
    if (pid === undefined) throw new Error(`keepalived pod on ${node} did not start`);
    fs.writeFileSync(path.join(this.kubectlDir, 'exec', name), execInPod(spec, pid, []).join('\n') + '\n');
    this.podName[node] = name;
    this.podImage[node] = spec.image;
    this.podStartedAt[node] = nowMs();
    this.podConf[node] = spec.keepalivedConf;
    this.writePods();
  }

  /** Pod deletion: SIGTERM to the container's main process (keepalived), as the kubelet does. */
  async stopPod(node: string): Promise<void> {
    const name = this.podName[node];
    const pid = this.cluster.keepalivedPid(node);
    await this.cluster.stopKeepalived(node);
    // The container's other processes (the reloader loop) die with it, as with a pod's PID namespace.
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    this.podName[node] = undefined;
    this.writePods();
    if (name) fs.rmSync(path.join(this.kubectlDir, 'exec', name), { force: true });
  }

  /** The DaemonSet controller with OnDelete: a deleted pod is replaced by one from the current template. */
  private async serveRequests(): Promise<void> {
    if (this.handling) return;
    this.handling = true;
    try {
      const dir = path.join(this.kubectlDir, 'requests');
      for (const f of fs.readdirSync(dir)) {
        fs.rmSync(path.join(dir, f), { force: true });
        const pod = f.replace(/^delete-/, '');
        const node = this.cluster.nodes.find((n) => this.podName[n] === pod);
        if (!node) continue;
        this.cluster.mark(`delete ${node}`);
        await this.stopPod(node);
        this.startPod(node);
      }
    } catch (error) {
      this.errors.push((error as Error).message);
    } finally {
      this.handling = false;
    }
  }

  configStatus(node: string): ConfigStatus | null {
    try {
      const text = fs.readFileSync(path.join(this.cluster.runDir(node), 'config-status'), 'utf8');
      const get = (k: string): string => new RegExp(`^${k}=(.*)$`, 'm').exec(text)?.[1] ?? '';
      return { revision: get('revision'), rejected: get('rejected'), error: get('error') };
    } catch {
      return null;
    }
  }

  /** Stops every pod, removes leftover VIPs, delivers `base` everywhere and starts pods on `nodes`. */
  async reset(base: KeepalivedPodSpec, nodes: string[], settleMs: number): Promise<string> {
    const c = this.cluster;
    await Promise.all(c.nodes.filter((n) => this.podRunning(n)).map((n) => this.stopPod(n)));
    for (const n of c.nodes) {
      c.setTraefikFailing(n, false);
      if (!c.traefikRunning(n)) await c.startTraefik(n);
      c.rebootNetwork(n);
      this.deliverConfig(n, base.keepalivedConf);
    }
    this.setTemplate(base);
    this.setConfigMap(base.keepalivedConf);
    await waitFor(() => c.vipConfigured().length === 0, 3000, 10);
    await c.ensureClient();
    for (const n of nodes) this.startPod(n, base);
    return c.waitStable(settleMs, 20000);
  }

  /**
   * Waits until no running pod is inside its vrrp_startup_delay: before that a backup would not take the VIP over,
   * so a cluster that was just started is not yet the steady state the day-2 scenarios start from.
   */
  async waitStartupDelays(): Promise<void> {
    const until = Math.max(
      0,
      ...this.cluster.nodes
        .filter((n) => this.podRunning(n))
        .map((n) => {
          const m = new RegExp(`^\\s*@${n.replace(/[.]/g, '\\.')} vrrp_startup_delay (\\d+(?:\\.\\d+)?)$`, 'm').exec(this.podConf[n] ?? '');
          return m ? this.podStartedAt[n] + Number(m[1]) * 1000 + 500 : 0;
        }),
    );
    if (until > nowMs()) await new Promise((r) => setTimeout(r, until - nowMs()));
  }

  /** Waits until `pred` holds for the node's config-status; returns when it did (null on timeout). */
  async waitConfig(node: string, pred: (s: ConfigStatus) => boolean, timeoutMs: number): Promise<number | null> {
    const ok = await waitFor(
      () => {
        const s = this.configStatus(node);
        return s !== null && pred(s);
      },
      timeoutMs,
      50,
    );
    return ok ? nowMs() : null;
  }

  /** Runs one of the repo's CLI scripts with the kubectl stand-in first on PATH (asynchronously: the lab keeps serving). */
  runTool(script: string, args: string[], timeoutMs = 600_000): Promise<ToolResult> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), path.join(REPO_ROOT, script), ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, PATH: `${KUBECTL_BIN}:${process.env.PATH}`, EDGELAB_KUBECTL_DIR: this.kubectlDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  /** `npm run status -- --app lab/day2/day2-app.ts [--json]` against the lab. */
  status(json: boolean): Promise<ToolResult> {
    return this.runTool('scripts/status.ts', ['--app', 'lab/day2/day2-app.ts', ...(json ? ['--json'] : [])]);
  }

  /** Times (ms) of the node's keepalived console lines matching `re` (from the lab's per-node log). */
  logTimes(node: string, re: RegExp): number[] {
    let text = '';
    try {
      text = fs.readFileSync(path.join(this.cluster.opts.logDir, `${node}.keepalived.log`), 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((l) => re.test(l))
      .map((l) => Date.parse(l.slice(0, 24)))
      .filter((t) => !Number.isNaN(t));
  }

  /** Nodes whose interface carries `address` right now. */
  nodesWith(address: string): string[] {
    return this.cluster.nodes.filter((n) =>
      ipn(this.cluster.ns(n), ['-o', '-4', 'addr', 'show'], true)
        .split('\n')
        .some((l) => l.includes(` inet ${address}/`)),
    );
  }
}
