// Which config changes the in-place reload cannot apply without a VIP move, and the warning npm run synth prints.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KeepalivedConfig, KeepalivedConfigProps, VrrpVersion } from '../../../../lib/keepalived';
import { unsafeReloadChanges } from '../../../../lib/keepalived/conf/reload-safety';
import { seedProps } from '../../../fixtures/seed-topology';
import { REPO_ROOT } from '../../../support/paths';

const root = REPO_ROOT;

function conf(change: (p: KeepalivedConfigProps) => KeepalivedConfigProps = (p) => p): string {
  const props = { ...seedProps('/usr/bin/wget -q -T 1 -O /dev/null http://127.0.0.1:8080/ping'), virtualServers: undefined };
  return new KeepalivedConfig(change(props)).render();
}

test('priorities, extra VIPs and health-check timing reload in place', () => {
  const base = conf();
  expect(
    unsafeReloadChanges(
      base,
      conf((p) => ({ ...p, nodes: p.nodes.map((n, i) => (i === 2 ? { ...n, priority: 200 } : n)) })),
    ),
  ).toEqual([]);
  expect(
    unsafeReloadChanges(
      base,
      conf((p) => ({
        ...p,
        instance: { ...p.instance, virtualIpAddresses: [...p.instance.virtualIpAddresses, '172.20.0.120'] },
      })),
    ),
  ).toEqual([]);
  expect(
    unsafeReloadChanges(
      base,
      conf((p) => ({ ...p, scripts: p.scripts!.map((s) => ({ ...s, intervalSeconds: 2 })) })),
    ),
  ).toEqual([]);
});

test('router id, advertised VIP and advert interval changes are named', () => {
  const base = conf();
  expect(
    unsafeReloadChanges(
      base,
      conf((p) => ({ ...p, instance: { ...p.instance, virtualRouterId: 52 } })),
    ),
  ).toEqual([expect.stringMatching(/^virtual_router_id 51 -> 52: nodes on the old and the new file ignore each other's adverts/)]);
  expect(
    unsafeReloadChanges(
      base,
      conf((p) => ({ ...p, instance: { ...p.instance, virtualIpAddresses: ['172.20.0.118'] } })),
    ),
  ).toEqual([expect.stringContaining('advertised virtual_ipaddress 172.20.0.119/32 dev eth0 -> 172.20.0.118/32 dev eth0')]);
  // VRRPv3 backups adopt the master's interval; VRRPv2 backups drop adverts with another one.
  expect(
    unsafeReloadChanges(
      base,
      conf((p) => ({ ...p, instance: { ...p.instance, advertIntervalSeconds: 0.5 } })),
    ),
  ).toEqual([]);
  const v2 = (s: number) => conf((p) => ({ ...p, instance: { ...p.instance, version: VrrpVersion.V2, advertIntervalSeconds: s } }));
  expect(unsafeReloadChanges(v2(1), v2(2))).toEqual([expect.stringContaining('advert_int 1 -> 2')]);
});

test('npm run synth warns when the new dist/ changes the router id, and not for a priority change', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-warn-'));
  const synth = (env: Record<string, string>) =>
    spawnSync(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        path.join(root, 'scripts', 'synth.ts'),
        '--app',
        path.join(root, 'test', 'fixtures', 'vrid-app.ts'),
        '--out',
        out,
      ],
      { cwd: root, encoding: 'utf-8', env: { ...process.env, ...env } },
    );
  try {
    expect(synth({}).status).toBe(0);
    const priority = synth({ EDGE_TEST_PRIORITY: '120' });
    expect(priority.status).toBe(0);
    expect(priority.stderr).toBe('');
    const vrid = synth({ EDGE_TEST_PRIORITY: '120', EDGE_TEST_VRID: '52' });
    expect(vrid.status).toBe(0);
    expect(vrid.stderr).toContain('warning: ConfigMap/kube-system/keepalived-config: virtual_router_id 51 -> 52');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
