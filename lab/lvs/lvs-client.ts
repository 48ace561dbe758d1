/**
 * LVS lab client, run inside the client namespace:
 *   node -r @swc-node/register lab/lvs/lvs-client.ts <vip> <port> <srcAddr,srcAddr,...> [--reuse-source-ports]
 * Driven by JSON commands on stdin, answers JSON lines on stdout:
 *   {"cmd":"spread","n":3000,"concurrency":16}   new connections (random source address, kernel-chosen port)
 *   {"cmd":"load","intervalMs":20,"timeoutMs":1000} / {"cmd":"loadStop"}   steady new connections;
 *        every request is reported as {"type":"s","start":ms,"end":ms,"ok":bool,"node":name|null,
 *        "src":addr,"srcPort":port,"error":kind|null} (error: ECONNREFUSED, ECONNRESET, timeout, status 503, ...)
 *   {"cmd":"hold","perNode":10,"maxTries":300,"everyMs":250}   long-lived keep-alive connections until every
 *        node serves perNode of them; each sends a request every everyMs
 *   {"cmd":"holdReport"} / {"cmd":"holdClose"}
 * --reuse-source-ports: each load connection binds the address and port of an earlier load request that ended
 * 2 to 100 s ago (kernel-chosen while there is none), like clients behind a busy NAT gateway; the namespace
 * needs net.ipv4.tcp_tw_reuse=1 for the port to pass this client's own TIME_WAIT sockets.
 * Exits when stdin closes.
 */
import * as net from 'net';
import * as readline from 'readline';

const [vip, portArg, srcArg, ...flags] = process.argv.slice(2);
const reuseSourcePorts = flags.includes('--reuse-source-ports');
const port = Number(portArg);
const sources = (srcArg ?? '').split(',').filter(Boolean);
if (!vip || !port || sources.length === 0) {
  process.stderr.write('usage: lvs-client.ts <vip> <port> <srcAddr,...>\n');
  process.exit(2);
}
const now = (): number => performance.timeOrigin + performance.now();
const emit = (o: object): void => {
  process.stdout.write(JSON.stringify(o) + '\n');
};
const REQUEST = `GET / HTTP/1.1\r\nHost: ${vip}\r\n\r\n`;

/** One keep-alive HTTP/1.1 connection; request() resolves with the answering node's name. */
class Conn {
  readonly sock: net.Socket;
  private buf = '';
  private pending?: { resolve: (n: string) => void; reject: (e: Error) => void };
  closedError?: string;
  /** The kernel-chosen source port, read once bound (a refused connect no longer has it). */
  srcPort = 0;
  constructor(
    readonly src: string,
    localPort?: number,
  ) {
    this.sock = net.connect({ host: vip, port, localAddress: src, localPort });
    // net.connect binds and connects in a next-tick callback queued before this one; a refused connect can
    // close the socket before the next I/O phase ends, so read the port here.
    process.nextTick(() => {
      this.srcPort ||= this.sock.localPort ?? 0;
    });
    this.sock.once('connect', () => {
      this.srcPort ||= this.sock.localPort ?? 0;
    });
    this.sock.setEncoding('utf8');
    this.sock.setNoDelay(true);
    this.sock.on('data', (d: string) => {
      this.buf += d;
      const head = this.buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const m = /content-length:\s*(\d+)/i.exec(this.buf.slice(0, head));
      const len = m ? Number(m[1]) : 0;
      if (this.buf.length < head + 4 + len) return;
      const body = this.buf.slice(head + 4, head + 4 + len).trim();
      const status = this.buf.slice(9, 12);
      this.buf = this.buf.slice(head + 4 + len);
      const ok = status === '200';
      const p = this.pending;
      this.pending = undefined;
      if (ok) p?.resolve(body);
      else p?.reject(new Error(`status ${status}`));
    });
    const fail = (why: string): void => {
      this.closedError ??= why;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(new Error(why));
    };
    this.sock.on('error', (e: NodeJS.ErrnoException) => fail(e.code ?? e.message));
    this.sock.on('close', () => fail('closed'));
  }
  connected(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.sock.destroy();
        reject(new Error('connect timeout'));
      }, timeoutMs);
      this.sock.once('connect', () => {
        clearTimeout(t);
        resolve();
      });
      this.sock.once('error', (e) => {
        clearTimeout(t);
        reject(e);
      });
    });
  }
  request(timeoutMs: number): Promise<string> {
    if (this.closedError) return Promise.reject(new Error(this.closedError));
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending = undefined;
        reject(new Error('timeout'));
      }, timeoutMs);
      this.pending = {
        resolve: (n) => {
          clearTimeout(t);
          resolve(n);
        },
        reject: (e) => {
          clearTimeout(t);
          reject(e);
        },
      };
      this.sock.write(REQUEST);
    });
  }
}

const pick = (): string => sources[Math.floor(Math.random() * sources.length)];

interface ShotResult {
  node: string | null;
  src: string;
  srcPort: number;
  error: string | null;
}

/** One request on a fresh connection, closed afterwards; never rejects. */
async function oneShot(timeoutMs: number, source?: { src: string; port: number }): Promise<ShotResult> {
  const c = source ? new Conn(source.src, source.port) : new Conn(pick());
  try {
    const deadline = now() + timeoutMs;
    await c.connected(timeoutMs);
    const node = await c.request(Math.max(1, deadline - now()));
    return { node, src: c.src, srcPort: c.srcPort, error: null };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { node: null, src: c.src, srcPort: c.srcPort, error: err.code ?? err.message };
  } finally {
    c.sock.destroy();
  }
}

async function spread(n: number, concurrency: number): Promise<void> {
  const perNode: Record<string, number> = {};
  let failed = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const r = await oneShot(3000);
      if (r.node === null) failed++;
      else perNode[r.node] = (perNode[r.node] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  emit({ type: 'spread', total: n, failed, perNode });
}

/** Sources of finished load requests, for --reuse-source-ports. */
const finished: Array<{ src: string; port: number; end: number }> = [];

/** A finished request's source, 2 to 100 s old (younger than IPVS's 120 s FIN_WAIT), taken out of the pool. */
function reusableSource(): { src: string; port: number } | undefined {
  const t = now();
  while (finished.length && t - finished[0].end > 100_000) finished.shift();
  const old = finished.filter((f) => t - f.end >= 2000);
  if (old.length === 0) return undefined;
  const f = old[Math.floor(Math.random() * old.length)];
  finished.splice(finished.indexOf(f), 1);
  return f;
}

let loadTimer: NodeJS.Timeout | undefined;
function load(intervalMs: number, timeoutMs: number): void {
  if (loadTimer) clearInterval(loadTimer);
  loadTimer = setInterval(() => {
    const start = now();
    void oneShot(timeoutMs, reuseSourcePorts ? reusableSource() : undefined).then((r) => {
      const end = now();
      if (r.srcPort) finished.push({ src: r.src, port: r.srcPort, end });
      emit({ type: 's', start, end, ok: r.node !== null, ...r });
    });
  }, intervalMs);
}

interface Held {
  conn: Conn;
  node: string;
  src: string;
  srcPort: number;
  requests: number;
  failedAt: number | null;
  error: string | null;
  maxLatencyMs: number;
  /** Start of the request in flight, if any. */
  pendingSince: number | null;
  timer?: NodeJS.Timeout;
}
let held: Held[] = [];

async function hold(perNode: number, maxTries: number, everyMs: number): Promise<void> {
  const count = (): Record<string, number> => {
    const c: Record<string, number> = {};
    for (const h of held) if (h.failedAt === null) c[h.node] = (c[h.node] ?? 0) + 1;
    return c;
  };
  const wanted = new Set<string>();
  for (let i = 0; i < maxTries; i++) {
    const src = pick();
    const conn = new Conn(src);
    try {
      await conn.connected(3000);
      const node = await conn.request(3000);
      wanted.add(node);
      if ((count()[node] ?? 0) >= perNode) {
        conn.sock.destroy();
      } else {
        const h: Held = {
          conn,
          node,
          src,
          srcPort: conn.sock.localPort ?? 0,
          requests: 1,
          failedAt: null,
          error: null,
          maxLatencyMs: 0,
          pendingSince: null,
        };
        held.push(h);
        const tick = (): void => {
          if (h.failedAt !== null) return;
          const t = now();
          h.pendingSince = t;
          // Long timeout: a retransmission across a failover is slow but not lost; only RST/close/stall count.
          h.conn.request(10_000).then(
            () => {
              h.pendingSince = null;
              h.requests++;
              h.maxLatencyMs = Math.max(h.maxLatencyMs, now() - t);
              h.timer = setTimeout(tick, everyMs);
            },
            (e: Error) => {
              h.failedAt = t;
              h.error = e.message;
              h.conn.sock.destroy();
            },
          );
        };
        h.timer = setTimeout(tick, everyMs * Math.random());
      }
    } catch {
      conn.sock.destroy();
    }
    const c = count();
    if (wanted.size >= 3 && [...wanted].every((n) => (c[n] ?? 0) >= perNode)) break;
  }
  emit({ type: 'held', perNode: count() });
}

/** A request unanswered this long at report time counts as lost (no reset, but the flow is dead). */
const STALLED_MS = 3000;

function holdReport(): void {
  const t = now();
  for (const h of held) {
    if (h.failedAt === null && h.pendingSince !== null && t - h.pendingSince > STALLED_MS) {
      h.failedAt = h.pendingSince;
      h.error = 'stalled';
    }
  }
  emit({
    type: 'holdReport',
    conns: held.map((h) => ({
      node: h.node,
      src: h.src,
      srcPort: h.srcPort,
      requests: h.requests,
      failedAt: h.failedAt,
      error: h.error,
      maxLatencyMs: Math.round(h.maxLatencyMs),
    })),
  });
}

function holdClose(): void {
  for (const h of held) {
    if (h.timer) clearTimeout(h.timer);
    h.failedAt ??= -1; // closed by us
    h.conn.sock.destroy();
  }
  held = [];
  emit({ type: 'holdClosed' });
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  let c: { cmd: string; [k: string]: number | string };
  try {
    c = JSON.parse(line);
  } catch {
    return;
  }
  if (c.cmd === 'spread') void spread(Number(c.n), Number(c.concurrency ?? 16));
  else if (c.cmd === 'load') load(Number(c.intervalMs), Number(c.timeoutMs));
  else if (c.cmd === 'loadStop') {
    if (loadTimer) clearInterval(loadTimer);
    loadTimer = undefined;
    setTimeout(() => emit({ type: 'loadStopped' }), 3100);
  } else if (c.cmd === 'hold') void hold(Number(c.perNode), Number(c.maxTries ?? 300), Number(c.everyMs ?? 250));
  else if (c.cmd === 'holdReport') holdReport();
  else if (c.cmd === 'holdClose') holdClose();
});
process.stdin.on('end', () => process.exit(0));
emit({ type: 'ready' });
