import { Testing } from 'cdk8s';
import { KEEPALIVED_AUTH_FILE, KeepalivedConfig, KeepalivedDaemonSet, VrrpVersion } from '../../../../lib/keepalived';
import { seedProps } from '../../../fixtures/seed-topology';

// Used on its own, KeepalivedDaemonSet names its own props in errors (EdgeIngress names vrrpAuthPassword).

function v2Config(authenticationFile?: string): KeepalivedConfig {
  const props = seedProps('/usr/bin/true');
  return new KeepalivedConfig({
    ...props,
    instance: { ...props.instance, version: VrrpVersion.V2, advertIntervalSeconds: 1, authenticationFile },
  });
}

function daemonSet(authPassword: string, config = v2Config()) {
  return new KeepalivedDaemonSet(Testing.chart(), 'Keepalived', {
    namespace: 'kube-system',
    config,
    nodeSelectorLabel: { key: 'edgenode', value: 'true' },
    authPassword,
  });
}

test.each([
  ['', 'authPassword must not be empty'],
  ['123456789', 'authPassword has 9 characters, at most 8 are used by keepalived'],
  ['a{b', 'authPassword must not contain # ! $ " { } or \\ (keepalived parses them)'],
])('authPassword %j is rejected as authPassword, without echoing it', (password, message) => {
  expect(() => daemonSet(password)).toThrow(new Error(message));
});

test("a valid password ends up in the Secret, and the DaemonSet includes it in the ConfigMap's keepalived.conf", () => {
  const ds = daemonSet('Xk9pQ2mZ');
  expect(ds.authSecret).toBeDefined();
  expect(ds.configText).toContain(`    includea ${KEEPALIVED_AUTH_FILE}\n`);
  // The config model itself has no include: the DaemonSet owns it.
  expect(v2Config().render()).not.toContain('includea');
  // Everything else is the model's rendering, unchanged.
  expect(ds.configText.replace(/^ *# authentication block.*\n *includea .*\n/m, '')).toBe(v2Config().render());
});

test('a config that names its own authentication file is refused: the DaemonSet provides the include', () => {
  expect(() => daemonSet('Xk9pQ2mZ', v2Config(KEEPALIVED_AUTH_FILE))).toThrow(
    'config.instance.authenticationFile "vrrp-auth.conf": the DaemonSet provides the authentication include itself from authPassword',
  );
});

test('the IPVS handover follows vrrp_garp_master_delay, and the grace period covers it', () => {
  const podSpec = (garpMasterDelaySeconds?: number) => {
    const props = seedProps('/usr/bin/true');
    const config = new KeepalivedConfig({ ...props, globalDefs: { garpMasterDelaySeconds } });
    const ds = new KeepalivedDaemonSet(Testing.chart(), 'Keepalived', {
      namespace: 'kube-system',
      config,
      nodeSelectorLabel: { key: 'edgenode', value: 'true' },
    });
    const spec = ds.daemonSet.toJson().spec.template.spec;
    return { grace: spec.terminationGracePeriodSeconds, script: spec.containers[0].command[2] as string };
  };
  // Default delay 1 s: 2 s of handover, within the 10 s grace period.
  expect(podSpec()).toMatchObject({ grace: 10, script: expect.stringContaining('\n  sleep 2\n') });
  // A second round after 4 s: 5 s of handover; keepalived's stop, the handover and the release need 12 s.
  expect(podSpec(4)).toMatchObject({ grace: 12, script: expect.stringContaining('\n  sleep 5\n') });
});
