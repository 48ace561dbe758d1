/*
 * The generated keepalived.conf against the real keepalived (`keepalived -t` in a private network
 * namespace per check). A config passes only when keepalived writes nothing to stderr for every node.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  KeepalivedConfig,
  KeepalivedConfigProps,
  LvsMethod,
  LvsProtocol,
  LvsScheduler,
  VrrpState,
  VrrpVersion,
} from '../../../../lib/keepalived';
import { SEED_NODES, seedProps as seedTopologyProps } from '../../../fixtures/seed-topology';
import {
  checkKeepalivedConfig,
  describeWithKeepalived,
  KeepalivedCheckResult,
  keepalivedAvailability,
} from '../../../support/keepalived-check';
import { FIXTURES } from '../../../support/paths';

const SEED_IDS = SEED_NODES.map((n) => n.name);
const SEED_ADDRESSES = Object.fromEntries(SEED_NODES.map((n) => [n.name, `${n.address}/17`]));

function seedProps(): KeepalivedConfigProps {
  return seedTopologyProps('/bin/true');
}

function expectClean(results: KeepalivedCheckResult[], ids: string[]): void {
  expect(results.map((r) => r.configId)).toEqual(ids);
  for (const r of results) {
    expect({ configId: r.configId, stderr: r.stderr, exitCode: r.exitCode }).toEqual({ configId: r.configId, stderr: '', exitCode: 0 });
  }
}

function ourNamespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(`kachk${process.pid}n`));
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ka-real-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describeWithKeepalived('generated keepalived.conf passes the real keepalived -t', () => {
  test('keepalived version', () => {
    // The facts and examples this library is built on were measured with 2.2.7.
    expect(keepalivedAvailability().version).toMatch(/^Keepalived v2\./);
  });

  test('seed topology with the defaults (nodes named by IP, DR virtual server, TCP_CHECK) on every node', async () => {
    const config = new KeepalivedConfig(seedProps());
    expect(config.directRouting).toBeDefined();
    const results = await checkKeepalivedConfig(config.render(), {
      interfaceName: 'eth0',
      configIds: SEED_IDS,
      nodeAddresses: SEED_ADDRESSES,
    });
    expectClean(results, SEED_IDS);
  });

  test('IP-address node names select their @lines with an explicit -i, and only the exact name', async () => {
    // A deliberately invalid priority on 172.20.0.113's line shows which config-ids read that line.
    const conf = new KeepalivedConfig(seedProps()).render();
    const marked = conf.replace('@172.20.0.113 priority 150', '@172.20.0.113 priority 300');
    expect(marked).not.toBe(conf);
    const ids = ['172.20.0.113', '172.20.0.114', '172.20.0.11', '172'];
    const results = await checkKeepalivedConfig(marked, { interfaceName: 'eth0', configIds: ids });
    expect(results[0].stderr).toContain("number '300' outside range");
    expect(results[0].exitCode).not.toBe(0);
    // Neither another node, nor a prefix, nor the hostname-cut-at-the-first-dot default reads it.
    for (const r of results.slice(1)) {
      expect({ id: r.configId, stderr: r.stderr }).toEqual({ id: r.configId, stderr: '' });
    }
  });

  test('VRRPv2 with the authentication file present via includea', async () => {
    const authFile = path.join(tmp, 'vrrp-auth.conf');
    const props = seedProps();
    const config = new KeepalivedConfig({
      ...props,
      instance: { ...props.instance, version: VrrpVersion.V2, authenticationFile: authFile },
    });
    expect(config.render()).toContain(`includea ${authFile}`);
    const results = await checkKeepalivedConfig(config.render(), {
      interfaceName: 'eth0',
      configIds: SEED_IDS,
      nodeAddresses: SEED_ADDRESSES,
      extraFiles: { [authFile]: config.renderAuthenticationFile('Xk9pQ2mZ') },
    });
    expectClean(results, SEED_IDS);
    expect(fs.existsSync(authFile)).toBe(false); // the checker removes the files it wrote
  });

  test('a missing authentication file fails (includea is strict)', async () => {
    const props = seedProps();
    const config = new KeepalivedConfig({
      ...props,
      instance: { ...props.instance, version: VrrpVersion.V2, authenticationFile: path.join(tmp, 'absent.conf') },
    });
    const [r] = await checkKeepalivedConfig(config.render(), { interfaceName: 'eth0', configIds: ['172.20.0.113'] });
    expect(r.stderr).toContain('absent.conf');
    expect(r.exitCode).not.toBe(0);
  });

  test("the seed document's keepalived.conf fails the checker", async () => {
    const seedConf = fs.readFileSync(path.join(FIXTURES, 'seed-keepalived.conf'), 'utf8');
    const results = await checkKeepalivedConfig(seedConf, { interfaceName: 'eth0', configIds: SEED_IDS });
    for (const r of results) {
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toContain("Unknown keyword 'nat_mask'");
      expect(r.stderr).toContain("Invalid lvs_scheduler 'loadbalance'");
      expect(r.stderr).toContain('persistence_timeout invalid');
    }
  });

  test('the checker bites when the interface does not exist', async () => {
    const config = new KeepalivedConfig(seedProps());
    const [r] = await checkKeepalivedConfig(config.render(), { interfaceName: 'ens3', configIds: ['172.20.0.113'] });
    expect(r.stderr).toMatch(/interface eth0 .*doesn't exist/);
  });

  const variants: Array<[string, (p: KeepalivedConfigProps) => KeepalivedConfigProps]> = [
    ['VRRP only', (p) => ({ ...p, virtualServers: undefined })],
    ['multicast', (p) => ({ ...p, instance: { ...p.instance, unicast: false } })],
    [
      'initial MASTER with preemption',
      (p) => ({
        ...p,
        instance: { ...p.instance, initialState: VrrpState.MASTER, preempt: true },
      }),
    ],
    [
      'preempt_delay, 10 ms adverts, notify',
      (p) => ({
        ...p,
        instance: {
          ...p.instance,
          preempt: true,
          preemptDelaySeconds: 60.25,
          advertIntervalSeconds: 0.01,
          notifyCommand: '/bin/true VI_EDGE',
        },
        scripts: [{ name: 'chk_traefik', command: '/bin/true', weight: -60, intervalSeconds: 2, timeoutSeconds: 2 }],
      }),
    ],
    [
      'several VIPs, NAT wlc with persistence, UDP, HTTP_GET',
      (p) => ({
        ...p,
        instance: { ...p.instance, virtualIpAddresses: ['172.20.0.119/17', '172.20.0.120'], trackScripts: [] },
        virtualServers: [
          {
            address: '172.20.0.119',
            port: 443,
            method: LvsMethod.NAT,
            scheduler: LvsScheduler.WEIGHTED_LEAST_CONNECTION,
            persistenceTimeoutSeconds: 1800,
            delayLoopSeconds: 0.5,
            realServers: SEED_NODES.map((n) => ({
              address: n.address,
              port: 8443,
              weight: 2,
              inhibitOnFailure: true,
              httpGet: {
                path: '/ping',
                connectPort: 8080,
                statusCode: 200,
                connectTimeoutSeconds: 1,
                retry: 0,
                delayBeforeRetrySeconds: 0.5,
              },
            })),
          },
          {
            address: '172.20.0.120',
            port: 53,
            protocol: LvsProtocol.UDP,
            scheduler: LvsScheduler.SOURCE_HASHING,
            realServers: SEED_NODES.map((n) => ({ address: n.address, port: 53, tcpCheck: { connectPort: 53, retry: 0 } })),
          },
        ],
      }),
    ],
    [
      'non-default global_defs',
      (p) => ({
        ...p,
        globalDefs: { garpMasterDelaySeconds: 0, garpMasterRepeat: 1, garpMasterRefreshSeconds: 0 },
      }),
    ],
  ];

  test.each(variants)('variant: %s', async (_name, change) => {
    const config = new KeepalivedConfig(change(seedProps()));
    const results = await checkKeepalivedConfig(config.render(), {
      interfaceName: 'eth0',
      configIds: SEED_IDS,
      nodeAddresses: SEED_ADDRESSES,
    });
    expectClean(results, SEED_IDS);
  });

  test('IPv6 nodes, VIP and DR virtual server on a VLAN interface', async () => {
    const nodes = [
      { name: 'edge-a.example.com', address: '2001:db8::113', priority: 200 },
      { name: 'edge-b.example.com', address: '2001:db8::114', priority: 100 },
    ];
    const config = new KeepalivedConfig({
      nodes,
      instance: { interface: 'bond0.100', virtualRouterId: 7, virtualIpAddresses: ['2001:db8::119'], subnet: '2001:db8::/64' },
      virtualServers: [
        {
          address: '2001:db8::119',
          port: 443,
          realServers: nodes.map((n) => ({ address: n.address, port: 443 })),
        },
      ],
    });
    const ids = nodes.map((n) => n.name);
    const results = await checkKeepalivedConfig(config.render(), {
      interfaceName: 'bond0.100',
      configIds: ids,
      nodeAddresses: Object.fromEntries(nodes.map((n) => [n.name, `${n.address}/64`])),
    });
    expectClean(results, ids);
  });

  test('a health check script in a private directory passes script security', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'bin-'));
    const script = path.join(dir, 'check_traefik.sh');
    fs.writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const props = seedProps();
    const config = new KeepalivedConfig({ ...props, scripts: [{ name: 'chk_traefik', command: `${script} --quiet` }] });
    const results = await checkKeepalivedConfig(config.render(), { interfaceName: 'eth0', configIds: SEED_IDS });
    expectClean(results, SEED_IDS);
  });

  test('a 100-node config passes for its first, middle and last node', async () => {
    const nodes = Array.from({ length: 100 }, (_, i) => ({
      name: `edge-${i}`,
      address: `10.1.${Math.floor(i / 50)}.${(i % 50) + 10}`,
      priority: 254 - i * 2,
    }));
    const config = new KeepalivedConfig({
      nodes,
      instance: { interface: 'eth0', virtualRouterId: 200, virtualIpAddresses: ['10.1.255.1'], subnet: '10.1.0.0/16' },
      virtualServers: [{ address: '10.1.255.1', port: 80, realServers: nodes.map((n) => ({ address: n.address, port: 80 })) }],
    });
    const ids = ['edge-0', 'edge-50', 'edge-99'];
    expectClean(await checkKeepalivedConfig(config.render(), { interfaceName: 'eth0', configIds: ids }), ids);
  });

  test('namespaces are removed after a check, also when it fails', async () => {
    await checkKeepalivedConfig('global_defs {\n}\n', { interfaceName: 'eth0', configIds: ['x'] });
    expect(ourNamespaces()).toEqual([]);
    // An interface name the kernel rejects makes the setup itself fail.
    await expect(checkKeepalivedConfig('', { interfaceName: 'bad/name', configIds: ['x'] })).rejects.toThrow(/ip -n/);
    expect(ourNamespaces()).toEqual([]);
  });
});
