// The order `npm run rollout` restarts pods in, and when it moves on. The commands themselves are exercised against
// real keepalived in the day-2 lab (lab/day2/day2-run.ts, through the kubectl stand-in lab/day2/bin/kubectl).
import { EdgeView, NodeView } from '../../scripts/edge-view';
import { notSettled, rolloutPlan } from '../../scripts/rollout';
import { main as status } from '../../scripts/status';

function node(name: string, over: Partial<NodeView> = {}): NodeView {
  return {
    node: name,
    pod: `keepalived-${name}`,
    image: 'old',
    state: 'BACKUP',
    priority: 100,
    effectivePriority: 100,
    vips: [],
    traefikOk: true,
    revision: 'abc',
    rejectedRevision: null,
    rejectedError: null,
    startupDelayLeftS: 0,
    ...over,
  };
}

function view(nodes: NodeView[], holders: string[]): EdgeView {
  return { nodes, holders, configMapRevision: 'abc' };
}

test('backups first (lowest priority first), the VIP holder last; up-to-date pods are left alone', () => {
  const v = view(
    [
      node('a', { priority: 150, state: 'BACKUP' }),
      node('b', { priority: 100, state: 'MASTER' }),
      node('c', { priority: 50 }),
      node('d', { priority: 10, image: 'new' }),
    ],
    ['b'],
  );
  expect(rolloutPlan(v, 'new').map((n) => n.node)).toEqual(['c', 'a', 'b']);
  expect(
    rolloutPlan(
      view(
        v.nodes.map((n) => ({ ...n, image: 'new' })),
        ['b'],
      ),
      'new',
    ),
  ).toEqual([]);
});

test('the next pod waits for a new pod on the node that is a BACKUP with a healthy Traefik, and one VIP holder', () => {
  const old = node('c', { pod: 'old-pod' });
  expect(notSettled(view([old], ['a']), 'c', 'old-pod', 'new')).toBe('no new pod on c yet');
  expect(notSettled(view([node('c', { image: 'old' })], ['a']), 'c', 'old-pod', 'new')).toBe('the pod on c runs old');
  expect(notSettled(view([node('c', { image: 'new', state: 'FAULT' })], ['a']), 'c', 'old-pod', 'new')).toBe('c is FAULT');
  expect(notSettled(view([node('c', { image: 'new', traefikOk: false })], ['a']), 'c', 'old-pod', 'new')).toBe(
    'Traefik on c does not answer /ping',
  );
  expect(notSettled(view([node('c', { image: 'new', startupDelayLeftS: 3.5 })], ['a']), 'c', 'old-pod', 'new')).toBe(
    'c is in its vrrp_startup_delay for 3.5 s more',
  );
  expect(notSettled(view([node('c', { image: 'new' })], ['a', 'b']), 'c', 'old-pod', 'new')).toBe('the VIP is on 2 nodes');
  expect(notSettled(view([node('c', { image: 'new' })], ['a']), 'c', 'old-pod', 'new')).toBeNull();
});

test('npm run status says so and exits 2 when kubectl is missing', () => {
  let stderr = '';
  const code = status([], {
    stdout: () => undefined,
    stderr: (t) => {
      stderr += t;
    },
    env: { PATH: '/nonexistent' },
  });
  expect(code).toBe(2);
  expect(stderr).toContain('kubectl was not found on PATH');
});
