import { allReady, daemonSetRows } from '../../../e2e/kubelet/daemonsets';

const list = (...items: Array<[string, number, number, number]>): any => ({
  items: items.map(([name, desired, current, ready]) => ({
    metadata: { name },
    status: { desiredNumberScheduled: desired, currentNumberScheduled: current, numberReady: ready },
  })),
});

test("daemonSetRows reads kubectl get ds's DESIRED, CURRENT and READY columns from the status", () => {
  expect(daemonSetRows(list(['traefik-ingress-lb', 3, 3, 2]))).toEqual([{ name: 'traefik-ingress-lb', desired: 3, current: 3, ready: 2 }]);
  expect(daemonSetRows({ items: [{ metadata: { name: 'new' } }] })).toEqual([{ name: 'new', desired: 0, current: 0, ready: 0 }]);
});

describe('allReady', () => {
  const names = ['traefik-ingress-lb', 'keepalived'];
  test('holds when every named DaemonSet is 3/3/3', () => {
    expect(allReady(daemonSetRows(list(['traefik-ingress-lb', 3, 3, 3], ['keepalived', 3, 3, 3])), names, 3)).toBe(true);
  });
  test.each([
    ['one pod not ready', list(['traefik-ingress-lb', 3, 3, 3], ['keepalived', 3, 3, 2])],
    ['a DaemonSet missing', list(['traefik-ingress-lb', 3, 3, 3])],
    ['scheduled on a fourth node', list(['traefik-ingress-lb', 4, 4, 4], ['keepalived', 3, 3, 3])],
  ])('fails with %s', (_why, l) => {
    expect(allReady(daemonSetRows(l), names, 3)).toBe(false);
  });
});
