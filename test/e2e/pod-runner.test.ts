import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveInImage, serviceEnv, writeAtomicDir } from '../../e2e/pod-runner';
import { expandVars } from '../../lab/core/kubelet-expansion';

describe("expandVars (the kubelet's $(VAR) expansion)", () => {
  const env = { HOST_IP: '172.20.0.113', A: 'x' };
  test.each([
    ['--entryPoints.metrics.address=[$(HOST_IP)]:9101/tcp', '--entryPoints.metrics.address=[172.20.0.113]:9101/tcp'],
    ['$(A)$(A)', 'xx'],
    ['$$(A) stays literal', '$(A) stays literal'],
    ['$(UNDEFINED) is kept', '$(UNDEFINED) is kept'],
    ['plain $A and ${A} are not kubelet syntax', 'plain $A and ${A} are not kubelet syntax'],
  ])('%s', (given, expanded) => {
    expect(expandVars(given, env)).toBe(expanded);
  });
});

test('serviceEnv gives the docker-link variables of a Service', () => {
  const env = serviceEnv([
    { metadata: { name: 'kubernetes' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } },
  ]);
  expect(env).toEqual({
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_SERVICE_PORT_HTTPS: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
    KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
    KUBERNETES_PORT_443_TCP_PORT: '443',
    KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
  });
  expect(serviceEnv([{ metadata: { name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } }])).toEqual({});
});

describe('resolveInImage', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'image-'));
  fs.mkdirSync(path.join(root, 'run'));
  fs.mkdirSync(path.join(root, 'var'));
  fs.symlinkSync('/run', path.join(root, 'var', 'run'));
  fs.mkdirSync(path.join(root, 'usr', 'lib'), { recursive: true });
  fs.symlinkSync('usr/lib', path.join(root, 'lib'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test.each([
    ['/var/run/secrets/kubernetes.io/serviceaccount', '/run/secrets/kubernetes.io/serviceaccount'],
    ['/lib/modules', '/usr/lib/modules'],
    ['/data', '/data'],
    ['/', '/'],
  ])('%s -> %s', (given, resolved) => {
    expect(resolveInImage(given, root)).toBe(resolved);
  });
});

test('writeAtomicDir lays files out as the kubelet does and swaps a second revision in whole', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'volume-'));
  try {
    writeAtomicDir(dir, { 'keepalived.conf': { data: Buffer.from('one') } });
    const first = fs.readlinkSync(path.join(dir, '..data'));
    expect(fs.readlinkSync(path.join(dir, 'keepalived.conf'))).toBe('..data/keepalived.conf');
    expect(fs.readFileSync(path.join(dir, 'keepalived.conf'), 'utf8')).toBe('one');
    writeAtomicDir(dir, { 'keepalived.conf': { data: Buffer.from('two') } });
    expect(fs.readlinkSync(path.join(dir, '..data'))).not.toBe(first);
    expect(fs.readFileSync(path.join(dir, 'keepalived.conf'), 'utf8')).toBe('two');
    expect(fs.existsSync(path.join(dir, first))).toBe(false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
