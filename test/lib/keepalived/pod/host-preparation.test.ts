import { spawnSync } from 'child_process';
import { HostPreparation, LvsScheduler } from '../../../../lib/keepalived';
import { seedPreparation } from '../../../fixtures/seed-host-preparation';

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

  test("a VLAN interface uses sysctl's slash notation and the real /proc/sys path", () => {
    const prep = new HostPreparation({
      interface: 'bond0.100',
      loopbackAddresses: ['10.0.0.5/24', '10.0.0.5'],
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
    expect(prep.sysctls.map((s) => s.name)).toEqual([
      'net.ipv4.vs.backup_only',
      'net.ipv4.vs.sloppy_tcp',
      'net.ipv4.vs.expire_nodest_conn',
    ]);
    expect(prep.loopbackAddresses).toEqual(['2001:db8::119/128']);
  });

  test('invalid props are rejected', () => {
    expect(() => new HostPreparation({ interface: 'eth 0', loopbackAddresses: ['10.0.0.5'] })).toThrow(
      'interface "eth 0" is not a valid interface name',
    );
    expect(() => new HostPreparation({ interface: 'eth0', loopbackAddresses: [] })).toThrow('loopbackAddresses is empty');
    expect(() => new HostPreparation({ interface: 'eth0', loopbackAddresses: ['10.0.0.300'] })).toThrow(
      'loopbackAddresses[0] "10.0.0.300" is not a valid IP address',
    );
    expect(
      () => new HostPreparation({ interface: 'eth0', loopbackAddresses: ['10.0.0.5'], schedulers: ['magic' as LvsScheduler] }),
    ).toThrow('schedulers[0] "magic" is not one of');
  });

  test('the script is strict POSIX sh: set -eu, and sh -n accepts it', () => {
    const script = seedPreparation().renderScript();
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain('\nset -eu\n');
    expect(script.endsWith('\n')).toBe(true);
    const r = spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    // ARP settings come before the VIP appears on lo; backup_only after ip_vs (it exists only then).
    const order = ["load_module 'ip_vs'", 'backup_only', 'arp_ignore', "add_loopback_address '"].map((s) => script.indexOf(s));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});
