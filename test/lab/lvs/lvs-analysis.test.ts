import { parseModuleRoots } from '../../../lab/lvs/module-formats';
import { rolloutTimeline } from '../../../lab/lvs/lvs-report';
import {
  HeldConn,
  LvsRun,
  arpResponders,
  parseCheckerChange,
  ipvsConnStates,
  evaluateLvsTargets,
  failedRequests,
  failuresStopS,
  heldSurvival,
  slowAnswers,
  ipvsRealServers,
  ipvsScheduledConns,
  ipvsServiceCount,
  shares,
} from '../../../lab/lvs/lvs-analysis';

const held = (node: string, failedAt: number | null): HeldConn => ({
  node,
  src: '10.77.0.201',
  srcPort: 40000,
  requests: 5,
  failedAt,
  error: failedAt ? 'ECONNRESET' : null,
  maxLatencyMs: 3,
});

describe('LVS lab analysis', () => {
  test('arping replies: distinct MACs', () => {
    const out = [
      'ARPING 10.77.0.100 from 10.77.0.201 eth0',
      'Unicast reply from 10.77.0.100 [AA:BB:CC:00:00:01]  0.052ms',
      'Unicast reply from 10.77.0.100 [aa:bb:cc:00:00:01]  0.061ms',
      'Unicast reply from 10.77.0.100 [aa:bb:cc:00:00:02]  0.070ms',
      'Sent 2 probes (1 broadcast(s))',
    ].join('\n');
    expect(arpResponders(out)).toEqual(['aa:bb:cc:00:00:01', 'aa:bb:cc:00:00:02']);
    expect(arpResponders('Sent 2 probes\nReceived 0 response(s)')).toEqual([]);
  });

  const list = [
    'IP Virtual Server version 1.2.1 (size=4096)',
    'Prot LocalAddress:Port Scheduler Flags',
    '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
    'TCP  10.77.0.100:80 mh (mh-port)',
    '  -> 10.77.0.11:80                Route   1      3          10',
    '  -> 10.77.0.12:80                Route   0      1          2',
    'TCP  10.77.0.100:443 mh (mh-port)',
    '  -> 10.77.0.13:443               Route   1      0          0',
  ].join('\n');

  test('checker changes: the real server and whether it was enabled or disabled', () => {
    expect(parseCheckerChange('Mon Dec  7 03:30:04 2026: Disabling service [10.77.0.11]:tcp:80 of VS [10.77.0.100]:tcp:80')).toEqual({
      address: '10.77.0.11',
      change: 'disabled',
    });
    expect(parseCheckerChange('Enabling service [10.77.0.13]:tcp:80 of VS [10.77.0.100]:tcp:80')).toEqual({
      address: '10.77.0.13',
      change: 'enabled',
    });
    expect(parseCheckerChange('HTTP_CHECK on service [10.77.0.12]:tcp:80 failed.')).toBeNull();
  });

  test('rollout timeline: steps and checker changes in time order; a node never listed again says so', () => {
    const run: LvsRun = {
      scenario: 'traefik-rollout',
      variant: 'project',
      run: 1,
      labFault: null,
      rolloutSteps: [
        { node: 'edge-1', sigtermS: 0, exitedS: 4.1, readyS: 6.2, listedS: 7 },
        { node: 'edge-2', sigtermS: 8, exitedS: 12.1, readyS: 14, listedS: null },
      ],
      checkerEvents: [
        { atS: 6.5, director: 'edge-1', server: 'edge-1', change: 'enabled' },
        { atS: 0.4, director: 'edge-1', server: 'edge-1', change: 'disabled' },
      ],
    };
    expect(rolloutTimeline(run)).toBe(
      "timeline: 0.00 s edge-1 SIGTERM; 0.40 s edge-1's checker disabled edge-1; 4.10 s edge-1 exited; " +
        "6.20 s edge-1 listening again; 6.50 s edge-1's checker enabled edge-1; 7.00 s edge-1 listed; 8.00 s edge-2 SIGTERM; " +
        '12.10 s edge-2 exited; 14.00 s edge-2 listening again; 14.00 s edge-2 not listed again before the next step',
    );
  });

  test('ipvsadm -Ln: weights of one service only', () => {
    expect(ipvsRealServers(list, '10.77.0.100', 80)).toEqual({ '10.77.0.11': 1, '10.77.0.12': 0 });
    expect(ipvsRealServers(list, '10.77.0.100', 443)).toEqual({ '10.77.0.13': 1 });
    expect(ipvsRealServers('', '10.77.0.100', 80)).toEqual({});
  });

  test('ipvsadm -Ln --stats: Conns of the service, 0 without it', () => {
    const stats = [
      'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes',
      '  -> RemoteAddress:Port',
      'TCP  10.77.0.100:80                   3000    18000        0  1200000        0',
      '  -> 10.77.0.11:80                    1000     6000        0   400000        0',
    ].join('\n');
    expect(ipvsScheduledConns(stats, '10.77.0.100', 80)).toBe(3000);
    expect(ipvsScheduledConns(stats, '10.77.0.100', 443)).toBe(0);
  });

  test('ipvsadm -Lnc: entries of one service by real server and state', () => {
    const lnc = [
      'IPVS connection entries',
      'pro expire state       source             virtual            destination',
      'TCP 00:58  SYN_RECV    10.77.0.201:40001  10.77.0.100:80     10.77.0.12:80',
      'TCP 00:57  SYN_RECV    10.77.0.202:40002  10.77.0.100:80     10.77.0.12:80',
      'TCP 01:59  FIN_WAIT    10.77.0.203:40003  10.77.0.100:80     10.77.0.11:80',
      'TCP 01:59  FIN_WAIT    10.77.0.203:40004  10.77.0.100:443    10.77.0.11:443',
      'UDP 04:59  UDP         10.77.0.11:8848    0.0.0.0:0          10.77.0.12:8848',
    ].join('\n');
    expect(ipvsConnStates(lnc, '10.77.0.100', 80)).toEqual({ '10.77.0.12': { SYN_RECV: 2 }, '10.77.0.11': { FIN_WAIT: 1 } });
    expect(ipvsConnStates('IPVS connection entries\n', '10.77.0.100', 80)).toEqual({});
  });

  test('shares over the listed nodes', () => {
    expect(shares({ a: 1, b: 3 }, ['a', 'b', 'c'])).toEqual({ a: 0.25, b: 0.75, c: 0 });
    expect(shares({}, ['a'])).toEqual({ a: 0 });
  });

  test('failures stop at the start of the last failed request after the fault', () => {
    const s = (start: number, ok: boolean) => ({ start, end: start + 10, ok, node: ok ? 'edge-1' : null });
    expect(failuresStopS([s(900, false), s(1100, false), s(2500, false), s(2600, true)], 1000)).toBeCloseTo(1.5);
    expect(failuresStopS([s(900, false), s(1100, true)], 1000)).toBe(0);
  });

  test('slow answers: answered requests over 1 s in the window, and the slowest; failures do not count', () => {
    const s = (start: number, ms: number, ok = true) => ({ start, end: start + ms, ok, node: ok ? 'edge-1' : null });
    expect(
      slowAnswers([s(900, 5000), s(1000, 20), s(1100, 1000), s(1200, 1040.6), s(1300, 3000, false), s(6000, 9000)], 1000, 5000),
    ).toEqual({ slow: 1, slowestMs: 1041 });
    expect(slowAnswers([s(1000, 3000, false)], 1000, 5000)).toEqual({ slow: 0, slowestMs: null });
  });

  test('failed requests: error, source, and the last earlier use of the same source port', () => {
    const s = (start: number, srcPort: number, node: string | null, error: string | null = null) => ({
      start,
      end: start + 5,
      ok: node !== null,
      node,
      src: '10.77.0.201',
      srcPort,
      error,
    });
    const samples = [
      s(3000, 40001, null, 'ECONNREFUSED'), // out of order on purpose: sorted by start
      s(1000, 40001, 'edge-2'),
      s(1500, 40002, 'edge-1'),
      s(2000, 40002, 'edge-3'),
      s(2600, 40003, null, 'timeout'),
      s(2800, 0, null, 'ECONNREFUSED'), // no port: never matched to another request
      s(2900, 0, null, 'ECONNREFUSED'),
      s(9000, 40002, null, 'ECONNRESET'), // after the window
    ];
    expect(failedRequests(samples, 2500, 5000, 2000)).toEqual([
      { atS: 0.6, error: 'timeout', source: '10.77.0.201:40003', sameSourceBefore: null },
      { atS: 0.8, error: 'ECONNREFUSED', source: '10.77.0.201:0', sameSourceBefore: null },
      { atS: 0.9, error: 'ECONNREFUSED', source: '10.77.0.201:0', sameSourceBefore: null },
      { atS: 1, error: 'ECONNREFUSED', source: '10.77.0.201:40001', sameSourceBefore: { agoS: 2, node: 'edge-2' } },
    ]);
  });

  test('held connections: the dead node counts apart, closed-by-lab is not a loss', () => {
    const r = heldSurvival(
      [held('edge-1', 5), held('edge-1', null), held('edge-2', null), held('edge-2', 7), held('edge-3', -1)],
      'edge-1',
    );
    expect(r).toEqual({ toSurviving: 3, survivedSurviving: 2, toDead: 2, lostDead: 1, lostPerNode: { 'edge-1': 1, 'edge-2': 1 } });
  });

  const run = (over: Partial<LvsRun>): LvsRun => ({ scenario: 'spread', variant: 'project', run: 1, labFault: null, ...over });

  test('targets: medians of good runs; a lab fault does not count; missing data is not met', () => {
    const surv = (ok: number) => ({ toSurviving: 20, survivedSurviving: ok, toDead: 10, lostDead: 10, lostPerNode: {} });
    const runs: LvsRun[] = [
      run({
        perNode: { a: 1000, b: 1000, c: 1000 },
        failed: 0,
        total: 3000,
        schedulingNodes: { a: 3000, b: 0, c: 0 },
        extraAnswers: 0,
        arpResponders: [1, 1],
      }),
      run({ scenario: 'crash', survival: surv(20), failuresStopS: 1.2 }),
      run({ scenario: 'crash', run: 2, survival: surv(19), failuresStopS: 1.9 }),
      run({ scenario: 'crash', run: 3, survival: surv(20), failuresStopS: 1.4 }),
      run({ scenario: 'crash', run: 4, labFault: 'stall', survival: surv(0), failuresStopS: 9 }),
      run({ scenario: 'traefik-rollout', failedNew: 1, requests: 500 }),
    ];
    const t = Object.fromEntries(evaluateLvsTargets(runs, 'project').map((x) => [x.id, x]));
    expect(t.spread.status).toBe('met');
    expect(t['no-loops'].status).toBe('met');
    expect(t.arp.status).toBe('met');
    expect(t['crash-established']).toMatchObject({ measured: '100.0 %', status: 'met' });
    expect(t['crash-new']).toMatchObject({ measured: '1.40 s', status: 'met' });
    expect(t.rollout).toMatchObject({ measured: '1 of 500', status: 'missed' });
    expect(t['graceful-established'].status).toBe('no-data');
    expect(t['traefik-kill'].status).toBe('no-data');
  });

  test('targets: a graceful stop that leaves IPVS services on the stopped node is missed', () => {
    const stop = (left: number, n: number): LvsRun => run({ scenario: 'graceful-stop', run: n, stoppedNodeServices: left });
    const byId = (runs: LvsRun[]) => Object.fromEntries(evaluateLvsTargets(runs, 'project').map((x) => [x.id, x]));
    expect(byId([stop(0, 1), stop(0, 2)])['handover-release']).toMatchObject({ measured: 'services left per run [0,0]', status: 'met' });
    expect(byId([stop(0, 1), stop(1, 2)])['handover-release'].status).toBe('missed');
    expect(byId([])['handover-release'].status).toBe('no-data');
  });

  test('ipvsServiceCount counts virtual services, not real servers', () => {
    const list = [
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  10.77.0.100:80 mh (mh-fallback,mh-port)',
      '  -> 10.77.0.11:80                Route   1      0          0',
      '  -> 10.77.0.12:80                Route   1      0          0',
      'TCP  10.77.0.100:443 mh (mh-fallback,mh-port)',
      '  -> 10.77.0.11:443               Route   1      0          0',
    ].join('\n');
    expect(ipvsServiceCount(list)).toBe(2);
    expect(ipvsServiceCount(list.split('\n').slice(0, 3).join('\n'))).toBe(0);
  });

  test('targets: an uneven spread, a second scheduling node or two ARP responders are missed', () => {
    const t = Object.fromEntries(
      evaluateLvsTargets(
        [
          run({
            perNode: { a: 1500, b: 900, c: 600 },
            failed: 0,
            total: 3000,
            schedulingNodes: { a: 3000, b: 12, c: 0 },
            extraAnswers: 0,
            arpResponders: [1, 2],
          }),
        ],
        'project',
      ).map((x) => [x.id, x]),
    );
    expect(t.spread.status).toBe('missed');
    expect(t['no-loops'].status).toBe('missed');
    expect(t.arp.status).toBe('missed');
  });

  test('target status: met, missed, or no data', () => {
    const t = Object.fromEntries(
      evaluateLvsTargets(
        [
          run({
            perNode: { a: 1500, b: 900, c: 600 },
            failed: 0,
            total: 3000,
            schedulingNodes: { a: 3000 },
            extraAnswers: 0,
            arpResponders: [1],
          }),
          run({ scenario: 'traefik-rollout', failedNew: 0, requests: 1639 }),
        ],
        'project',
      ).map((x) => [x.id, x]),
    );
    expect(t.rollout.status).toBe('met');
    expect(t.spread.status).toBe('missed');
    expect(t['traefik-kill'].status).toBe('no-data');
  });

  test('with a port-reuse variant its rollout and SIGKILL runs are targets too, counted apart', () => {
    const runs: LvsRun[] = [
      run({ scenario: 'traefik-rollout', failedNew: 0, requests: 600 }),
      run({ scenario: 'traefik-rollout', variant: 'port-reuse', failedNew: 3, requests: 580 }),
      run({ scenario: 'traefik-kill', variant: 'port-reuse', failuresStopS: 0.5 }),
      run({ scenario: 'traefik-kill', variant: 'port-reuse', run: 2, failuresStopS: 4.9 }),
      run({ scenario: 'traefik-kill', variant: 'port-reuse', run: 3, failuresStopS: 1.0 }),
    ];
    const t = Object.fromEntries(evaluateLvsTargets(runs, 'project', 'port-reuse').map((x) => [x.id, x]));
    expect(t.rollout).toMatchObject({ measured: '0 of 600', status: 'met' });
    expect(t['rollout-port-reuse']).toMatchObject({ measured: '3 of 580', status: 'missed' });
    expect(t['traefik-kill'].status).toBe('no-data');
    expect(t['traefik-kill-port-reuse']).toMatchObject({ measured: '1.00 s', status: 'met' });
    // Without the variant name its runs are not targets.
    expect(evaluateLvsTargets(runs, 'project').map((x) => x.id)).not.toContain('rollout-port-reuse');
  });
});

describe('module roots (lab/lvs/module-formats.ts)', () => {
  test('--module-roots takes FORMAT=DIR pairs in order and refuses anything else', () => {
    expect(parseModuleRoots('xz=/tmp/noderoot-xz,zst=/tmp/noderoot')).toEqual([
      ['xz', '/tmp/noderoot-xz'],
      ['zst', '/tmp/noderoot'],
    ]);
    expect(parseModuleRoots('')).toEqual([]);
    expect(() => parseModuleRoots('xz')).toThrow('--module-roots: "xz" is not FORMAT=DIR');
    expect(() => parseModuleRoots('=/tmp')).toThrow('is not FORMAT=DIR');
  });
});
