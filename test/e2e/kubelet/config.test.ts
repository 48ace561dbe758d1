import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { cniConfig, containerdConfig, DEBIAN_CNI_BIN_DIR, kubeletArgs, kubeletConfig, nodeLayout } from '../../../e2e/kubelet/config';

const a = nodeLayout('/tmp/run/n/0');
const b = nodeLayout('/tmp/run/n/1');

test("two nodes' layouts share no path, and each path is inside its node's directory", () => {
  const paths = (l: ReturnType<typeof nodeLayout>): string[] =>
    Object.entries(l)
      .filter(([k]) => k !== 'dir')
      .map(([, v]) => v);
  for (const p of paths(a)) expect(p.startsWith('/tmp/run/n/0/')).toBe(true);
  expect(paths(a).filter((p) => paths(b).includes(p))).toEqual([]);
});

test('a unix socket path of the layout fits the 108-byte sun_path for a realistic work directory', () => {
  const l = nodeLayout('/tmp/edgelab-4194304-rn-AbCdEf/n/3');
  expect(Buffer.byteLength(`${l.containerdSocket}.ttrpc`)).toBeLessThan(108);
});

describe('containerdConfig', () => {
  const conf = parseToml(containerdConfig(a, { sandboxImage: 'registry.k8s.io/pause:3.10.1' })) as any;
  const cri = conf.plugins['io.containerd.grpc.v1.cri'];

  test("uses the node's own root, state and sockets", () => {
    expect(conf.version).toBe(2);
    expect([conf.root, conf.state, conf.grpc.address, conf.ttrpc.address]).toEqual([
      a.containerdRoot,
      a.containerdState,
      a.containerdSocket,
      `${a.containerdSocket}.ttrpc`,
    ]);
  });

  test('runs runc with cgroupfs and a runc root of its own', () => {
    expect(cri.containerd.default_runtime_name).toBe('runc');
    expect(cri.containerd.runtimes.runc).toEqual({
      runtime_type: 'io.containerd.runc.v2',
      options: { SystemdCgroup: false, Root: a.runcRoot },
    });
  });

  test("takes the pause image given and Debian's CNI plugins with the node's CNI config", () => {
    expect(cri.sandbox_image).toBe('registry.k8s.io/pause:3.10.1');
    expect(cri.cni).toMatchObject({ bin_dir: DEBIAN_CNI_BIN_DIR, conf_dir: a.cniConfDir });
  });

  test('a CNI plugin folder can be given', () => {
    const other = parseToml(containerdConfig(a, { sandboxImage: 'x.io/p:1', cniBinDir: '/opt/cni/bin' })) as any;
    expect(other.plugins['io.containerd.grpc.v1.cri'].cni.bin_dir).toBe('/opt/cni/bin');
  });
});

describe('kubeletConfig', () => {
  const conf = parseYaml(kubeletConfig(a, { cgroupRoot: '/edge1', address: '172.20.0.113', clientCaFile: '/pki/ca.crt' }));

  test('is a cgroupfs KubeletConfiguration on the given cgroup root, with the node runtime socket and log folder', () => {
    expect(conf).toMatchObject({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      cgroupDriver: 'cgroupfs',
      cgroupRoot: '/edge1',
      containerRuntimeEndpoint: `unix://${a.containerdSocket}`,
      podLogsDir: a.podLogs,
      address: '172.20.0.113',
    });
  });

  test('never evicts for disk and never garbage-collects images (they cannot be pulled again)', () => {
    expect(conf.failSwapOn).toBe(false);
    expect(conf.imageGCHighThresholdPercent).toBe(100);
    expect(Object.values(conf.evictionHard)).toEqual(['0%', '0%', '0%']);
  });

  test('authenticates the API server by client certificate and authorizes by webhook, never anonymously', () => {
    expect(conf.authentication).toEqual({
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: '/pki/ca.crt' },
    });
    expect(conf.authorization).toEqual({ mode: 'Webhook' });
    expect(conf.readOnlyPort).toBe(0);
  });
});

test("kubeletArgs names the node, its address, and the node's files", () => {
  expect(kubeletArgs(a, { name: '172.20.0.113', address: '172.20.0.113' })).toEqual(
    expect.arrayContaining([
      `--config=${a.kubeletConfig}`,
      `--kubeconfig=${a.kubeconfig}`,
      `--root-dir=${a.kubeletRoot}`,
      '--hostname-override=172.20.0.113',
      '--node-ip=172.20.0.113',
    ]),
  );
});

test("cniConfig is a bridge with host-local addresses from the node's pod range, its state in the node's folder", () => {
  const conf = JSON.parse(cniConfig(a, '10.244.3.0/24'));
  const bridge = conf.plugins.find((p: any) => p.type === 'bridge');
  expect(bridge.ipam).toMatchObject({ type: 'host-local', ranges: [[{ subnet: '10.244.3.0/24' }]], dataDir: a.cniDataDir });
  expect(conf.plugins.map((p: any) => p.type)).toEqual(['bridge', 'portmap']);
});
