/**
 * The Ingress target of the e2e suite and of the HA lab's real Traefik (the Service and EndpointSlice in front of it
 * are objects.ts's externalBackend):
 *   node -r @swc-node/register e2e/backend-server.ts <port> [request|forwarding-node]
 * request (the default): answers `e2e-backend <method> <path> host=<Host>`, for the suite's routing checks;
 * forwarding-node: answers the name of the node whose Traefik forwarded the request (Traefik sets
 * X-Forwarded-Server to its host name, the node's name), so the lab's client sees which node served it.
 * Exits when its stdin closes, so it never outlives the run.
 */
import * as http from 'http';

const port = Number(process.argv[2]);
const answer = process.argv[3] ?? 'request';
if (!Number.isInteger(port) || !['request', 'forwarding-node'].includes(answer)) {
  process.stderr.write('usage: backend-server.ts <port> [request|forwarding-node]\n');
  process.exit(2);
}
http
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end(
      answer === 'request'
        ? `e2e-backend ${req.method} ${req.url} host=${req.headers.host}\n`
        : `${req.headers['x-forwarded-server'] ?? '-'}\n`,
    );
  })
  .listen(port, '0.0.0.0', () => process.stdout.write('ready\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
