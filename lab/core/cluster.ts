/**
 * The simulated edge cluster: one bridge namespace, one namespace per edge node, one client
 * namespace, all veth'd to the bridge and nothing connected to the host. Each node runs the real
 * keepalived (the EdgeUnderTest's config and arguments) and Traefik (lab/traefik/fleet.ts: the real one from its
 * pod against a real API server, or a stand-in).
 */
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { pickFreeAddress } from './addr';
import type { LabNetwork } from '../traefik/real-traefik';
import { EdgeUnderTest } from './edge-under-test';
import {
  ClientSample,
  NodeEvent,
  NodeState,
  Timeline,
  VrrpState,
  effectiveHolders,
  linkFlagsUp,
  parseClientLine,
  parseKeepalivedState,
} from './timeline';
import { ipn, nowMs, removeNamespaces, run, sleep, track, waitFor } from './sys';
import { addBridge, addNamespaces, attachToBridge } from './network';
import { TraefikFleet } from '../traefik/fleet';
import { REPO_ROOT } from './cli';
import { killGroup, stopGroup } from './processes';
import { startVipMonitor } from './vip-monitor';

export const KEEPALIVED = '/usr/sbin/keepalived';
export const SETPRIV = '/usr/bin/setpriv';

export interface ClusterOptions {
  /** `edgelab-<pid>-` */
  readonly prefix: string;
  /** Scratch dir for config, run dirs, drain files. */
  readonly workDir: string;
  /** keepalived console logs go here, one file per node. */
  readonly logDir: string;
  /** Upper bound for the client's lifetime (it is restarted if it ran out). */
  readonly clientMaxSeconds: number;
  readonly clientIntervalMs: number;
  readonly clientTimeoutMs: number;
  /** The Traefik the nodes run, given the lab's network (lab/traefik/fleet.ts). */
  readonly traefik: (net: LabNetwork) => TraefikFleet;
}

export interface VrrpTransition {
  readonly t: number;
  readonly node: string;
  readonly state: VrrpState;
}

export interface Marker {
  readonly t: number;
  readonly label: string;
}

/** setpriv arguments that keep only `caps` (e.g. NET_ADMIN) in the bounding set. */
export function setprivArgs(caps: readonly string[]): string[] {
  const list = caps.map((c) => `+${c.toLowerCase().replace(/^cap_/, '')}`);
  return [SETPRIV, `--bounding-set=-all${list.length ? ',' + list.join(',') : ''}`, '--inh-caps=-all'];
}

function nodeCmd(script: string, args: string[]): string[] {
  return [process.execPath, '-r', require.resolve('@swc-node/register'), path.join(__dirname, script), ...args];
}

export class LabCluster {
  readonly nodes: string[];
  readonly brNs: string;
  readonly clientNs: string;
  readonly clientAddress: string;
  readonly confPath: string;
  readonly markers: Marker[] = [];
  readonly samples: ClientSample[] = [];
  readonly transitions: VrrpTransition[] = [];
  /** `keepalived -t` per node (in the node's namespace, so interface checks are real). */
  readonly configTest: Array<{ node: string; rc: number; output: string }> = [];
  /** Latest VRRP state per node from its log; null while keepalived is not running. */
  readonly vrrpState: Record<string, VrrpState | null> = {};
  readonly traefik: TraefikFleet;
  lastActivityAt = 0;

  private readonly nsOf: Record<string, string> = {};
  private readonly portOf: Record<string, string> = {};
  private readonly initial: Record<string, NodeState> = {};
  private readonly live: Record<string, NodeState> = {};
  private readonly events: NodeEvent[] = [];
  private readonly keepalived: Record<string, ChildProcess | undefined> = {};
  private readonly monitors: ChildProcess[] = [];
  private client?: ChildProcess;
  private readonly logs: Record<string, fs.WriteStream> = {};
  /** Last console lines per node, quoted when the cluster does not settle. */
  private readonly tail: Record<string, string[]> = {};

  constructor(
    readonly edge: EdgeUnderTest,
    readonly opts: ClusterOptions,
  ) {
    this.nodes = edge.nodes.map((n) => n.name);
    this.brNs = `${opts.prefix}br`;
    this.clientNs = `${opts.prefix}client`;
    edge.nodes.forEach((n, i) => {
      this.nsOf[n.name] = `${opts.prefix}node-${n.name}`;
      this.portOf[n.name] = `p${i}`;
    });
    this.clientAddress = pickFreeAddress(
      edge.vip,
      edge.subnetPrefix,
      edge.nodes.map((n) => n.address),
    );
    this.confPath = path.join(opts.workDir, 'keepalived.conf');
    this.traefik = opts.traefik({
      prefix: opts.prefix,
      brNs: this.brNs,
      interfaceName: edge.interfaceName,
      prefixLength: edge.subnetPrefix,
      nodes: edge.nodes,
      taken: [edge.vip, this.clientAddress],
      ns: (n) => this.ns(n),
    });
  }

  ns(node: string): string {
    const ns = this.nsOf[node];
    if (!ns) throw new Error(`unknown node ${node}`);
    return ns;
  }

  // -------------------------------------------------------------------------------------------
  // Topology

  async setup(): Promise<void> {
    const { edge } = this;
    fs.mkdirSync(this.opts.workDir, { recursive: true });
    fs.mkdirSync(this.opts.logDir, { recursive: true });
    fs.writeFileSync(this.confPath, edge.keepalivedConf, { mode: 0o644 });

    addNamespaces([this.brNs, this.clientNs, ...this.nodes.map((n) => this.ns(n))]);
    addBridge(this.brNs);

    const attach = (ns: string, port: string, address: string): void =>
      attachToBridge(this.brNs, port, ns, edge.interfaceName, address, edge.subnetPrefix);
    edge.nodes.forEach((n) => attach(this.ns(n.name), this.portOf[n.name], n.address));
    attach(this.clientNs, 'pc', this.clientAddress);

    for (const n of this.nodes) {
      const r = run('ip', ['netns', 'exec', this.ns(n), KEEPALIVED, '-t', '-f', this.confPath, '--config-id', n], { allowFail: true });
      this.configTest.push({ node: n, rc: r.code, output: `${r.stderr}${r.stdout}`.trim() });
    }

    // Wait for carriers before snapshotting the initial state.
    await waitFor(() => this.nodes.every((n) => this.linkUpNow(n)), 3000, 20);
    for (const n of this.nodes) this.startMonitor(n);
    await sleep(300); // let the monitors subscribe before taking the snapshot
    for (const n of this.nodes) {
      const st = { vip: this.vipPresentNow(n), link: this.linkUpNow(n) };
      this.initial[n] = { ...st };
      this.live[n] = { ...st };
      this.vrrpState[n] = null;
    }
    await this.traefik.setup();
    for (const n of this.nodes) await this.startTraefik(n);
    await this.traefik.checkAfterStart();
    await this.ensureClient();
  }

  private linkUpNow(node: string): boolean {
    const out = ipn(this.ns(node), ['-o', 'link', 'show', 'dev', this.edge.interfaceName], true);
    const m = /<([^>]*)>/.exec(out);
    return !!m && linkFlagsUp(m[1]);
  }

  private vipPresentNow(node: string): boolean {
    const out = ipn(this.ns(node), ['-o', '-4', 'addr', 'show'], true);
    return out.split('\n').some((l) => l.includes(` inet ${this.edge.vip}/`));
  }

  private startMonitor(node: string): void {
    this.monitors.push(
      startVipMonitor({
        node,
        ns: this.ns(node),
        vip: this.edge.vip,
        interfaceName: this.edge.interfaceName,
        events: this.events,
        live: this.live,
        recording: () => node in this.initial,
        onEvent: (e) => {
          if (e.kind === 'vip-add' || e.kind === 'vip-del') this.lastActivityAt = Math.max(this.lastActivityAt, e.t);
        },
      }),
    );
  }

  timeline(): Timeline {
    return { nodes: this.nodes, initial: this.initial, events: [...this.events] };
  }

  /** Nodes holding the VIP on a live link right now (as far as the monitors reported). */
  holders(): string[] {
    return effectiveHolders(this.live);
  }

  /** Nodes with the VIP address configured, whether or not their link is up. */
  vipConfigured(): string[] {
    return this.nodes.filter((n) => this.live[n].vip);
  }

  mark(label: string, t = nowMs()): number {
    this.markers.push({ t, label });
    return t;
  }

  // -------------------------------------------------------------------------------------------
  // Traefik

  startTraefik(node: string): Promise<void> {
    return this.traefik.start(node);
  }

  /** The Traefik process dies (SIGKILL). */
  killTraefik(node: string): void {
    this.traefik.kill(node);
  }

  traefikRunning(node: string): boolean {
    return this.traefik.running(node);
  }

  /** The node's Traefik fails its ping from now on (true) or is healthy again (false). */
  setTraefikFailing(node: string, failing: boolean): void {
    this.traefik.setFailing(node, failing);
  }

  // -------------------------------------------------------------------------------------------
  // Client

  async ensureClient(): Promise<void> {
    if (this.client) return;
    const { edge, opts } = this;
    const url = `http://${edge.vip}:${edge.webPort}/`;
    const cmd = nodeCmd('client.ts', [url, String(opts.clientIntervalMs), String(opts.clientTimeoutMs), String(opts.clientMaxSeconds)]);
    const child = spawn('ip', ['netns', 'exec', this.clientNs, ...cmd], { stdio: ['pipe', 'pipe', 'pipe'], cwd: REPO_ROOT });
    track(child, false);
    this.client = child;
    child.once('exit', () => {
      if (this.client === child) this.client = undefined;
    });
    readline.createInterface({ input: child.stdout! }).on('line', (l) => {
      const s = parseClientLine(l);
      if (s) this.samples.push(s);
    });
    // The client needs ~0.5 s to start (TypeScript loader); wait for its first sample.
    const n = this.samples.length;
    await waitFor(() => this.samples.length > n, 10000, 20);
  }

  // -------------------------------------------------------------------------------------------
  // keepalived

  keepalivedRunning(node: string): boolean {
    return !!this.keepalived[node];
  }

  /** PID of the process started by startKeepalived (keepalived itself once the start command exec'd it). */
  keepalivedPid(node: string): number | undefined {
    return this.keepalived[node]?.pid;
  }

  runDir(node: string): string {
    return path.join(this.opts.workDir, 'run', node);
  }

  /**
   * Starts keepalived on `node`. `podCommand` replaces the plain keepalived command line, e.g. with the
   * DaemonSet's own start command run as a kubelet would (lab/core/keepalived-pod.ts); it gets the fresh run dir.
   */
  startKeepalived(node: string, podCommand?: (runDir: string) => string[]): void {
    if (this.keepalived[node]) throw new Error(`keepalived already running on ${node}`);
    const runDir = this.runDir(node);
    // A fresh run dir per start, like a new container: no stale pid files.
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.mkdirSync(runDir, { recursive: true, mode: 0o755 });
    const args = this.edge.keepalivedArgs(node, { configFile: this.confPath, runDir });
    const prefix = this.edge.capabilities ? setprivArgs(this.edge.capabilities) : [];
    const command = podCommand?.(runDir) ?? ['ip', 'netns', 'exec', this.ns(node), ...prefix, KEEPALIVED, ...args];
    const child = spawn(command[0], command.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: a crash kills parent and VRRP child together
    });
    track(child, true);
    this.keepalived[node] = child;
    const log = this.logFor(node);
    log.write(`${new Date().toISOString()} lab: start ${podCommand ? command.join(' ') : [...prefix, KEEPALIVED, ...args].join(' ')}\n`);
    const onLine = (line: string): void => {
      const t = nowMs();
      log.write(`${new Date(t).toISOString()} ${line}\n`);
      const tail = (this.tail[node] ??= []);
      tail.push(line.replace(/^\w{3} \w{3} +\d+ [\d:]+ \d{4}: /, ''));
      if (tail.length > 3) tail.shift();
      const st = parseKeepalivedState(line);
      if (st && this.keepalived[node] === child) {
        this.vrrpState[node] = st;
        this.transitions.push({ t, node, state: st });
        this.lastActivityAt = Math.max(this.lastActivityAt, t);
      }
    };
    readline.createInterface({ input: child.stdout! }).on('line', onLine);
    readline.createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code, sig) => {
      log.write(`${new Date().toISOString()} lab: keepalived exited code=${code} signal=${sig}\n`);
      if (this.keepalived[node] === child) {
        this.keepalived[node] = undefined;
        this.vrrpState[node] = null;
      }
    });
  }

  private logFor(node: string): fs.WriteStream {
    return (this.logs[node] ??= fs.createWriteStream(path.join(this.opts.logDir, `${node}.keepalived.log`), { flags: 'a' }));
  }

  /** The node's vrrp_startup_delay in ms (0 if none): how long after its start it would not take the VIP over. */
  startupDelayMs(node: string): number {
    const esc = node.replace(/[.]/g, '\\.');
    const m = new RegExp(`^\\s*@${esc} vrrp_startup_delay (\\d+(?:\\.\\d+)?)$`, 'm').exec(this.edge.keepalivedConf);
    return m ? Number(m[1]) * 1000 : 0;
  }

  /** Graceful stop (pod deletion): SIGTERM, then SIGKILL to the group at exit or after 5 s. */
  async stopKeepalived(node: string, signalTime?: (t: number) => void): Promise<void> {
    const child = this.keepalived[node];
    if (!child?.pid) return;
    signalTime?.(nowMs());
    await stopGroup(child, 5000);
  }

  /** Crash: SIGKILL keepalived's whole process group (parent and VRRP child, no goodbye advert). */
  async crashKeepalived(node: string): Promise<number> {
    const child = this.keepalived[node];
    if (!child?.pid) throw new Error(`keepalived not running on ${node}`);
    const t = nowMs();
    const exited = killGroup(child);
    // Belt and braces: the VRRP child must not survive (it would go graceful on PDEATHSIG).
    try {
      const vrrpPid = Number(fs.readFileSync(path.join(this.runDir(node), 'vrrp.pid'), 'utf8').trim());
      if (vrrpPid > 1) process.kill(vrrpPid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await exited;
    return t;
  }

  // -------------------------------------------------------------------------------------------
  // Network faults

  linkDown(node: string): void {
    ipn(this.ns(node), ['link', 'set', this.edge.interfaceName, 'down']);
  }

  /** What a reboot does to the node's network: addresses gone, link up, own address back. */
  rebootNetwork(node: string): void {
    const ifc = this.edge.interfaceName;
    const addr = this.edge.nodes.find((n) => n.name === node)!.address;
    ipn(this.ns(node), ['addr', 'flush', 'dev', ifc]);
    ipn(this.ns(node), ['link', 'set', ifc, 'up']);
    ipn(this.ns(node), ['addr', 'add', `${addr}/${this.edge.subnetPrefix}`, 'dev', ifc]);
    this.traefik.networkReset(node);
  }

  /** Bridge port isolation: nodes cannot reach each other, the client still reaches every node. */
  setPartition(on: boolean): void {
    for (const n of this.nodes) {
      run('bridge', ['-n', this.brNs, 'link', 'set', 'dev', this.portOf[n], 'isolated', on ? 'on' : 'off']);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Whole-cluster helpers

  /**
   * Brings the cluster to the canonical start state: every stand-in healthy, every link up, no
   * stale VIP, keepalived freshly started everywhere, one stable master. Returns the master.
   */
  async reset(settleMs: number, timeoutMs: number): Promise<string> {
    for (const n of this.nodes) this.setTraefikFailing(n, false);
    await Promise.all(this.nodes.map((n) => this.stopKeepalived(n)));
    for (const n of this.nodes) {
      if (!this.traefikRunning(n)) await this.startTraefik(n);
      if (!this.live[n].link || this.live[n].vip) this.rebootNetwork(n);
    }
    await waitFor(() => this.vipConfigured().length === 0 && this.nodes.every((n) => this.live[n].link), 3000, 10);
    await this.ensureClient();
    const started = nowMs();
    for (const n of this.nodes) this.startKeepalived(n);
    const holder = await this.waitStable(settleMs, timeoutMs);
    // Lower priorities hold back for their vrrp_startup_delay (cold-start election): until it is over such a
    // backup would not take the VIP over, so the fault scenarios start once every delay has run out.
    const delays = [...this.edge.keepalivedConf.matchAll(/vrrp_startup_delay\s+(\d+(?:\.\d+)?)/g)].map((m) => Number(m[1]));
    const until = started + Math.max(0, ...delays) * 1000 + 500;
    if (until > nowMs()) await sleep(until - nowMs());
    return delays.length > 0 ? this.waitStable(settleMs, timeoutMs) : holder;
  }

  /** One effective holder that is MASTER, every other running node BACKUP, quiet for settleMs. */
  stableHolder(settleMs: number): string | null {
    const holders = this.holders();
    if (holders.length !== 1) return null;
    const h = holders[0];
    for (const n of this.nodes) {
      if (!this.keepalivedRunning(n)) continue;
      const st = this.vrrpState[n];
      if (n === h ? st !== 'MASTER' : st !== 'BACKUP') return null;
    }
    if (!this.keepalivedRunning(h)) return null;
    if (nowMs() - this.lastActivityAt < settleMs) return null;
    return h;
  }

  async waitStable(settleMs: number, timeoutMs: number): Promise<string> {
    let h: string | null = null;
    const ok = await waitFor(() => (h = this.stableHolder(settleMs)) !== null, timeoutMs, 20);
    if (!ok || !h) {
      const states = this.nodes.map((n) => `${n}=${this.vrrpState[n] ?? 'down'}`).join(' ');
      const tails = this.nodes.map((n) => `${n}: ${(this.tail[n] ?? []).join(' / ')}`).join('; ');
      throw new Error(
        `cluster not stable after ${timeoutMs} ms (holders: [${this.holders().join(',')}], ${states}; last keepalived lines: ${tails})`,
      );
    }
    return h;
  }

  async teardown(): Promise<void> {
    this.client?.stdin?.end();
    await Promise.all(this.nodes.map((n) => this.stopKeepalived(n)));
    await this.traefik.teardown();
    for (const m of this.monitors) if (m.pid && m.exitCode === null) m.kill('SIGTERM');
    if (this.client?.pid) this.client.kill('SIGTERM');
    await Promise.all(Object.values(this.logs).map((l) => new Promise((r) => l.end(r))));
    await sleep(100);
    // Every namespace of this cluster, the fleet's too (e.g. a check script still running is killed first).
    removeNamespaces(this.opts.prefix);
  }
}
