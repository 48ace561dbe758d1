/**
 * Traefik stand-in for the LVS lab, run inside a node namespace like a hostNetwork Traefik:
 *   node -r @swc-node/register lab/lvs/traefik-standin.ts <node> <webPort> <adminPort> <graceMs> [<healthAddr:port>]
 * - web on 0.0.0.0:<webPort> (so it also answers on the VIP that LVS-DR delivers locally), HTTP/1.1 keep-alive;
 * - /ping on 127.0.0.1:<adminPort> (Traefik's loopback `traefik` entrypoint) or, when <healthAddr:port> is
 *   given, only there (Traefik's `health` entrypoint with --ping.entryPoint=health, on every node address:
 *   keepalived's vrrp_script asks it on loopback, the LVS directors on the node's address);
 * - drains like Traefik: on SIGTERM /ping answers 503 at once, every entrypoint keeps accepting new connections
 *   for <graceMs> (requestAcceptGraceTimeout), then stops listening, closes idle keep-alive connections,
 *   lets requests in flight finish and exits.
 * stdin "count" prints "count <requests served>"; stdin EOF exits (the stand-in never outlives the lab).
 */
import * as http from 'http';

const [node, webPort, adminPort, graceArg, health] = process.argv.slice(2);
if (!node || !webPort || !adminPort || graceArg === undefined) {
  process.stderr.write('usage: traefik-standin.ts <node> <webPort> <adminPort> <graceMs> [<healthAddr:port>]\n');
  process.exit(2);
}
const graceMs = Number(graceArg);
let draining = false;
let served = 0;

const web = http.createServer((_req, res) => {
  served++;
  const body = `${node}\n`;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
web.keepAliveTimeout = 120_000;
const pingHandler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
  if (req.url !== '/ping') {
    res.writeHead(404, { connection: 'close' });
    res.end();
    return;
  }
  const ok = !draining;
  res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain', connection: 'close' });
  res.end(ok ? 'OK' : 'Service Unavailable');
};
// The admin entrypoint serves /ping only while no health entrypoint took it over.
const admin = http.createServer(
  health
    ? (_req, res) => {
        res.writeHead(404, { connection: 'close' });
        res.end();
      }
    : pingHandler,
);
const servers: http.Server[] = [web, admin];
const listens: Array<[http.Server, number, string]> = [
  [web, Number(webPort), '0.0.0.0'],
  [admin, Number(adminPort), '127.0.0.1'],
];
if (health) {
  const [addr, port] = health.split(':');
  const s = http.createServer(pingHandler);
  servers.push(s);
  listens.push([s, Number(port), addr]);
}
let listening = 0;
for (const [s, port, addr] of listens) {
  s.listen(port, addr, () => {
    if (++listening === listens.length) process.stdout.write('ready\n');
  });
}

process.on('SIGTERM', () => {
  if (draining) return;
  draining = true;
  process.stdout.write('draining\n');
  setTimeout(() => {
    let open = servers.length;
    for (const s of servers) {
      s.close(() => {
        if (--open === 0) process.exit(0);
      });
      s.closeIdleConnections();
    }
    // Traefik's lifeCycle.graceTimeOut (10 s) bounds the wait for requests in flight.
    setTimeout(() => process.exit(0), 10_000).unref();
  }, graceMs);
});

process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  if (d.includes('count')) process.stdout.write(`count ${served}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
