import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { seedPreparation } from '../../../fixtures/seed-host-preparation';
import { BUSYBOX, describeWithBusybox, linkApplets } from '../../../support/busybox';
import { describeWithKeepalived } from '../../../support/keepalived-check';

const HOST_IP = execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim();

describeWithKeepalived('HostPreparation script in a network namespace', () => {
  let dir: string;
  let ns: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ka-prep-'));
    ns = `kaprep${process.pid}`;
    execFileSync('ip', ['netns', 'add', ns]);
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', ns]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Runs the seed preparation twice in the namespace with `shell` and checks the result. `toolsPath` is where
   * the script finds its tools after the recording modprobe's folder.
   */
  function appliesIdempotently(name: string, shell: readonly string[], toolsPath: string): void {
    const prep = seedPreparation();
    const work = fs.mkdtempSync(path.join(dir, `${name}-`));
    // A scratch sysctl tree and module dir (this host may have no ip_vs), and a modprobe that records calls.
    const sysctlDir = path.join(work, 'sys');
    for (const s of prep.sysctls) {
      const file = path.join(sysctlDir, ...s.name.split('.'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '0\n');
    }
    const moduleDir = path.join(work, 'module');
    fs.mkdirSync(path.join(moduleDir, 'ip_vs'), { recursive: true });
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    const log = path.join(work, 'modprobe.log');
    fs.writeFileSync(path.join(bin, 'modprobe'), `#!/bin/sh\necho "$@" >> ${log}\nmkdir -p ${moduleDir}/"$1"\n`, { mode: 0o755 });
    const scriptFile = path.join(work, 'prepare.sh');
    fs.writeFileSync(scriptFile, prep.renderScript());
    // HOST_ROOT=/: the script's chroot into the node's root then finds the recording modprobe on PATH.
    const env = { SYSCTL_DIR: sysctlDir, MODULE_DIR: moduleDir, HOST_ROOT: '/', PATH: `${bin}:${toolsPath}` };

    for (let run = 0; run < 2; run++) {
      // The host's ip by its path: the script's PATH may hold BusyBox's, which has no `netns exec`.
      const r = spawnSync(HOST_IP, ['netns', 'exec', ns, ...shell, scriptFile], { env, encoding: 'utf8' });
      expect({ run, status: r.status, stderr: r.stderr }).toEqual({ run, status: 0, stderr: '' });
    }
    expect(fs.readFileSync(log, 'utf8')).toBe('ip_vs_mh\n');
    for (const s of prep.sysctls) {
      expect(fs.readFileSync(path.join(sysctlDir, ...s.name.split('.')), 'utf8')).toBe(`${s.value}\n`);
    }
    const lo = execFileSync('ip', ['-n', ns, '-o', 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8' });
    expect(lo.match(/inet 172\.20\.0\.119\/32 /g)).toHaveLength(1);
    execFileSync('ip', ['-n', ns, 'addr', 'del', '172.20.0.119/32', 'dev', 'lo']);
  }

  test('applies everything, is idempotent, and only loads missing modules', () => {
    appliesIdempotently('dash', ['sh'], process.env.PATH!);
  });

  // Debian's busybox-static runs its own applet for a program name, even through chroot: the script must still reach
  // the node's modprobe, and BusyBox's ip must read and change lo the same way.
  describeWithBusybox('under BusyBox alone, as in the BusyBox image', (applets) => {
    test("applies everything with the node's modprobe, idempotently", () => {
      const tools = fs.mkdtempSync(path.join(dir, 'busybox-'));
      linkApplets(tools, applets);
      appliesIdempotently('busybox', [BUSYBOX, 'sh'], tools);
    });
  });

  test('stops at the first failure', () => {
    const prep = seedPreparation();
    const scriptFile = path.join(dir, 'fail.sh');
    fs.writeFileSync(scriptFile, prep.renderScript());
    const bin = path.join(dir, 'failbin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'modprobe'), '#!/bin/sh\necho "modprobe: FATAL: Module $1 not found" >&2\nexit 1\n', { mode: 0o755 });
    const env = {
      ...process.env,
      SYSCTL_DIR: path.join(dir, 'nosys'),
      MODULE_DIR: path.join(dir, 'nomodules'),
      HOST_ROOT: '/',
      PATH: `${bin}:${process.env.PATH}`,
    };
    const r = spawnSync('ip', ['netns', 'exec', ns, 'sh', scriptFile], { env, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Module ip_vs not found');
    // The script says what failed and where to look.
    expect(r.stderr).toContain("prepare-host: cannot load kernel module ip_vs with the node's modprobe (chroot / modprobe ip_vs).");
  });
});
