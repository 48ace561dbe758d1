/**
 * Lab client, run inside the client namespace:
 *   node -r @swc-node/register lab/core/client.ts <url> <intervalMs> <timeoutMs> <maxSeconds>
 * Sends one request every <intervalMs> (at most 32 in flight) and prints per request
 * "<startMs> <endMs> <1|0> <node|->". Bounded: stops after <maxSeconds> or when stdin closes.
 */
import * as http from 'http';

const [url, intervalArg, timeoutArg, maxArg] = process.argv.slice(2);
const intervalMs = Number(intervalArg);
const timeoutMs = Number(timeoutArg);
const maxSeconds = Number(maxArg);
if (!url || !(intervalMs > 0) || !(timeoutMs > 0) || !(maxSeconds > 0)) {
  process.stderr.write('usage: client.ts <url> <intervalMs> <timeoutMs> <maxSeconds>\n');
  process.exit(2);
}

const MAX_IN_FLIGHT = 32;
const now = (): number => performance.timeOrigin + performance.now();
const deadline = now() + maxSeconds * 1000;
let inFlight = 0;
const out: string[] = [];

function record(start: number, ok: boolean, node: string): void {
  out.push(`${start.toFixed(3)} ${now().toFixed(3)} ${ok ? 1 : 0} ${node}`);
}

function fire(): void {
  if (inFlight >= MAX_IN_FLIGHT) {
    const t = now();
    record(t, false, '-'); // counted as failed: the client could not even send
    return;
  }
  inFlight++;
  const start = now();
  let done = false;
  const finish = (ok: boolean, node: string): void => {
    if (done) return;
    done = true;
    inFlight--;
    clearTimeout(timer);
    record(start, ok, node);
  };
  const req = http.get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (body += c));
    // The answer's first word names who served it (a lab node, or the e2e backend's first field): one line per request.
    res.on('end', () => finish(res.statusCode === 200 && body.trim() !== '', body.trim().split(/\s+/)[0] || '-'));
    res.on('error', () => finish(false, '-'));
  });
  req.on('error', () => finish(false, '-'));
  const timer = setTimeout(() => {
    finish(false, '-');
    req.destroy();
  }, timeoutMs);
}

// Batch output so a slow reader never delays the request loop.
const flush = setInterval(() => {
  if (out.length) process.stdout.write(out.splice(0).join('\n') + '\n');
}, 50);
const loop = setInterval(() => {
  if (now() > deadline) stop();
  else fire();
}, intervalMs);

function stop(): void {
  clearInterval(loop);
  setTimeout(() => {
    clearInterval(flush);
    if (out.length) process.stdout.write(out.splice(0).join('\n') + '\n');
    process.exit(0);
  }, timeoutMs + 20);
}
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
