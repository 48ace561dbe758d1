import {
  ClientSample,
  NodeEvent,
  Timeline,
  analyzeVip,
  clientGapMs,
  clientRecovered,
  failedRequests,
  holdingIntervals,
  linkDownIntervals,
  linkFlagsUp,
  parseClientLine,
  parseIpTimestamp,
  parseKeepalivedState,
  parseMonitorLine,
  singleHolderSince,
  structuralRolloutMoves,
} from '../../../lab/core/timeline';

const VIP = '10.77.0.100';
const NODES = ['a', 'b', 'c'];

function tl(events: Array<[number, string, NodeEvent['kind']]>, holder: string | null = 'a'): Timeline {
  const initial = Object.fromEntries(NODES.map((n) => [n, { vip: n === holder, link: true }]));
  return { nodes: NODES, initial, events: events.map(([t, node, kind]) => ({ t, node, kind })) };
}

describe('parsing', () => {
  test('ip -ts timestamp (UTC)', () => {
    const p = parseIpTimestamp('[2026-11-26T14:21:21.403818] 2: eth0    inet 10.77.0.100/32 scope global eth0');
    expect(p!.t).toBeCloseTo(Date.UTC(2026, 10, 26, 14, 21, 21) + 403.818, 3);
    expect(p!.rest).toBe('2: eth0    inet 10.77.0.100/32 scope global eth0');
    expect(parseIpTimestamp('       valid_lft forever preferred_lft forever')).toBeNull();
  });

  test('monitor address lines for the VIP only', () => {
    expect(
      parseMonitorLine('[2026-11-26T14:21:21.403818] 2: eth0    inet 10.77.0.100/32 scope global eth0', 'a', VIP, 'eth0'),
    ).toMatchObject({ node: 'a', kind: 'vip-add' });
    expect(
      parseMonitorLine('[2026-11-26T14:21:21.408683] Deleted 2: eth0    inet 10.77.0.100/32 scope global eth0', 'a', VIP, 'eth0'),
    ).toMatchObject({ kind: 'vip-del' });
    expect(parseMonitorLine('[2026-11-26T14:21:21.408683] 2: eth0    inet 10.77.0.11/24 scope global eth0', 'a', VIP, 'eth0')).toBeNull();
    expect(parseMonitorLine('[2026-11-26T14:21:21.407065] Deleted 2: eth0    inet6 fe80::1/64 scope link', 'a', VIP, 'eth0')).toBeNull();
    // 10.77.0.1000 is no address, but make sure a prefix of the VIP does not match
    expect(parseMonitorLine('[2026-11-26T14:21:21.403818] 2: eth0    inet 10.77.0.10/32 scope global eth0', 'a', VIP, 'eth0')).toBeNull();
  });

  test('monitor link lines', () => {
    const down = '[2026-11-26T14:21:21.406324] 2: eth0@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default ';
    const up = '[2026-11-26T14:21:22.000000] 2: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default ';
    expect(parseMonitorLine(down, 'a', VIP, 'eth0')).toMatchObject({ kind: 'link-down' });
    expect(parseMonitorLine(up, 'a', VIP, 'eth0')).toMatchObject({ kind: 'link-up' });
    expect(parseMonitorLine(up.replace('eth0@if2', 'lo'), 'a', VIP, 'eth0')).toBeNull();
    expect(linkFlagsUp('BROADCAST,MULTICAST,UP')).toBe(false); // no carrier
  });

  test('keepalived states', () => {
    expect(parseKeepalivedState('Thu Nov 26 14:28:55 2026: (VI_EDGE) Entering MASTER STATE')).toBe('MASTER');
    expect(parseKeepalivedState('Thu Nov 26 14:29:45 2026: (VI_1) Entering BACKUP STATE (init)')).toBe('BACKUP');
    expect(parseKeepalivedState('(VI_EDGE) Entering FAULT STATE')).toBe('FAULT');
    expect(parseKeepalivedState('(VI_EDGE) removing VIPs.')).toBeNull();
  });

  test('client lines', () => {
    expect(parseClientLine('1000.500 1001.250 1 edge-2')).toEqual({ start: 1000.5, end: 1001.25, ok: true, node: 'edge-2' });
    expect(parseClientLine('1000 1200 0 -')).toEqual({ start: 1000, end: 1200, ok: false, node: null });
    expect(parseClientLine('garbage')).toBeNull();
  });
});

describe('analyzeVip', () => {
  test('graceful move: one move, no double holding', () => {
    const a = analyzeVip(
      tl([
        [1001, 'a', 'vip-del'],
        [1130, 'b', 'vip-add'],
      ]),
      1000,
      3000,
    );
    expect(a).toMatchObject({
      moves: 1,
      doubleHoldingMs: 0,
      firstNewHolderAt: 1130,
      firstNewHolder: 'b',
      holderAtStart: 'a',
      holderAtEnd: 'b',
    });
  });

  test('crash with link down: dead node keeps the address but does not hold the VIP', () => {
    const a = analyzeVip(
      tl([
        [1005, 'a', 'link-down'],
        [1700, 'b', 'vip-add'],
      ]),
      1000,
      3000,
    );
    expect(a.moves).toBe(1);
    expect(a.doubleHoldingMs).toBe(0);
    expect(a.firstNewHolderAt).toBe(1700);
  });

  test('SIGKILL without link down: duplicate VIP is double holding', () => {
    const a = analyzeVip(tl([[1700, 'b', 'vip-add']]), 1000, 3000);
    expect(a.doubleHoldingMs).toBe(1300);
    expect(a.holdersAtEnd).toEqual(['a', 'b']);
    expect(a.holderAtEnd).toBe('b');
  });

  test('two masters at once: each appearance counts, overlap is double holding', () => {
    const a = analyzeVip(
      tl([
        [1001, 'a', 'vip-del'],
        [1600, 'b', 'vip-add'],
        [1601, 'c', 'vip-add'],
        [1650, 'b', 'vip-del'],
      ]),
      1000,
      3000,
    );
    expect(a.moves).toBe(2);
    expect(a.doubleHoldingMs).toBe(49);
    expect(a.holderAtEnd).toBe('c');
  });

  test('flap back to the old master counts twice', () => {
    const a = analyzeVip(
      tl([
        [1001, 'a', 'vip-del'],
        [1100, 'b', 'vip-add'],
        [4000, 'b', 'vip-del'],
        [4100, 'a', 'vip-add'],
      ]),
      1000,
      5000,
    );
    expect(a.moves).toBe(2);
    expect(a.changes.map((c) => c.holder)).toEqual([null, 'b', null, 'a']);
  });

  test('events before the window set the starting state; events after it are ignored', () => {
    const t = tl([
      [500, 'a', 'vip-del'],
      [600, 'b', 'vip-add'],
      [5000, 'c', 'vip-add'],
    ]);
    const a = analyzeVip(t, 1000, 3000);
    expect(a).toMatchObject({ moves: 0, holderAtStart: 'b', holderAtEnd: 'b', firstNewHolderAt: null });
  });

  test('first election from nobody is not a move', () => {
    const a = analyzeVip(tl([[1700, 'a', 'vip-add']], null), 1000, 3000);
    expect(a.moves).toBe(0);
    expect(a.firstNewHolder).toBe('a');
  });

  test('partition: everybody becomes master, heal leaves one', () => {
    const t = tl([
      [1700, 'b', 'vip-add'],
      [1750, 'c', 'vip-add'],
      [5100, 'b', 'vip-del'],
      [5120, 'c', 'vip-del'],
    ]);
    const a = analyzeVip(t, 1000, 6000);
    expect(a.moves).toBe(2);
    expect(a.doubleHoldingMs).toBe(5120 - 1700);
    expect(singleHolderSince(t, 5000, 6000)).toBe(5120);
    expect(singleHolderSince(t, 5200, 6000)).toBe(5200);
    expect(singleHolderSince(t, 2000, 3000)).toBeNull();
  });
});

describe('intervals', () => {
  test('holding intervals are clipped to the window', () => {
    const t = tl([
      [1005, 'a', 'link-down'],
      [1700, 'b', 'vip-add'],
      [2500, 'a', 'vip-del'],
      [2600, 'a', 'link-up'],
    ]);
    expect(holdingIntervals(t, 0, 3000)).toEqual([
      { node: 'a', from: 0, to: 1005 },
      { node: 'b', from: 1700, to: 3000 },
    ]);
    expect(linkDownIntervals(t, 0, 3000)).toEqual([{ node: 'a', from: 1005, to: 2600 }]);
  });
});

describe('client', () => {
  const ok = (t: number, node = 'a'): ClientSample => ({ start: t, end: t + 1, ok: true, node });
  const ko = (t: number): ClientSample => ({ start: t, end: t + 200, ok: false, node: null });

  test('gap starts at the last success before the window', () => {
    const s = [ok(980), ko(1000), ko(1020), ok(1700, 'b'), ok(1720, 'b')];
    expect(clientGapMs(s, 1000, 2000)).toBeCloseTo(1701 - 981, 6);
    expect(failedRequests(s, 1000, 2000)).toBe(2);
  });

  test('a client that never recovers has a gap up to the window end', () => {
    expect(clientGapMs([ok(990), ko(1000)], 1000, 5000)).toBeCloseTo(5000 - 991, 6);
    expect(clientGapMs([], 1000, 5000)).toBe(4000);
  });

  test('recovered needs k successes in a row after the given time (by send time)', () => {
    const s = [ko(1000), ok(1020), ok(1040), ok(1060)];
    expect(clientRecovered(s, 1010, 3)).toBe(true);
    expect(clientRecovered(s, 1010, 4)).toBe(false);
    // a timed-out request completes late and is reported after later successes: ordered by send time
    const late = [ok(1020), ok(1040), ok(1060), ko(1050)];
    expect(clientRecovered(late, 1010, 1)).toBe(true);
    expect(clientRecovered(late, 1010, 2)).toBe(false);
  });
});

describe('structural rollout moves (preemption off)', () => {
  const prio = { a: 150, b: 100, c: 50 };
  test('holder last needs one move', () => {
    expect(structuralRolloutMoves(['b', 'c', 'a'], prio, 'a')).toBe(1);
  });
  test('holder first moves the VIP to the next node, which is restarted later again', () => {
    expect(structuralRolloutMoves(['a', 'b', 'c'], prio, 'a')).toBe(2);
  });
  test('holder in the middle after the best backup: one move', () => {
    expect(structuralRolloutMoves(['b', 'a', 'c'], prio, 'a')).toBe(1);
  });
  test('holder in the middle before the best backup: two moves', () => {
    expect(structuralRolloutMoves(['c', 'a', 'b'], prio, 'a')).toBe(2);
  });
});
