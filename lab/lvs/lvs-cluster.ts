/**
 * The simulated LVS edge: a bridge namespace, one namespace per edge node, one client namespace with
 * several source addresses, nothing connected to the host. Each node gets the init container's
 * host-preparation script, the real keepalived (DaemonSet arguments, capabilities, ConfigMap file) and a
 * Traefik stand-in listening like a hostNetwork Traefik. Needs a kernel with IP_VS.
 */
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import * as ts from 'typescript';
import { KEEPALIVED } from '../core/cluster';
import { REPO_ROOT } from '../core/cli';
import { killGroup, stopGroup } from '../core/processes';
import { startVipMonitor } from '../core/vip-monitor';
import { addBridge, addNamespaces } from '../core/network';
import { podCommand, podVolumes, writeProjectedVolume } from '../core/keepalived-pod';
import { ipn, killNamespacePids, nowMs, run, sleep, track, waitFor } from '../core/sys';
import { NodeEvent, NodeState, Timeline, effectiveHolders, parseKeepalivedState } from '../core/timeline';
import {
  LoadSample,
  arpResponders,
  ipvsConnStates,
  ipvsRealServers,
  ipvsScheduledConns,
  ipvsServiceCount,
  parseCheckerChange,
} from './lvs-analysis';
import { LVS_LAB, LvsEdge } from './lvs-edge';

/** A spawn error (e.g. a missing command) names the command instead of crashing the lab without context. */
function onSpawnError(child: ChildProcess): ChildProcess {
  child.on('error', (e) => process.stderr.write(`lvs lab: ${child.spawnargs.join(' ')}: ${e.message} (PATH=${process.env.PATH})\n`));
  return child;
}

/**
 * The helper processes (stand-ins, client) use only Node's built-ins; they are transpiled to plain JavaScript
 * once, because loading the TypeScript loader costs 20-30 s per process inside User-Mode Linux.
 */
function helperJs(workDir: string, script: string): string {
  const out = path.join(workDir, script.replace(/\.ts$/, '.js'));
  if (!fs.existsSync(out)) {
    const source = fs.readFileSync(path.join(__dirname, script), 'utf8');
    fs.writeFileSync(
      out,
      ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText,
    );
  }
  return out;
}

export interface LvsClusterOptions {
  readonly prefix: string;
  readonly workDir: string;
  readonly logDir: string;
  /** Root of the node OS for the host-preparation script's `chroot` (HOST_ROOT). */
  readonly hostRoot: string;
  /** Run without the loop guard: net.ipv4.vs.backup_only=0 after the host preparation. */
  readonly noLoopGuard?: boolean;
  /** Run with net.ipv4.vs.sloppy_tcp=0 after the host preparation (what the setting fixes). */
  readonly noSloppyTcp?: boolean;
  /** Run with net.ipv4.vs.expire_nodest_conn=0 after the host preparation (what the setting fixes). */
  readonly noExpireNodestConn?: boolean;
  /**
   * The load's new connections reuse the address and port of an earlier request (2 to 100 s old), as the
   * clients behind a busy NAT gateway do, so that each SYN meets a flow IPVS still remembers. The client
   * namespace gets tcp_tw_reuse=1 so its own TIME_WAIT sockets do not refuse the port.
   * @default false (the kernel chooses each source port)
   */
  readonly reuseClientPorts?: boolean;
}

export interface Transition {
  readonly t: number;
  readonly node: string;
  readonly state: string;
}

export class LvsCluster {
  readonly nodes: string[];
  readonly configTest: Array<{ node: string; rc: number; output: string }> = [];
  readonly hostPreparation: Array<{ node: string; rc: number; output: string }> = [];
  readonly transitions: Transition[] = [];
  /** keepalived lines saying a check script timed out (a CPU stall of the single-CPU UML kernel). */
  readonly scriptTimeouts: Array<{ t: number; node: string }> = [];
  /** Real servers each director's checker enabled or disabled, by node name. */
  readonly checkerChanges: Array<{ t: number; director: string; server: string; change: 'enabled' | 'disabled' }> = [];
  readonly samples: LoadSample[] = [];
  readonly macOf: Record<string, string> = {};
  private readonly ns: Record<string, string> = {};
  private readonly brNs: string;
  readonly clientNs: string;
  private readonly confPath: string;
  private readonly keepalived: Record<string, ChildProcess | undefined> = {};
  private readonly standins: Record<string, ChildProcess | undefined> = {};
  private readonly standinLines: Record<string, string[]> = {};
  private readonly vrrpState: Record<string, string | null> = {};
  private readonly initial: Record<string, NodeState> = {};
  private readonly live: Record<string, NodeState> = {};
  private readonly events: NodeEvent[] = [];
  private readonly monitors: ChildProcess[] = [];
  private client?: ChildProcess;
  private readonly clientWaiters: Array<{ type: string; resolve: (o: Record<string, unknown>) => void }> = [];
  private lastActivityAt = 0;
  /** Set by reset() when the run starts with a real server not (yet) up. */
  resetNote: string | null = null;
  private readonly logs: Record<string, fs.WriteStream> = {};

  constructor(
    readonly edge: LvsEdge,
    readonly opts: LvsClusterOptions,
  ) {
    this.nodes = edge.nodes.map((n) => n.name);
    this.brNs = `${opts.prefix}br`;
    this.clientNs = `${opts.prefix}client`;
    for (const n of this.nodes) this.ns[n] = `${opts.prefix}${n}`;
    this.confPath = path.join(opts.workDir, 'keepalived.conf');
  }

  nsOf(node: string): string {
    return this.ns[node];
  }

  addressOf(node: string): string {
    return this.edge.nodes.find((n) => n.name === node)!.address;
  }

  async setup(): Promise<void> {
    const { edge } = this;
    fs.mkdirSync(this.opts.workDir, { recursive: true });
    fs.mkdirSync(this.opts.logDir, { recursive: true });
    fs.writeFileSync(this.confPath, edge.keepalivedConf, { mode: 0o644 });
    addNamespaces([this.brNs, this.clientNs, ...this.nodes.map((n) => this.ns[n])]);
    addBridge(this.brNs);
    const attach = (ns: string, port: string, addresses: string[]): void => {
      ipn(this.brNs, ['link', 'add', port, 'type', 'veth', 'peer', 'name', edge.interfaceName, 'netns', ns]);
      ipn(this.brNs, ['link', 'set', port, 'master', 'br0']);
      ipn(this.brNs, ['link', 'set', port, 'up']);
      for (const a of addresses) ipn(ns, ['addr', 'add', `${a}/${edge.subnetPrefix}`, 'dev', edge.interfaceName]);
      ipn(ns, ['link', 'set', edge.interfaceName, 'up']);
    };
    this.nodes.forEach((n, i) => attach(this.ns[n], `p${i}`, [this.addressOf(n)]));
    attach(this.clientNs, 'pc', LVS_LAB.clientAddresses);
    if (this.opts.reuseClientPorts) run('ip', ['netns', 'exec', this.clientNs, 'sysctl', '-qw', 'net.ipv4.tcp_tw_reuse=1']);
    for (const n of this.nodes) {
      const out = ipn(this.ns[n], ['-o', 'link', 'show', 'dev', edge.interfaceName]);
      this.macOf[n] = (/link\/ether ([0-9a-f:]{17})/.exec(out)?.[1] ?? '').toLowerCase();
    }

    // The init container's script, run as the kubelet would run it (in the node's network namespace).
    if (edge.hostPreparation !== undefined) {
      for (const n of this.nodes) {
        const r = run(
          'ip',
          ['netns', 'exec', this.ns[n], 'env', `HOST_ROOT=${this.opts.hostRoot}`, '/bin/sh', '-c', edge.hostPreparation],
          { allowFail: true },
        );
        this.hostPreparation.push({ node: n, rc: r.code, output: `${r.stdout}${r.stderr}`.trim() });
        if (r.code !== 0) throw new Error(`host preparation failed on ${n} (rc ${r.code}): ${r.stderr.trim()}`);
        if (this.opts.noLoopGuard) run('ip', ['netns', 'exec', this.ns[n], 'sysctl', '-qw', 'net.ipv4.vs.backup_only=0']);
        if (this.opts.noSloppyTcp) run('ip', ['netns', 'exec', this.ns[n], 'sysctl', '-qw', 'net.ipv4.vs.sloppy_tcp=0']);
        if (this.opts.noExpireNodestConn) run('ip', ['netns', 'exec', this.ns[n], 'sysctl', '-qw', 'net.ipv4.vs.expire_nodest_conn=0']);
      }
    }
    // The seed prepares nothing: its keepalived, run as root on the host, has the kernel load ip_vs and the
    // scheduler. The container cannot (no SYS_MODULE), so the node's modprobe does it here.
    for (const m of edge.labLoadsModules ?? []) run('chroot', [this.opts.hostRoot, 'modprobe', m]);
    for (const n of this.nodes) {
      const r = run('ip', ['netns', 'exec', this.ns[n], KEEPALIVED, '-t', '-f', this.confPath, '--config-id', n], { allowFail: true });
      this.configTest.push({ node: n, rc: r.code, output: `${r.stderr}${r.stdout}`.trim() });
    }
    for (const n of this.nodes) this.startMonitor(n);
    await sleep(300);
    for (const n of this.nodes) {
      const st = { vip: this.vipOnEth(n), link: true };
      this.initial[n] = { ...st };
      this.live[n] = { ...st };
    }
    for (const n of this.nodes) await this.startStandin(n);
    await this.startClient();
  }

  private vipOnEth(node: string): boolean {
    return ipn(this.ns[node], ['-o', '-4', 'addr', 'show', 'dev', this.edge.interfaceName], true).includes(` inet ${this.edge.vip}/`);
  }

  private startMonitor(node: string): void {
    this.monitors.push(
      startVipMonitor({
        node,
        ns: this.ns[node],
        vip: this.edge.vip,
        interfaceName: this.edge.interfaceName,
        events: this.events,
        live: this.live,
        recording: () => node in this.initial,
        onEvent: (e) => (this.lastActivityAt = Math.max(this.lastActivityAt, e.t)),
      }),
    );
  }

  timeline(): Timeline {
    return { nodes: this.nodes, initial: this.initial, events: [...this.events] };
  }

  holders(): string[] {
    return effectiveHolders(this.live);
  }

  // ---------------------------------------------------------------------------------------------
  // Traefik stand-in

  async startStandin(node: string): Promise<void> {
    if (this.standins[node]) return;
    const { edge } = this;
    const health = edge.health !== undefined ? [`${edge.health.address}:${edge.health.port}`] : [];
    const cmd = [
      process.execPath,
      helperJs(this.opts.workDir, 'traefik-standin.ts'),
      node,
      String(edge.webPort),
      String(edge.adminPort),
      String(edge.graceMs),
      ...health,
    ];
    const child = onSpawnError(spawn('ip', ['netns', 'exec', this.ns[node], ...cmd], { stdio: ['pipe', 'pipe', 'pipe'], cwd: REPO_ROOT }));
    track(child, false);
    this.standins[node] = child;
    const lines: string[] = (this.standinLines[node] = []);
    child.once('exit', () => {
      if (this.standins[node] === child) this.standins[node] = undefined;
    });
    readline.createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l.trim()));
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    if (!(await waitFor(() => lines.includes('ready') || !this.standins[node], 60000, 20)) || !lines.includes('ready')) {
      throw new Error(`Traefik stand-in on ${node} did not start: ${stderr.trim()}`);
    }
  }

  standinRunning(node: string): boolean {
    return !!this.standins[node];
  }

  /** Traefik pod deletion: SIGTERM, wait until it has drained and exited. Returns the signal and exit times. */
  async terminateStandin(node: string): Promise<{ sigterm: number; exited: number }> {
    const c = this.standins[node];
    if (!c?.pid) throw new Error(`no stand-in on ${node}`);
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    const sigterm = nowMs();
    process.kill(c.pid, 'SIGTERM');
    await Promise.race([exited, sleep(this.edge.graceMs + 15000)]);
    return { sigterm, exited: nowMs() };
  }

  killStandin(node: string): number {
    const c = this.standins[node];
    const t = nowMs();
    if (c?.pid) process.kill(c.pid, 'SIGKILL');
    this.standins[node] = undefined;
    return t;
  }

  /** Requests served by each stand-in so far. */
  async served(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const n of this.nodes) {
      const c = this.standins[n];
      if (!c) continue;
      const lines = this.standinLines[n];
      const before = lines.length;
      c.stdin!.write('count\n');
      await waitFor(() => lines.slice(before).some((l) => l.startsWith('count ')), 3000, 10);
      const l = lines.slice(before).find((x) => x.startsWith('count '));
      out[n] = l ? Number(l.split(' ')[1]) : NaN;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Client

  private async startClient(): Promise<void> {
    const cmd = [
      process.execPath,
      helperJs(this.opts.workDir, 'lvs-client.ts'),
      this.edge.vip,
      String(this.edge.webPort),
      LVS_LAB.clientAddresses.join(','),
      ...(this.opts.reuseClientPorts ? ['--reuse-source-ports'] : []),
    ];
    const child = onSpawnError(spawn('ip', ['netns', 'exec', this.clientNs, ...cmd], { stdio: ['pipe', 'pipe', 'pipe'], cwd: REPO_ROOT }));
    track(child, false);
    this.client = child;
    readline.createInterface({ input: child.stdout! }).on('line', (l) => {
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(l);
      } catch {
        return;
      }
      if (o.type === 's') this.samples.push(o as unknown as LoadSample);
      const i = this.clientWaiters.findIndex((w) => w.type === o.type);
      if (i >= 0) this.clientWaiters.splice(i, 1)[0].resolve(o);
    });
    await this.clientAwait('ready', 60000);
  }

  clientAwait(type: string, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`client: no ${type} within ${timeoutMs} ms`)), timeoutMs);
      this.clientWaiters.push({
        type,
        resolve: (o) => {
          clearTimeout(t);
          resolve(o);
        },
      });
    });
  }

  clientSend(cmd: object): void {
    this.client!.stdin!.write(JSON.stringify(cmd) + '\n');
  }

  // ---------------------------------------------------------------------------------------------
  // keepalived

  startKeepalived(node: string): void {
    const runDir = path.join(this.opts.workDir, 'run', node);
    fs.rmSync(runDir, { recursive: true, force: true });
    fs.mkdirSync(runDir, { recursive: true });
    // The pod's own container: its start command (validated copy, reloads, the IPVS handover on SIGTERM),
    // arguments, capabilities and mounts, with the ConfigMap written the way kubelet writes it.
    const volumes = podVolumes(this.opts.workDir, node);
    writeProjectedVolume(volumes.configDir, { 'keepalived.conf': this.edge.keepalivedConf });
    // nice -n -15: keepalived gets the CPU before the load generators, as on a node with spare cores.
    const command = ['nice', '-n', '-15', ...podCommand(this.edge.pod, this.ns[node], node, volumes, runDir)];
    const child = onSpawnError(spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
    track(child, true);
    this.keepalived[node] = child;
    const log = (this.logs[node] ??= fs.createWriteStream(path.join(this.opts.logDir, `${node}.keepalived.log`), { flags: 'a' }));
    log.write(
      `${new Date().toISOString()} lab: start the keepalived container: ` +
        `${command.slice(0, 8).join(' ')} ... ${this.edge.pod.args.join(' ')}\n`,
    );
    const onLine = (line: string): void => {
      const t = nowMs();
      if (!log.writableEnded) log.write(`${new Date(t).toISOString()} ${line}\n`);
      const st = parseKeepalivedState(line);
      if (st && this.keepalived[node] === child) {
        this.vrrpState[node] = st;
        this.transitions.push({ t, node, state: st });
        this.lastActivityAt = Math.max(this.lastActivityAt, t);
      }
      if (/VRRP_Script\(.*\) timed_out/.test(line)) this.scriptTimeouts.push({ t, node });
      const chk = parseCheckerChange(line);
      if (chk)
        this.checkerChanges.push({
          t,
          director: node,
          server: this.nodes.find((n) => this.addressOf(n) === chk.address) ?? chk.address,
          change: chk.change,
        });
    };
    readline.createInterface({ input: child.stdout! }).on('line', onLine);
    readline.createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', () => {
      if (this.keepalived[node] === child) {
        this.keepalived[node] = undefined;
        this.vrrpState[node] = null;
      }
    });
  }

  async stopKeepalived(node: string): Promise<number> {
    const c = this.keepalived[node];
    const t = nowMs();
    // The kubelet's 10 s grace period, less a margin.
    if (c) await stopGroup(c, 9000);
    return t;
  }

  /** Power loss: keepalived's whole process group SIGKILLed and the node's link down. */
  async crash(node: string): Promise<number> {
    const c = this.keepalived[node];
    if (!c?.pid) throw new Error(`keepalived not running on ${node}`);
    const t = nowMs();
    const exited = killGroup(c);
    ipn(this.ns[node], ['link', 'set', this.edge.interfaceName, 'down']);
    await exited;
    return t;
  }

  ipvs(node: string, args: string[]): string {
    return run('ip', ['netns', 'exec', this.ns[node], 'ipvsadm', ...args], { allowFail: true }).stdout;
  }

  /** Weights of the real servers in `node`'s IPVS table for the web service. */
  realServers(node: string): Record<string, number> {
    return ipvsRealServers(this.ipvs(node, ['-Ln']), this.edge.vip, this.edge.webPort);
  }

  /** The node's IPVS connection entries of the service, by real server (node name) and state. */
  connStates(node: string): Record<string, Record<string, number>> {
    const byAddr = ipvsConnStates(this.ipvs(node, ['-Lnc']), this.edge.vip, this.edge.webPort);
    return Object.fromEntries(Object.entries(byAddr).map(([a, v]) => [this.nodes.find((n) => this.addressOf(n) === a) ?? a, v]));
  }

  serviceCount(node: string): number {
    return ipvsServiceCount(this.ipvs(node, ['-Ln']));
  }

  scheduledConns(node: string): number {
    return ipvsScheduledConns(this.ipvs(node, ['-Ln', '--stats']), this.edge.vip, this.edge.webPort);
  }

  zeroStats(): void {
    for (const n of this.nodes) this.ipvs(n, ['-Z']);
  }

  /**
   * How many distinct MACs answer ARP for the VIP (asked from the client). Two answers or 3 s: with a 1 s
   * deadline only one probe went out, and one late reply on UML's busy CPU read as no responder at all.
   */
  arpCheck(): number {
    const r = run('ip', ['netns', 'exec', this.clientNs, 'arping', '-c', '2', '-w', '3', '-I', this.edge.interfaceName, this.edge.vip], {
      allowFail: true,
    });
    return arpResponders(r.stdout).length;
  }

  /** One MASTER holding the VIP, every other running node BACKUP, quiet for settleMs; with LVS all real servers up. */
  async waitStable(settleMs: number, timeoutMs: number): Promise<string> {
    let holder: string | null = null;
    const ok = await waitFor(
      () => {
        const h = this.holders();
        if (h.length !== 1 || this.vrrpState[h[0]] !== 'MASTER') return false;
        for (const n of this.nodes) if (n !== h[0] && this.keepalived[n] && this.vrrpState[n] !== 'BACKUP') return false;
        if (nowMs() - this.lastActivityAt < settleMs) return false;
        holder = h[0];
        return true;
      },
      timeoutMs,
      50,
    );
    if (!ok || !holder) {
      const states = this.nodes.map((n) => `${n}=${this.vrrpState[n] ?? 'down'}`).join(' ');
      throw new Error(`cluster not stable after ${timeoutMs} ms (holders [${this.holders().join(',')}], ${states})`);
    }
    return holder;
  }

  /** Until `node`'s director lists every running node's Traefik with a positive weight. */
  async waitRealServersUp(node: string, timeoutMs: number): Promise<boolean> {
    if (!this.edge.directs) return true;
    const want = this.nodes.filter((n) => this.standinRunning(n)).map((n) => this.addressOf(n));
    return waitFor(
      () => {
        const rs = this.realServers(node);
        return want.every((a) => (rs[a] ?? 0) > 0);
      },
      timeoutMs,
      1000,
    ); // each poll runs ipvsadm: a fork and exec, expensive on UML's one CPU
  }

  /** Fresh start: links up, every stand-in serving, keepalived restarted everywhere, one stable master. */
  async reset(): Promise<string> {
    await Promise.all(this.nodes.map((n) => this.stopKeepalived(n)));
    for (const n of this.nodes) {
      if (!this.live[n].link) {
        const ifc = this.edge.interfaceName;
        ipn(this.ns[n], ['addr', 'flush', 'dev', ifc]);
        ipn(this.ns[n], ['link', 'set', ifc, 'up']);
        ipn(this.ns[n], ['addr', 'add', `${this.addressOf(n)}/${this.edge.subnetPrefix}`, 'dev', ifc]);
      }
      if (!this.standinRunning(n)) await this.startStandin(n);
    }
    await waitFor(() => this.nodes.every((n) => this.live[n].link && !this.live[n].vip), 5000, 20);
    for (const n of this.nodes) this.startKeepalived(n);
    const h = await this.waitStable(1000, 60000);
    // Every real server up before the run starts; on a stalling UML CPU a check may still be failing, which
    // the run notes (the spread then shows it) rather than throwing the run away.
    if (!(await this.waitRealServersUp(h, 30000)))
      this.resetNote = `director ${h} listed ${JSON.stringify(this.realServers(h))} at the start`;
    else this.resetNote = null;
    return h;
  }

  async teardown(): Promise<void> {
    this.client?.stdin?.end();
    await Promise.all(this.nodes.map((n) => this.stopKeepalived(n)));
    for (const n of this.nodes) this.standins[n]?.stdin?.end();
    for (const m of this.monitors) if (m.pid && m.exitCode === null) m.kill('SIGTERM');
    await Promise.all(Object.values(this.logs).map((l) => new Promise((r) => l.end(r))));
    await sleep(200);
    for (const ns of [this.brNs, this.clientNs, ...this.nodes.map((n) => this.ns[n])]) {
      killNamespacePids(ns);
      run('ip', ['netns', 'del', ns], { allowFail: true });
    }
  }
}
