import { grantsOf, withoutGrant } from '../../e2e/scenarios/rbac';

const role = {
  kind: 'ClusterRole',
  rules: [
    { apiGroups: [''], resources: ['nodes', 'services'], verbs: ['get'] },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses/status'], verbs: ['update'] },
  ],
};

test('each resource of each rule is one grant', () => {
  expect(grantsOf(role).map((g) => `${g.rule}:${g.resource}`)).toEqual(['0:nodes', '0:services', '1:ingresses/status']);
});

test('withoutGrant removes one resource and drops a rule left empty', () => {
  const [nodes, , status] = grantsOf(role);
  expect(withoutGrant(role, nodes).rules).toEqual([{ apiGroups: [''], resources: ['services'], verbs: ['get'] }, role.rules[1]]);
  expect(withoutGrant(role, status).rules).toEqual([role.rules[0]]);
  expect(role.rules[0].resources).toEqual(['nodes', 'services']);
});
