import { parseCurlOutput, parseStatusOutput, statusTimeline } from '../../../e2e/kubelet/acceptance';
import { EdgeTarget, NodeView } from '../../../scripts/edge-view';
import { renderView } from '../../../scripts/status';

describe('parseCurlOutput', () => {
  test("splits the body from the status line curl's -w appends", () => {
    expect(parseCurlOutput('backend=e2e-kubelet\npod=backend-1\n\n200')).toEqual({
      status: 200,
      body: 'backend=e2e-kubelet\npod=backend-1\n',
    });
  });
  test('a refused or timed-out request is status 0 with no body', () => {
    expect(parseCurlOutput('\n000')).toEqual({ status: 0, body: '' });
  });
  test('output without the status line is refused, quoting its end', () => {
    expect(() => parseCurlOutput('')).toThrow('curl output without a status line: ""');
    expect(() => parseCurlOutput('<html>404</html>')).toThrow('curl output without a status line: "<html>404</html>"');
  });
});

test('statusTimeline names each status from when a run of it began', () => {
  const samples = [
    { ms: 120, status: 404 },
    { ms: 300, status: 404 },
    { ms: 2_080, status: 503 },
    { ms: 2_400, status: 0 },
    { ms: 4_000, status: 200 },
  ];
  expect(statusTimeline(samples)).toBe('404 from 0.1 s, 503 from 2.1 s, no answer from 2.4 s, 200 from 4.0 s');
  expect(statusTimeline([])).toBe('');
});

describe("parseStatusOutput reads npm run status's own rendering", () => {
  const target: EdgeTarget = {
    namespace: 'kube-system',
    daemonSetName: 'keepalived',
    configMapName: 'keepalived-config',
    selector: 'k8s-app=keepalived',
    pingUrl: 'http://127.0.0.1:8581/ping',
    virtualIp: '172.20.0.119',
  };
  const node = (name: string, state: string | null, vips: string[], startupDelayLeftS = 0): NodeView => ({
    node: name,
    pod: `keepalived-${name.split('.').pop()}`,
    image: 'docker.io/osixia/keepalived:2.3.4',
    state,
    priority: 100,
    effectivePriority: 100,
    vips,
    traefikOk: true,
    revision: 'abc',
    rejectedRevision: null,
    rejectedError: null,
    startupDelayLeftS,
  });

  test('rows per node with their state, and the holder of the verdict line', () => {
    const text = renderView(
      {
        nodes: [node('172.20.0.113', 'MASTER', ['172.20.0.119']), node('172.20.0.114', 'BACKUP', [], 4), node('172.20.0.115', null, [])],
        holders: ['172.20.0.113'],
        configMapRevision: 'abc',
      },
      target,
    );
    expect(parseStatusOutput(text)).toEqual({
      rows: [
        { node: '172.20.0.113', pod: 'keepalived-113', state: 'MASTER' },
        { node: '172.20.0.114', pod: 'keepalived-114', state: 'BACKUP' },
        { node: '172.20.0.115', pod: 'keepalived-115', state: '?' },
      ],
      holder: '172.20.0.113',
    });
  });

  test('no holder when the VIP is on no node or on several', () => {
    const none = renderView({ nodes: [node('172.20.0.113', 'BACKUP', [])], holders: [], configMapRevision: 'abc' }, target);
    expect(parseStatusOutput(none).holder).toBeUndefined();
    const two = renderView(
      {
        nodes: [node('172.20.0.113', 'MASTER', ['172.20.0.119']), node('172.20.0.114', 'MASTER', ['172.20.0.119'])],
        holders: ['172.20.0.113', '172.20.0.114'],
        configMapRevision: 'abc',
      },
      target,
    );
    expect(parseStatusOutput(two).holder).toBeUndefined();
  });

  test('output without the table is refused', () => {
    expect(() => parseStatusOutput('status: no keepalived pods\n')).toThrow('no NODE POD STATE header in the status output');
  });
});
