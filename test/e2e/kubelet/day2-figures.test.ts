import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  changedObjects,
  configRevision,
  describeVip,
  noHolderIntervals,
  podChanges,
  podIdentities,
  preferredNode,
  statusField,
  vipFigures,
} from '../../../e2e/kubelet/day2-figures';
import { NodeEvent, Timeline } from '../../../lab/core/timeline';

describe('configRevision', () => {
  test("is what the reloader's sha256sum | cut -c1-12 prints for the same file", () => {
    const conf = 'vrrp_instance VI_EDGE {\n    @172.20.0.115 priority 60\n}\n';
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'day2-')), 'keepalived.conf');
    fs.writeFileSync(file, conf);
    const shell = spawnSync('sh', ['-c', `sha256sum "${file}" | cut -c1-12`], { encoding: 'utf8' }).stdout.trim();
    expect(configRevision(conf)).toBe(shell);
    expect(configRevision(conf.replace('60', '50'))).not.toBe(shell);
  });
});

describe('statusField', () => {
  const status = 'revision=3f2a9c1b0d4e\nrejected=\nerror=\nupdated=2026-12-07T20:01:02Z\n';
  test('reads one key of the status file', () => {
    expect(statusField(status, 'revision')).toBe('3f2a9c1b0d4e');
    expect(statusField(status, 'updated')).toBe('2026-12-07T20:01:02Z');
  });
  test('is null for an empty value, a missing key or no file', () => {
    expect(statusField(status, 'rejected')).toBeNull();
    expect(statusField(status, 'error_count')).toBeNull();
    expect(statusField('', 'revision')).toBeNull();
  });
});

test('preferredNode is the highest priority, wherever it is in the list', () => {
  expect(
    preferredNode([
      { name: 'a', priority: 150 },
      { name: 'b', priority: 100 },
      { name: 'c', priority: 60 },
    ]),
  ).toBe('a');
  expect(
    preferredNode([
      { name: 'a', priority: 150 },
      { name: 'b', priority: 100 },
      { name: 'c', priority: 200 },
    ]),
  ).toBe('c');
  expect(() => preferredNode([])).toThrow('no nodes');
});

describe('podChanges', () => {
  const pod = (name: string, uid: string, restarts: number[]): any => ({
    metadata: { name, uid },
    spec: { nodeName: `node-${name}` },
    status: { containerStatuses: restarts.map((restartCount) => ({ restartCount })) },
  });
  const before = podIdentities({ items: [pod('k1', 'u1', [0]), pod('t1', 'u2', [0, 1])] });
  test('podIdentities sums the restart counts of every container and leaves terminating pods out', () => {
    const gone = { ...pod('k2', 'u3', [0]), metadata: { name: 'k2', uid: 'u3', deletionTimestamp: '2026-12-07T20:00:00Z' } };
    expect(podIdentities({ items: [pod('t1', 'u2', [0, 1]), gone] })).toEqual([{ name: 't1', uid: 'u2', node: 'node-t1', restarts: 1 }]);
  });
  test('is empty for the same UIDs and restart counts', () => {
    expect(podChanges(before, podIdentities({ items: [pod('t1', 'u2', [0, 1]), pod('k1', 'u1', [0])] }))).toEqual([]);
  });
  test('names a restarted container, a replaced pod and a new one', () => {
    const after = podIdentities({ items: [pod('k1', 'u1', [1]), pod('t1', 'u9', [0, 0])] });
    expect(podChanges(before, after)).toEqual([
      'k1 on node-k1 restarted: restartCount 0 -> 1',
      't1 (uid u2) on node-t1 is gone',
      't1 (uid u9) on node-t1 is new',
    ]);
  });
});

test('changedObjects names the objects that differ, were added or removed', () => {
  const cm = (conf: string): any => ({
    kind: 'ConfigMap',
    metadata: { name: 'keepalived-config', namespace: 'kube-system' },
    data: { conf },
  });
  const ds = { kind: 'DaemonSet', metadata: { name: 'keepalived', namespace: 'kube-system' }, spec: {} };
  expect(changedObjects([cm('a'), ds], [cm('a'), ds])).toEqual([]);
  expect(changedObjects([cm('a'), ds], [cm('b'), ds])).toEqual(['ConfigMap/kube-system/keepalived-config']);
  expect(changedObjects([ds], [cm('a')])).toEqual(['ConfigMap/kube-system/keepalived-config', 'DaemonSet/kube-system/keepalived']);
});

describe('the VIP from the monitors', () => {
  const nodes = ['n1', 'n2', 'n3'];
  const tl = (events: Array<[number, string, NodeEvent['kind']]>, holder = 'n1'): Timeline => ({
    nodes,
    initial: Object.fromEntries(nodes.map((n) => [n, { vip: n === holder, link: true }])),
    events: events.map(([t, node, kind]) => ({ t, node, kind })),
  });

  test('a reload that touches nothing: 0 moves, never on no node', () => {
    const f = vipFigures(tl([]), 0, 10_000);
    expect(f).toEqual({ moves: 0, holders: ['n1'], longestNoHolderMs: 0, noHolderMs: 0, doubleHoldingMs: 0, holderAtEnd: 'n1' });
  });

  test('a graceful handover: one move, the gap from the release to the takeover', () => {
    const f = vipFigures(
      tl([
        [1000, 'n1', 'vip-del'],
        [1120, 'n2', 'vip-add'],
      ]),
      0,
      5000,
    );
    expect(f.moves).toBe(1);
    expect(f.holders).toEqual(['n1', 'n2']);
    expect(f.longestNoHolderMs).toBe(120);
    expect(f.holderAtEnd).toBe('n2');
    expect(describeVip(f)).toBe('1 VIP move (n1 -> n2); on no node 120 ms (longest 120 ms), on two 0 ms');
  });

  test('a takeover before the release: no gap, the overlap counted as double holding', () => {
    const f = vipFigures(
      tl([
        [1000, 'n2', 'vip-add'],
        [1030, 'n1', 'vip-del'],
      ]),
      0,
      5000,
    );
    expect([f.moves, f.noHolderMs, f.doubleHoldingMs]).toEqual([1, 0, 30]);
  });

  test('a flap there and back counts two moves and both gaps', () => {
    const f = vipFigures(
      tl([
        [1000, 'n1', 'vip-del'],
        [1100, 'n2', 'vip-add'],
        [2000, 'n2', 'vip-del'],
        [2700, 'n1', 'vip-add'],
      ]),
      0,
      5000,
    );
    expect([f.moves, f.noHolderMs, f.longestNoHolderMs]).toEqual([2, 800, 700]);
    expect(f.holders).toEqual(['n1', 'n2', 'n1']);
  });

  test('noHolderIntervals: a holder on a dead link does not count, a VIP never back is a gap until the end', () => {
    expect(noHolderIntervals(tl([[1000, 'n1', 'link-down']]), 0, 3000)).toEqual([{ from: 1000, to: 3000 }]);
    expect(noHolderIntervals(tl([], 'none'), 500, 900)).toEqual([{ from: 500, to: 900 }]);
    // Events before the window set the state at its start.
    expect(
      noHolderIntervals(
        tl([
          [100, 'n1', 'vip-del'],
          [1500, 'n3', 'vip-add'],
        ]),
        1000,
        3000,
      ),
    ).toEqual([{ from: 1000, to: 1500 }]);
  });
});
