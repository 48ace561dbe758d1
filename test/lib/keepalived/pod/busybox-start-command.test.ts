/*
 * The start command under BusyBox, as in the project's BusyBox keepalived image (Debian's busybox-static as
 * /bin/sh and every tool, no coreutils): PATH holds only applet links and the stand-in keepalived. It must refuse
 * to start when a tool is missing, naming it, and see a ConfigMap change and reload keepalived.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { REVISION_LENGTH } from '../../../../lib/keepalived/pod/config-reloader';
import { MAX_IPVS_HANDOVER_SECONDS } from '../../../../lib/keepalived/pod/ipvs-handover';
import { START_COMMAND_TOOLS } from '../../../../lib/keepalived/pod/required-tools';
import { BUSYBOX, describeWithBusybox, linkApplets } from '../../../support/busybox';
import { FIXTURES } from '../../../support/paths';
import {
  CONF,
  IPVS_HANDOVER_EVENTS,
  IPVS_HANDOVER_SECONDS,
  Pod,
  readLog,
  removePods,
  started,
  startPod,
  UNTIL_TIMEOUT_MS,
  until,
} from '../../../support/start-command-pod';

jest.setTimeout(2 * UNTIL_TIMEOUT_MS + (MAX_IPVS_HANDOVER_SECONDS + 5) * 1000);

/** The interpreter itself, not a PATH-dependent shim: the stand-in must start with BusyBox alone on PATH. */
const PYTHON = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();

const revision = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, REVISION_LENGTH);
const status = (pod: Pod): string => fs.readFileSync(path.join(pod.dir, 'run', 'config-status'), 'utf8');

describeWithBusybox('the start command under BusyBox alone', (applets) => {
  const pods: Pod[] = [];
  afterEach(() => removePods(pods));

  /** BusyBox's applets and, unless `withKeepalived` is false, the stand-in keepalived started by BusyBox's sh. */
  const busyboxPod = (ipvsHandover: boolean, withKeepalived = true): Pod => {
    const pod = startPod({
      ipvsHandover,
      shell: [BUSYBOX, 'sh'],
      bin: (bin) => {
        linkApplets(bin, applets);
        if (withKeepalived) {
          const wrapper = `#!${BUSYBOX} sh\nexec ${PYTHON} ${path.join(FIXTURES, 'fake-keepalived.py')} "$@"\n`;
          fs.writeFileSync(path.join(bin, 'keepalived'), wrapper, { mode: 0o755 });
        }
        return bin;
      },
    });
    pods.push(pod);
    return pod;
  };

  test('BusyBox has every tool of the start command but keepalived', () => {
    expect(START_COMMAND_TOOLS.filter((t) => !applets.includes(t))).toEqual(['keepalived']);
  });

  test('without keepalived the container stops at once, naming what the image lacks', async () => {
    const pod = busyboxPod(false, false);
    expect(await pod.exited).toBe(1);
    const lines = fs.readFileSync(pod.stderr, 'utf8').trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^keepalived start command: this image lacks keepalived \(not found in PATH=.*\/bin\); /),
    ]);
    // Nothing else ran: no config staged, no status.
    expect(fs.readdirSync(path.join(pod.dir, 'run'))).toEqual([]);
  });

  test('a ConfigMap change is seen and reloaded (SIGHUP), and the status file names the new revision', async () => {
    const pod = busyboxPod(false);
    await until('keepalived started', () => started(pod));
    expect(status(pod)).toContain(`revision=${revision(CONF)}\n`);
    const changed = `${CONF}# changed\n`;
    fs.writeFileSync(path.join(pod.dir, 'config', 'keepalived.conf'), changed);
    await until('reload', () => readLog(pod).some((l) => l.event === 'hup main'));
    await until('the new revision in the status file', () => status(pod).includes(`revision=${revision(changed)}\n`));
    expect(fs.readFileSync(pod.stderr, 'utf8')).toBe(`config-reloader: reloaded revision ${revision(changed)}\n`);
    process.kill(pod.child.pid!, 'SIGTERM');
    expect(await pod.exited).toBe(0);
  });

  test('with virtual servers, SIGTERM hands over and releases the services under BusyBox too', async () => {
    const pod = busyboxPod(true);
    await until('keepalived started', () => started(pod));
    process.kill(pod.child.pid!, 'SIGTERM');
    expect(await pod.exited).toBe(0);
    const lines = readLog(pod);
    expect(lines.map((l) => l.event.split(' ').slice(0, 2).join(' '))).toEqual(IPVS_HANDOVER_EVENTS);
    expect(lines[3].t - lines[2].t).toBeGreaterThanOrEqual(IPVS_HANDOVER_SECONDS * 1000 - 50);
  });
});
