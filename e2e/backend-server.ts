/**
 * The Ingress target of the e2e suite: answers every request with `e2e-backend <method> <path> host=<Host>`.
 *   node -r @swc-node/register e2e/backend-server.ts <port>
 * Exits when its stdin closes, so it never outlives the suite.
 */
import * as http from 'http';

const port = Number(process.argv[2]);
if (!Number.isInteger(port)) {
  process.stderr.write('usage: backend-server.ts <port>\n');
  process.exit(2);
}
http
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`e2e-backend ${req.method} ${req.url} host=${req.headers.host}\n`);
  })
  .listen(port, '0.0.0.0', () => process.stdout.write('ready\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
