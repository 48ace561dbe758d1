import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HostPreparation, KeepalivedConfig, LvsScheduler } from '../../lib/keepalived';
import { describeWithKeepalived } from '../support/keepalived-check';

function seedPreparation(): HostPreparation {
  const nodes = ['172.20.0.113', '172.20.0.114', '172.20.0.115'].map((a, i) => ({ name: a, address: a, priority: 3 - i }));
  const config = new KeepalivedConfig({
    nodes,
    instance: { interface: 'eth0', virtualRouterId: 51, virtualIpAddresses: ['172.20.0.119'], subnet: '172.20.0.0/17' },
    virtualServers: [80, 443].map((port) => ({
      address: '172.20.0.119', port, realServers: nodes.map((n) => ({ address: n.address, port })),
    })),
  });
  return config.hostPreparation!;
}

describe('HostPreparation', () => {
  test('modules, sysctls and loopback VIPs for direct routing', () => {
    const prep = seedPreparation();
    expect(prep.kernelModules).toEqual(['ip_vs', 'ip_vs_mh']);
    expect(prep.sysctls).toEqual([
      { name: 'net.ipv4.vs.backup_only', value: '1' },
      { name: 'net.ipv4.vs.sloppy_tcp', value: '1' },
      { name: 'net.ipv4.vs.expire_nodest_conn', value: '1' },
      { name: 'net.ipv4.conf.all.arp_ignore', value: '1' },
      { name: 'net.ipv4.conf.all.arp_announce', value: '2' },
      { name: 'net.ipv4.conf.eth0.arp_ignore', value: '1' },
      { name: 'net.ipv4.conf.eth0.arp_announce', value: '2' },
    ]);
    expect(prep.loopbackAddresses).toEqual(['172.20.0.119/32']);
  });

  test('a VLAN interface uses sysctl\'s slash notation and the real /proc/sys path', () => {
    const prep = new HostPreparation({
      interface: 'bond0.100', loopbackAddresses: ['10.0.0.5/24', '10.0.0.5'],
      schedulers: [LvsScheduler.WEIGHTED_LEAST_CONNECTION, LvsScheduler.WEIGHTED_LEAST_CONNECTION],
    });
    expect(prep.sysctls.map((s) => s.name)).toContain('net.ipv4.conf.bond0/100.arp_ignore');
    expect(prep.renderScript()).toContain("set_sysctl 'net/ipv4/conf/bond0.100/arp_ignore' '1'");
    // Always a host prefix on lo, and only once.
    expect(prep.loopbackAddresses).toEqual(['10.0.0.5/32']);
    expect(prep.kernelModules).toEqual(['ip_vs', 'ip_vs_wlc']);
  });

  test('IPv6-only VIPs need no ARP sysctls', () => {
    const prep = new HostPreparation({ interface: 'eth0', loopbackAddresses: ['2001:db8::119'] });
    expect(prep.sysctls.map((s) => s.name)).toEqual(['net.ipv4.vs.backup_only', 'net.ipv4.vs.sloppy_tcp', 'net.ipv4.vs.expire_nodest_conn']);
    expect(prep.loopbackAddresses).toEqual(['2001:db8::119/128']);
  });

  test('invalid props are rejected', () => {
    expect(() => new HostPreparation({ interface: 'eth 0', loopbackAddresses: ['10.0.0.5'] }))
      .toThrow('interface "eth 0" is not a valid interface name');
    expect(() => new HostPreparation({ interface: 'eth0', loopbackAddresses: [] }))
      .toThrow('loopbackAddresses is empty');
    expect(() => new HostPreparation({ interface: 'eth0', loopbackAddresses: ['10.0.0.300'] }))
      .toThrow('loopbackAddresses[0] "10.0.0.300" is not a valid IP address');
    expect(() => new HostPreparation({ interface: 'eth0', loopbackAddresses: ['10.0.0.5'], schedulers: ['magic' as LvsScheduler] }))
      .toThrow('schedulers[0] "magic" is not one of');
  });

  test('the script is strict POSIX sh: set -eu, and sh -n accepts it', () => {
    const script = seedPreparation().renderScript();
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain('\nset -eu\n');
    expect(script.endsWith('\n')).toBe(true);
    const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    // ARP settings come before the VIP appears on lo; backup_only after ip_vs (it exists only then).
    const order = ['load_module \'ip_vs\'', 'backup_only', 'arp_ignore', 'add_loopback_address \''].map((s) => script.indexOf(s));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

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

  test('applies everything, is idempotent, and only loads missing modules', () => {
    const prep = seedPreparation();
    // A scratch sysctl tree and module dir (this host may have no ip_vs), and a modprobe that records calls.
    const sysctlDir = path.join(dir, 'sys');
    for (const s of prep.sysctls) {
      const file = path.join(sysctlDir, ...s.name.split('.'));
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, '0\n');
    }
    const moduleDir = path.join(dir, 'module');
    fs.mkdirSync(path.join(moduleDir, 'ip_vs'), { recursive: true });
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const log = path.join(dir, 'modprobe.log');
    fs.writeFileSync(path.join(bin, 'modprobe'), `#!/bin/sh\necho "$@" >> ${log}\nmkdir -p ${moduleDir}/"$1"\n`, { mode: 0o755 });
    const scriptFile = path.join(dir, 'prepare.sh');
    fs.writeFileSync(scriptFile, prep.renderScript());
    // HOST_ROOT=/: the script's `chroot $HOST_ROOT modprobe` then finds the recording modprobe on PATH.
    const env = { ...process.env, SYSCTL_DIR: sysctlDir, MODULE_DIR: moduleDir, HOST_ROOT: '/', PATH: `${bin}:${process.env.PATH}` };

    for (let run = 0; run < 2; run++) {
      const r = spawnSync('ip', ['netns', 'exec', ns, 'sh', scriptFile], { env, encoding: 'utf8' });
      expect({ run, status: r.status, stderr: r.stderr }).toEqual({ run, status: 0, stderr: '' });
    }
    expect(fs.readFileSync(log, 'utf8')).toBe('ip_vs_mh\n');
    for (const s of prep.sysctls) {
      expect(fs.readFileSync(path.join(sysctlDir, ...s.name.split('.')), 'utf8')).toBe(`${s.value}\n`);
    }
    const lo = execFileSync('ip', ['-n', ns, '-o', 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8' });
    expect(lo.match(/inet 172\.20\.0\.119\/32 /g)).toHaveLength(1);
  });

  test('stops at the first failure', () => {
    const prep = seedPreparation();
    const scriptFile = path.join(dir, 'fail.sh');
    fs.writeFileSync(scriptFile, prep.renderScript());
    const bin = path.join(dir, 'failbin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'modprobe'), '#!/bin/sh\necho "modprobe: FATAL: Module $1 not found" >&2\nexit 1\n', { mode: 0o755 });
    const env = {
      ...process.env, SYSCTL_DIR: path.join(dir, 'nosys'), MODULE_DIR: path.join(dir, 'nomodules'), HOST_ROOT: '/',
      PATH: `${bin}:${process.env.PATH}`,
    };
    const r = spawnSync('ip', ['netns', 'exec', ns, 'sh', scriptFile], { env, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('Module ip_vs not found');
    // The script says what failed and where to look.
    expect(r.stderr).toContain("prepare-host: cannot load kernel module ip_vs with the node's modprobe (chroot / modprobe ip_vs).");
  });
});
