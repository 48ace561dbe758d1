/**
 * The Traefik side of a lab edge node, as the HA labs use it: started, killed, made to fail its ping.
 * Two kinds: the real Traefik run from its synthesized pod against a real API server (lab/traefik/real-traefik.ts),
 * and a small HTTP stand-in (lab/traefik/standin.ts) for machines without the upstream builds.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { track } from '../core/sys';

export interface TraefikFleet {
  /** What ran, for reports: e.g. `Traefik v3.7.10 (real, from its pod) against kube-apiserver v1.34.4`. */
  readonly description: string;
  /** Once, after the lab's network exists and before the first start. */
  setup(): Promise<void>;
  /** After the first start on every node: what must hold once the fleet runs (throws otherwise). */
  checkAfterStart(): Promise<void>;
  /** Starts Traefik on `node`; resolves once its ping and web entrypoints answer. */
  start(node: string): Promise<void>;
  /** The process dies (SIGKILL). */
  kill(node: string): void;
  running(node: string): boolean;
  /**
   * true: the node's /ping answers 503 from now on. false: healthy again (a restart where the fault ended the
   * process); `start` waits for that restart.
   */
  setFailing(node: string, failing: boolean): void;
  /** The lab flushed the node's addresses (a reboot): restore what the fleet added there. */
  networkReset(node: string): void;
  /** Error lines Traefik logged so far (a lab error each). */
  errorLines(): string[];
  teardown(): Promise<void>;
}

export interface StandinOptions {
  readonly workDir: string;
  readonly webPort: number;
  readonly pingPort: number;
  readonly pingPath: string;
  /** The node's network namespace. */
  ns(node: string): string;
}

function nodeScript(script: string, args: string[]): string[] {
  return [process.execPath, '-r', require.resolve('@swc-node/register'), path.join(__dirname, script), ...args];
}

/** The stand-in answers its node's name on the web port and 200 on ping, 503 while a drain file exists. */
export const STANDIN_DESCRIPTION = 'a Traefik stand-in (lab/traefik/standin.ts: answers the node name, ping 503 while failing)';

export class StandinTraefik implements TraefikFleet {
  readonly description = STANDIN_DESCRIPTION;
  private readonly children: Record<string, ChildProcess | undefined> = {};

  constructor(private readonly opts: StandinOptions) {}

  async setup(): Promise<void> {}

  async checkAfterStart(): Promise<void> {}

  private drainFile(node: string): string {
    return path.join(this.opts.workDir, `drain-${node}`);
  }

  async start(node: string): Promise<void> {
    if (this.children[node]) return;
    const o = this.opts;
    const cmd = nodeScript('standin.ts', [node, String(o.webPort), String(o.pingPort), o.pingPath, this.drainFile(node)]);
    const child = spawn('ip', ['netns', 'exec', o.ns(node), ...cmd], { stdio: ['pipe', 'pipe', 'pipe'] });
    track(child, false);
    this.children[node] = child;
    child.once('exit', () => {
      if (this.children[node] === child) this.children[node] = undefined;
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 15000);
      readline.createInterface({ input: child.stdout! }).on('line', (l) => {
        if (l.trim() === 'ready') {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!ready) throw new Error(`Traefik stand-in on ${node} did not start: ${stderr.trim()}`);
  }

  kill(node: string): void {
    const c = this.children[node];
    if (c?.pid) process.kill(c.pid, 'SIGKILL');
    this.children[node] = undefined;
  }

  running(node: string): boolean {
    return !!this.children[node];
  }

  setFailing(node: string, failing: boolean): void {
    if (failing) fs.writeFileSync(this.drainFile(node), 'draining\n');
    else fs.rmSync(this.drainFile(node), { force: true });
  }

  networkReset(): void {}

  errorLines(): string[] {
    return [];
  }

  async teardown(): Promise<void> {
    for (const c of Object.values(this.children)) {
      c?.stdin?.end();
      if (c?.pid) process.kill(c.pid, 'SIGTERM');
    }
  }
}
