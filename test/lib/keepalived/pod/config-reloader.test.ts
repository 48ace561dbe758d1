/*
 * The keepalived container's start command, run by /bin/sh against a stand-in keepalived
 * (test/fixtures/fake-keepalived.py) that takes signals through a signalfd as keepalived 2.2 does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAX_IPVS_HANDOVER_SECONDS, ipvsHandoverSeconds } from '../../../../lib/keepalived/pod/ipvs-handover';
import {
  CONF,
  IPVS_HANDOVER_EVENTS,
  IPVS_HANDOVER_SECONDS,
  Pod,
  readLog,
  removePods,
  started,
  startPod as startWith,
  UNTIL_TIMEOUT_MS,
  until,
} from '../../../support/start-command-pod';

// A test waits for up to two events (start, reload), then a stop with its handover: jest's default 5 s
// cut the reload test off on a busy machine before `until` could say what it was waiting for.
jest.setTimeout(2 * UNTIL_TIMEOUT_MS + (MAX_IPVS_HANDOVER_SECONDS + 5) * 1000);

const startPod = (ipvsHandover: boolean, ipvsTable?: string): Pod => startWith({ ipvsHandover, ipvsTable });

const pods: Pod[] = [];
afterEach(() => removePods(pods));

test('the handover lasts until 1 s after the second round of gratuitous ARP, within a bound', () => {
  expect(ipvsHandoverSeconds(1)).toBe(2);
  expect(ipvsHandoverSeconds(0)).toBe(1);
  expect(ipvsHandoverSeconds(3)).toBe(4);
  expect(ipvsHandoverSeconds(3600)).toBe(MAX_IPVS_HANDOVER_SECONDS);
});

describe('start command without virtual servers', () => {
  test('keepalived replaces the shell: it is the process the kubelet signals', async () => {
    const pod = startPod(false);
    pods.push(pod);
    await until('keepalived started', () => started(pod));
    const [start] = readLog(pod);
    expect(start.pid).toBe(pod.child.pid);
    process.kill(pod.child.pid!, 'SIGTERM');
    expect(await pod.exited).toBe(0);
    expect(readLog(pod).map((l) => l.event.split(' ').slice(0, 2).join(' '))).toEqual(['start main', 'term main', 'exit main']);
  });
});

describe('start command with virtual servers (IPVS handover)', () => {
  test('SIGTERM stops keepalived, then after the handover a checker-only keepalived releases the services', async () => {
    const pod = startPod(true);
    pods.push(pod);
    await until('keepalived started', () => started(pod));
    const t0 = Date.now();
    process.kill(pod.child.pid!, 'SIGTERM');
    expect(await pod.exited).toBe(0);
    const lines = readLog(pod);
    expect(lines.map((l) => l.event.split(' ').slice(0, 2).join(' '))).toEqual(IPVS_HANDOVER_EVENTS);
    const [main, , mainExit, release, releaseTerm] = lines;
    // keepalived runs as the shell's child and gets the SIGTERM at once.
    expect(main.pid).not.toBe(pod.child.pid);
    expect(lines[1].t - t0).toBeLessThan(IPVS_HANDOVER_SECONDS * 1000);
    // The node keeps directing for the handover before anything removes the services.
    expect(release.t - mainExit.t).toBeGreaterThanOrEqual(IPVS_HANDOVER_SECONDS * 1000 - 50);
    // Same file and node as the keepalived that left them, checker only, and this time releasing them.
    const releaseArgs = release.event.split(' ').slice(2);
    expect(releaseArgs).toEqual(
      expect.arrayContaining(['--check', '--config-id', 'edge-1', '--use-file', path.join(pod.dir, 'run/active/keepalived.conf')]),
    );
    expect(releaseArgs).not.toContain('--dont-release-ipvs');
    expect(releaseArgs[releaseArgs.indexOf('--use-file') + 1]).toBe(path.join(pod.dir, 'run/active/keepalived.conf'));
    expect(releaseTerm.pid).toBe(release.pid);
  });

  test('keepalived exiting on its own (no SIGTERM) ends the container without a handover', async () => {
    const pod = startPod(true);
    pods.push(pod);
    await until('keepalived started', () => started(pod));
    const [main] = readLog(pod);
    process.kill(main.pid, 'SIGTERM');
    expect(await pod.exited).toBe(0);
    expect(readLog(pod).map((l) => l.event.split(' ')[0])).toEqual(['start', 'term', 'exit']);
  });

  test('services left by a killed keepalived are released before keepalived starts', async () => {
    const table = path.join(os.tmpdir(), `ip_vs-${process.pid}`);
    fs.writeFileSync(
      table,
      'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n' +
        '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\nTCP  0A4D0064:0050 mh (mh-fallback,mh-port)\n' +
        '  -> 0A4D000C:0050      Route   0      0          0\n',
    );
    try {
      const pod = startPod(true, table);
      pods.push(pod);
      await until('keepalived started', () => started(pod));
      expect(readLog(pod).map((l) => l.event.split(' ').slice(0, 2).join(' '))).toEqual([
        'start release',
        'term release',
        'exit release',
        'start main',
      ]);
    } finally {
      fs.rmSync(table);
    }
  });

  test('an empty IPVS table starts keepalived at once', async () => {
    const table = path.join(os.tmpdir(), `ip_vs-empty-${process.pid}`);
    fs.writeFileSync(
      table,
      'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n' +
        '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n',
    );
    try {
      const pod = startPod(true, table);
      pods.push(pod);
      await until('keepalived started', () => started(pod));
      expect(readLog(pod).map((l) => l.event.split(' ')[0])).toEqual(['start']);
    } finally {
      fs.rmSync(table);
    }
  });

  test('a config change still reloads the child keepalived (SIGHUP)', async () => {
    const pod = startPod(true);
    pods.push(pod);
    await until('keepalived started', () => started(pod));
    fs.writeFileSync(path.join(pod.dir, 'config', 'keepalived.conf'), `${CONF}# changed\n`);
    await until('reload', () => readLog(pod).some((l) => l.event === 'hup main'));
    process.kill(pod.child.pid!, 'SIGTERM');
    expect(await pod.exited).toBe(0);
  });
});
