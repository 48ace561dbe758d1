/**
 * The Ingress target of the HA lab when the real Traefik runs: answers every request with the name of the node
 * whose Traefik forwarded it (Traefik's X-Forwarded-Server header is its host name, the node's name), so the
 * lab's client sees which node served it, as with the stand-in.
 *   node -r @swc-node/register lab/traefik/backend.ts <port>
 * Exits when its stdin closes, so it never outlives the lab.
 */
import * as http from 'http';

const port = Number(process.argv[2]);
if (!Number.isInteger(port)) {
  process.stderr.write('usage: backend.ts <port>\n');
  process.exit(2);
}
http
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end(`${req.headers['x-forwarded-server'] ?? '-'}\n`);
  })
  .listen(port, '0.0.0.0', () => process.stdout.write('ready\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
