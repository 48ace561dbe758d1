/*
 * The LVS lab's seed variant: the seed document's virtual_server, on lab addresses, with only the
 * keywords that keepalived rejects corrected, and a keepalived that runs VRRP and checkers.
 */
import * as fs from 'fs';
import * as path from 'path';
import { seedLvsEdge, synthesizeLvsEdge } from '../../../lab/lvs/lvs-edge';
import { FIXTURES } from '../../support/paths';

/** The `virtual_server` block of a keepalived.conf, one trimmed line per entry, blank lines dropped. */
function virtualServerLines(conf: string): string[] {
  const start = conf.indexOf('virtual_server');
  expect(start).toBeGreaterThanOrEqual(0);
  return conf
    .slice(start)
    .split('\n')
    .map((l) =>
      l
        .trim()
        .replace(/\s*\{$/, ' {')
        .replace(/\s+/g, ' '),
    )
    .filter((l) => l !== '');
}

describe('seed LVS edge', () => {
  const edge = seedLvsEdge('seed');

  test("is the seed document's virtual_server on lab addresses, with the three rejected keywords corrected", () => {
    const seedConf = fs.readFileSync(path.join(FIXTURES, 'seed-keepalived.conf'), 'utf8');
    // The seed's addresses mapped to the lab's: its VIP and its three nodes, in order.
    const seedAddresses: Record<string, string> = { '172.20.0.119': edge.vip };
    ['172.20.0.113', '172.20.0.114', '172.20.0.115'].forEach((a, i) => {
      seedAddresses[a] = edge.nodes[i].address;
    });
    const expected = virtualServerLines(seedConf)
      .map((l) => l.replace(/\b172\.20\.0\.\d+\b/g, (a) => seedAddresses[a] ?? a))
      .filter((l) => !/^(nat_mask|persistence_timeout) /.test(l))
      .map((l) => (l === 'lb_algo loadbalance' ? 'lb_algo wlc' : l));
    expect(virtualServerLines(edge.keepalivedConf)).toEqual(expected);
  });

  test("the seed's VRRP: v2, advert 1 s, every node MASTER at priority 100", () => {
    expect(edge.keepalivedConf).toMatch(/vrrp_version 2/);
    expect(edge.keepalivedConf).toMatch(/state MASTER/);
    expect(edge.keepalivedConf).not.toMatch(/lvs_sync_daemon|@/);
    expect(edge.nodes.map((n) => n.priority)).toEqual([100, 100, 100]);
  });

  test("runs VRRP and checkers with the project's container, without the handover and with no host preparation", () => {
    const vrrpOnly = synthesizeLvsEdge('vrrp only', false);
    expect(edge.pod.command).toEqual(vrrpOnly.pod.command);
    expect(edge.pod.capabilities).toEqual(vrrpOnly.pod.capabilities);
    expect(vrrpOnly.pod.args).toContain('--vrrp');
    expect(edge.pod.args).toEqual(vrrpOnly.pod.args.filter((a) => a !== '--vrrp'));
    expect(edge.pod.args).not.toContain('--dont-release-ipvs');
    expect(edge.hostPreparation).toBeUndefined();
    expect(edge.directs).toBe(true);
    // Nothing else loads the seed's scheduler module: the lab must.
    const scheduler = /^\s*lb_algo (\S+)$/m.exec(edge.keepalivedConf)?.[1];
    expect(edge.labLoadsModules).toEqual(['ip_vs', `ip_vs_${scheduler}`]);
  });
});
