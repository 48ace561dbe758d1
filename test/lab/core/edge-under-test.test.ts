import { projectDefaults, seedSettings } from '../../../lab/core/edge-under-test';
import { setprivArgs } from '../../../lab/core/cluster';
import { scriptExecutables } from '../../../lab/core/preflight';

describe('edge under test', () => {
  test('project defaults: one file, per-node lines, peers exclude the own address', () => {
    const e = projectDefaults();
    for (const n of e.nodes) {
      const esc = (s: string) => s.replace(/[.^$]/g, (c) => `\\${c}`);
      expect(e.keepalivedConf).toMatch(new RegExp(`@${esc(n.name)}\\s+priority\\s+${n.priority}\\b`));
      expect(e.keepalivedConf).toMatch(new RegExp(`@${esc(n.name)}\\s+unicast_src_ip\\s+${esc(n.address)}\\b`));
      expect(e.keepalivedConf).toMatch(new RegExp(`@\\^${esc(n.name)}\\s+${esc(n.address)}\\b`));
    }
    expect(e.keepalivedConf).toMatch(/vrrp_version 3/);
    expect(e.keepalivedConf).toMatch(/advert_int 0\.2/);
    expect(e.keepalivedConf).toMatch(/nopreempt/);
    expect(e.keepalivedConf).not.toMatch(/state MASTER/);
    expect(e.keepalivedConf).toContain(`http://127.0.0.1:${e.pingPort}${e.pingPath}`);
    expect(new Set(e.nodes.map((n) => n.priority)).size).toBe(e.nodes.length);
  });

  test('project defaults: DaemonSet arguments with the node name as config-id', () => {
    const args = projectDefaults().keepalivedArgs('edge-2', { configFile: '/etc/keepalived/keepalived.conf', runDir: '/run/ka' });
    expect(args).toEqual([
      '--dont-fork',
      '--log-console',
      '--log-detail',
      '--config-id',
      'edge-2',
      '--use-file',
      '/etc/keepalived/keepalived.conf',
      '--pid',
      '/run/ka/keepalived.pid',
      '--vrrp_pid',
      '/run/ka/vrrp.pid',
      '--checkers_pid',
      '/run/ka/checkers.pid',
      '--vrrp',
    ]);
  });

  test('seed settings: v2, advert 1 s, every node MASTER 100, multicast, no check', () => {
    const e = seedSettings();
    expect(e.keepalivedConf).toMatch(/vrrp_version 2/);
    expect(e.keepalivedConf).toMatch(/advert_int 1\b/);
    expect(e.keepalivedConf).toMatch(/state MASTER/);
    expect(e.keepalivedConf).toMatch(/priority 100/);
    expect(e.keepalivedConf).not.toMatch(/unicast|vrrp_script|@/);
    expect(e.nodes.every((n) => n.priority === 100)).toBe(true);
    expect(e.capabilities).toBeUndefined();
  });

  test('both variants share the lab addressing', () => {
    const p = projectDefaults();
    const s = seedSettings();
    expect(s.nodes.map((n) => n.address)).toEqual(p.nodes.map((n) => n.address));
    expect(s.vip).toBe(p.vip);
  });

  test('setpriv keeps only the listed capabilities', () => {
    expect(setprivArgs(['NET_ADMIN', 'CAP_NET_RAW'])).toEqual([
      '/usr/bin/setpriv',
      '--bounding-set=-all,+net_admin,+net_raw',
      '--inh-caps=-all',
    ]);
  });
});

describe('preflight', () => {
  test('finds the executables of check and notify scripts', () => {
    const conf = [
      'vrrp_script chk { script "/usr/bin/curl -fsS http://127.0.0.1:8080/ping" }',
      '    script "/usr/bin/curl -fsS -o /dev/null http://127.0.0.1:8080/ping"',
      '  @edge-1 notify_master /usr/local/bin/notify.sh',
      "  notify '/bin/sh -c true'",
    ].join('\n');
    expect(scriptExecutables(conf)).toEqual(['/usr/bin/curl', '/usr/local/bin/notify.sh', '/bin/sh']);
  });
  test('project defaults use wget (as shipped), the seed runs no scripts', () => {
    expect(scriptExecutables(projectDefaults().keepalivedConf)).toEqual(['/usr/bin/wget']);
    expect(scriptExecutables(seedSettings().keepalivedConf)).toEqual([]);
  });
});
