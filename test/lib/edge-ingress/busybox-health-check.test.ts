/*
 * keepalived's check of the local Traefik (VRRP only) as the BusyBox image runs it: the rendered command, with
 * its program run as BusyBox's applet (Debian's busybox-static), against a stand-in /ping. Its wget has no timeout
 * support and crashes on `-T`, so a command using it would fail on every node and no node would take the VIP.
 */
import { spawn } from 'child_process';
import * as http from 'http';
import { AddressInfo } from 'net';
import { Testing } from 'cdk8s';
import { EdgeIngress } from '../../../lib';
import { BUSYBOX, describeWithBusybox } from '../../support/busybox';

/** The chk_traefik command of a VRRP-only EdgeIngress, as its keepalived.conf has it. */
function checkCommand(): string {
  const edge = new EdgeIngress(Testing.chart(), 'Edge', {
    nodes: [{ name: 'edge-a', address: '10.1.0.11' }],
    virtualIp: '10.1.0.100',
    subnet: '10.1.0.0/24',
  });
  const command = /vrrp_script chk_traefik \{\s+script "([^"]+)"/.exec(edge.keepalived.configText)?.[1];
  if (!command) throw new Error(`no chk_traefik script in:\n${edge.keepalived.configText}`);
  return command;
}

/** Runs `command` with its program as a BusyBox applet and the URL's host and port replaced by `port` on loopback. */
function runUnderBusybox(command: string, port: number): Promise<{ code: number | null; signal: string | null }> {
  const [program, ...args] = command.split(' ');
  const local = args.map((a) => a.replace(/^http:\/\/[^/]+/, `http://127.0.0.1:${port}`));
  return new Promise((resolve) => {
    const child = spawn(BUSYBOX, [program.split('/').pop()!, ...local], { stdio: 'ignore' });
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

describeWithBusybox("the Traefik check under BusyBox's wget", () => {
  let server: http.Server;
  let status = 200;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.statusCode = status;
      res.end('OK');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('passes while /ping answers 200 and fails, without crashing, on 503 (draining)', async () => {
    const command = checkCommand();
    const port = (server.address() as AddressInfo).port;
    status = 200;
    expect(await runUnderBusybox(command, port)).toEqual({ code: 0, signal: null });
    status = 503;
    expect(await runUnderBusybox(command, port)).toEqual({ code: 1, signal: null });
  });
});
