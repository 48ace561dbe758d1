/**
 * Traefik stand-in, run inside a node namespace:
 *   node -r @swc-node/register lab/traefik/standin.ts <node> <webPort> <pingPort> <pingPath> <drainFile>
 * web port answers with the node name; ping answers 200, or 503 while <drainFile> exists
 * (Traefik's terminatingStatusCode behaviour). Exits when its stdin closes, so it never outlives the lab.
 */
import * as fs from 'fs';
import * as http from 'http';

const [node, webPort, pingPort, pingPath, drainFile] = process.argv.slice(2);
if (!node || !webPort || !pingPort || !pingPath || !drainFile) {
  process.stderr.write('usage: standin.ts <node> <webPort> <pingPort> <pingPath> <drainFile>\n');
  process.exit(2);
}

const web = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
  res.end(`${node}\n`);
});
const ping = http.createServer((req, res) => {
  const draining = fs.existsSync(drainFile);
  const ok = req.url === pingPath && !draining;
  res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain', connection: 'close' });
  res.end(ok ? 'OK' : 'draining');
});

let listening = 0;
const ready = (): void => {
  if (++listening === 2) process.stdout.write('ready\n');
};
web.listen(Number(webPort), '0.0.0.0', ready);
ping.listen(Number(pingPort), '0.0.0.0', ready);

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
