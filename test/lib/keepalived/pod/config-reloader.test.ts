/*
 * The keepalived container's start command, run by /bin/sh against a stand-in keepalived
 * (test/fixtures/fake-keepalived.py) that takes signals through a signalfd as keepalived 2.2 does.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderStartScript } from '../../../../lib/keepalived/pod/config-reloader';
import { MAX_IPVS_HANDOVER_SECONDS, ipvsHandoverSeconds } from '../../../../lib/keepalived/pod/ipvs-handover';
import { FIXTURES } from '../../../support/paths';

/** The handover the default vrrp_garp_master_delay (1 s) gives. */
const IPVS_HANDOVER_SECONDS = ipvsHandoverSeconds(1);
/** How long `until` waits for one event. */
const UNTIL_TIMEOUT_MS = 10000;
// A test waits for up to two events (start, reload), then a stop with its handover: jest's default 5 s
// cut the reload test off on a busy machine before `until` could say what it was waiting for.
jest.setTimeout(2 * UNTIL_TIMEOUT_MS + (MAX_IPVS_HANDOVER_SECONDS + 5) * 1000);

interface Pod {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly log: string;
  readonly exited: Promise<number | null>;
}

const CONF = 'vrrp_instance VI_1 {\n}\n';

function startPod(ipvsHandover: boolean, ipvsTable = '/nonexistent'): Pod {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-command-'));
  const bin = path.join(dir, 'bin');
  const configDir = path.join(dir, 'config');
  const runDir = path.join(dir, 'run');
  for (const d of [bin, configDir, runDir]) fs.mkdirSync(d);
  fs.writeFileSync(path.join(configDir, 'keepalived.conf'), CONF);
  fs.symlinkSync(path.join(FIXTURES, 'fake-keepalived.py'), path.join(bin, 'keepalived'));
  const log = path.join(dir, 'keepalived.log');
  fs.writeFileSync(log, '');
  const script = renderStartScript(
    { configDir, configFileName: 'keepalived.conf', runDir },
    ipvsHandover ? IPVS_HANDOVER_SECONDS : undefined,
  );
  const args = [
    '--dont-fork',
    '--config-id',
    'edge-1',
    '--use-file',
    `${runDir}/active/keepalived.conf`,
    '--pid',
    `${runDir}/keepalived.pid`,
    '--vrrp_pid',
    `${runDir}/vrrp.pid`,
    '--checkers_pid',
    `${runDir}/checkers.pid`,
    ...(ipvsHandover ? ['--dont-release-ipvs'] : ['--vrrp']),
  ];
  const child = spawn('/bin/sh', ['-c', script, 'keepalived', ...args], {
    env: { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, NODE_NAME: 'edge-1', FAKE_KEEPALIVED_LOG: log, IPVS_TABLE: ipvsTable },
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, dir, log, exited };
}

interface LogLine {
  readonly t: number;
  readonly pid: number;
  readonly event: string;
}

function readLog(pod: Pod): LogLine[] {
  return fs
    .readFileSync(pod.log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [t, pid, ...rest] = l.split(' ');
      return { t: Number(t) * 1000, pid: Number(pid), event: rest.join(' ') };
    });
}

async function until(what: string, check: () => boolean, timeoutMs = UNTIL_TIMEOUT_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True once the fake has its signalfd (what the script's readiness check looks for). */
function started(pod: Pod): boolean {
  return readLog(pod).some((l) => l.event.startsWith('start main'));
}

let pods: Pod[] = [];
afterEach(() => {
  for (const p of pods) {
    try {
      process.kill(-p.child.pid!, 'SIGKILL');
    } catch {
      /* exited */
    }
    fs.rmSync(p.dir, { recursive: true, force: true });
  }
  pods = [];
});

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
    expect(lines.map((l) => l.event.split(' ').slice(0, 2).join(' '))).toEqual([
      'start main',
      'term main',
      'exit main',
      'start release',
      'term release',
      'exit release',
    ]);
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
