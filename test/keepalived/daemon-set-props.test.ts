import { Testing } from 'cdk8s';
import { KEEPALIVED_AUTH_FILE, KeepalivedConfig, KeepalivedDaemonSet, VrrpVersion } from '../../lib/keepalived';
import { seedProps } from '../fixtures/seed-topology';

// Used on its own, KeepalivedDaemonSet names its own props in errors (EdgeIngress names vrrpAuthPassword).

function daemonSet(authPassword: string) {
  const props = seedProps('/usr/bin/true');
  const config = new KeepalivedConfig({
    ...props,
    instance: { ...props.instance, version: VrrpVersion.V2, advertIntervalSeconds: 1, authenticationFile: KEEPALIVED_AUTH_FILE },
  });
  return new KeepalivedDaemonSet(Testing.chart(), 'Keepalived', {
    namespace: 'kube-system', config, nodeSelectorLabel: { key: 'edgenode', value: 'true' }, authPassword,
  });
}

test.each([
  ['', 'authPassword must not be empty'],
  ['123456789', 'authPassword has 9 characters, at most 8 are used by keepalived'],
  ['a{b', 'authPassword must not contain # ! $ " { } or \\ (keepalived parses them)'],
])('authPassword %j is rejected as authPassword, without echoing it', (password, message) => {
  expect(() => daemonSet(password)).toThrow(new Error(message));
});

test('a valid password ends up in the Secret', () => {
  expect(daemonSet('Xk9pQ2mZ').authSecret).toBeDefined();
});
