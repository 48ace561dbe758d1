import { Testing } from 'cdk8s';
import { EdgeIngress, EdgeIngressProps, KeepalivedPrivilege, VrrpVersion } from '../../lib';
import { validateManifests } from '../support/k8s-schema';

const seedLike: EdgeIngressProps = {
  nodes: [
    { name: 'edge-a', address: '10.1.0.11' },
    { name: 'edge-b', address: '10.1.0.12' },
    { name: 'edge-c', address: '10.1.0.13' },
  ],
  virtualIp: '10.1.0.100',
  subnet: '10.1.0.0/24',
};

function synth(props: Partial<EdgeIngressProps> = {}) {
  const chart = Testing.chart();
  const edge = new EdgeIngress(chart, 'Edge', { ...seedLike, ...props });
  const manifests = Testing.synth(chart);
  const find = (kind: string, name?: string) => {
    const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`);
    return found[0];
  };
  return { edge, manifests, find };
}

function keepalivedConf(find: (kind: string, name?: string) => any): string {
  return find('ConfigMap', 'keepalived-config').data['keepalived.conf'];
}

describe('EdgeIngress', () => {
  test('every synthesized object is valid Kubernetes 1.27', () => {
    expect(validateManifests(synth().manifests)).toEqual([]);
    expect(validateManifests(synth({ namespace: 'edge', loadBalancing: {}, vrrpVersion: VrrpVersion.V2, vrrpAuthPassword: 's3cret' }).manifests)).toEqual([]);
  });

  test('synthesizes Traefik and keepalived, nothing else, in kube-system by default', () => {
    const { manifests } = synth();
    expect(manifests.map((m) => m.kind).sort()).toEqual(
      ['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'DaemonSet', 'DaemonSet', 'IngressClass', 'ServiceAccount']);
    for (const m of manifests.filter((o) => o.metadata.namespace !== undefined)) {
      expect(m.metadata.namespace).toBe('kube-system');
    }
  });

  test('both DaemonSets select the edge nodes with the same label', () => {
    const { manifests } = synth({ nodeLabel: { key: 'example.com/edge', value: 'yes' } });
    const selectors = manifests.filter((m) => m.kind === 'DaemonSet').map((ds) => ds.spec.template.spec.nodeSelector);
    expect(selectors).toEqual([{ 'example.com/edge': 'yes' }, { 'example.com/edge': 'yes' }]);
  });

  test("Traefik's ingress endpoint is the VIP", () => {
    const { find } = synth();
    const args: string[] = find('DaemonSet', 'traefik-ingress-lb').spec.template.spec.containers[0].args;
    expect(args).toContain('--providers.kubernetesingress.ingressendpoint.ip=10.1.0.100');
  });

  test("keepalived's health check polls Traefik's loopback ping port", () => {
    const { find } = synth({ traefik: { adminPort: 9555 } });
    expect(keepalivedConf(find)).toContain('http://127.0.0.1:9555/ping');
    const args: string[] = find('DaemonSet', 'traefik-ingress-lb').spec.template.spec.containers[0].args;
    expect(args).toContain('--entryPoints.traefik.address=127.0.0.1:9555/tcp');
  });

  test('Traefik keeps serving after SIGTERM until keepalived has seen /ping fail and moved the VIP', () => {
    const traefikArgs = (props: Partial<EdgeIngressProps>): string[] =>
      synth(props).find('DaemonSet', 'traefik-ingress-lb').spec.template.spec.containers[0].args;
    expect(traefikArgs({})).toContain('--entryPoints.web.transport.lifeCycle.requestAcceptGraceTimeout=4s');
    expect(traefikArgs({ healthCheck: { intervalSeconds: 2, fall: 3 }, traefik: { websecurePort: 443 } })).toEqual(
      expect.arrayContaining([
        '--entryPoints.web.transport.lifeCycle.requestAcceptGraceTimeout=9s',
        '--entryPoints.websecure.transport.lifeCycle.requestAcceptGraceTimeout=9s',
      ]));
  });

  test('one config for every node: per-node priorities, 150/100/50 by default', () => {
    const { find, edge } = synth();
    const conf = keepalivedConf(find);
    expect(conf).toContain('@edge-a priority 150');
    expect(conf).toContain('@edge-b priority 100');
    expect(conf).toContain('@edge-c priority 50');
    expect(edge.keepalivedConfig.preferredMaster.name).toBe('edge-a');
  });

  test('explicit priorities are kept', () => {
    const { edge } = synth({ nodes: [{ name: 'a', address: '10.1.0.2', priority: 10 }, { name: 'b', address: '10.1.0.3', priority: 200 }] });
    expect(edge.nodes.map((n) => n.priority)).toEqual([10, 200]);
    expect(edge.keepalivedConfig.preferredMaster.name).toBe('b');
  });

  test('load balancing derives one real server per node on the web and websecure ports', () => {
    const { find } = synth({ loadBalancing: {}, traefik: { webPort: 8080, websecurePort: 8443 } });
    const conf = keepalivedConf(find);
    for (const port of [8080, 8443]) {
      expect(conf).toContain(`virtual_server 10.1.0.100 ${port} {`);
      for (const address of ['10.1.0.11', '10.1.0.12', '10.1.0.13']) {
        expect(conf).toContain(`real_server ${address} ${port} {`);
      }
    }
    const keepalived = find('DaemonSet', 'keepalived').spec.template.spec;
    expect(keepalived.initContainers.map((c: any) => c.name)).toEqual(['prepare-host']);
    expect(keepalived.containers[0].args).not.toContain('--vrrp');
  });

  test('without load balancing keepalived runs VRRP only and touches no host state', () => {
    const { find } = synth();
    const spec = find('DaemonSet', 'keepalived').spec.template.spec;
    expect(spec.initContainers).toBeUndefined();
    expect(spec.containers[0].args).toContain('--vrrp');
    expect(keepalivedConf(find)).not.toContain('virtual_server');
  });

  test('a config change leaves the pod template alone (it reloads in place); an image change changes it', () => {
    const template = (props: Partial<EdgeIngressProps>) => {
      const { find } = synth(props);
      return { conf: keepalivedConf(find), template: JSON.stringify(find('DaemonSet', 'keepalived').spec.template) };
    };
    const base = template({});
    const changed = template({ additionalVirtualIps: ['10.1.0.101'], healthCheck: { intervalSeconds: 2 } });
    expect(changed.conf).not.toBe(base.conf);
    expect(changed.template).toBe(base.template);
    expect(template({ keepalived: { image: 'docker.io/osixia/keepalived:2.3.5' } }).template).not.toBe(base.template);
  });

  test('pods wait for `npm run rollout` (OnDelete) and keepalived reads the validated copy, not the mount', () => {
    const ds = synth().find('DaemonSet', 'keepalived');
    expect(ds.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    const container = ds.spec.template.spec.containers[0];
    const args: string[] = container.args;
    expect(args[args.indexOf('--use-file') + 1]).toBe('/run/keepalived/active/keepalived.conf');
    expect(container.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(container.command[2]).toContain('/etc/keepalived/config/keepalived.conf');
    expect(container.command[2]).toMatch(/exec keepalived "\$@"\n$/);
  });

  test('keepalived gets the node name as its config-id', () => {
    const container = synth().find('DaemonSet', 'keepalived').spec.template.spec.containers[0];
    const args: string[] = container.args;
    expect(args[args.indexOf('--config-id') + 1]).toBe('$(NODE_NAME)');
    expect(container.env).toContainEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
  });

  test('least privilege drops everything but what VRRP and the health script need', () => {
    const container = synth({ keepalived: { privilege: KeepalivedPrivilege.LEAST_PRIVILEGE } })
      .find('DaemonSet', 'keepalived').spec.template.spec.containers[0];
    expect(container.securityContext.privileged).toBe(false);
    expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_ADMIN', 'NET_RAW', 'SETUID', 'SETGID'] });
  });

  test('another namespace is created with Pod Security labels that admit the edge pods', () => {
    const { find, manifests } = synth({ namespace: 'edge' });
    expect(find('Namespace', 'edge').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(manifests.filter((m) => m.metadata.namespace !== undefined).every((m) => m.metadata.namespace === 'edge')).toBe(true);
    expect(find('ClusterRoleBinding').subjects[0].namespace).toBe('edge');
  });

  test('the VRRP password lives in a Secret, never in the ConfigMap', () => {
    const { find } = synth({ vrrpVersion: VrrpVersion.V2, vrrpAuthPassword: 'Xk9pQ2mZ' });
    expect(keepalivedConf(find)).not.toContain('Xk9pQ2mZ');
    expect(keepalivedConf(find)).toContain('includea vrrp-auth.conf');
    expect(find('DaemonSet', 'keepalived').spec.template.spec.containers[0].command[2]).toContain('auth=/etc/keepalived/auth/vrrp-auth.conf');
    expect(find('Secret', 'keepalived-vrrp-auth').stringData['vrrp-auth.conf']).toContain('auth_pass Xk9pQ2mZ');
  });

  test('a single edge node talks multicast (it has no unicast peer)', () => {
    const { find } = synth({ nodes: [{ name: 'solo', address: '10.1.0.11' }] });
    expect(keepalivedConf(find)).not.toContain('unicast_peer');
  });

  test('label commands name every edge node', () => {
    expect(synth().edge.labelCommands()).toEqual([
      'kubectl label nodes edge-a edgenode=true --overwrite',
      'kubectl label nodes edge-b edgenode=true --overwrite',
      'kubectl label nodes edge-c edgenode=true --overwrite',
    ]);
  });

  test.each<[string, Partial<EdgeIngressProps>, string]>([
    ['no nodes', { nodes: [] }, 'nodes must list at least one edge node'],
    ['a bad VIP', { virtualIp: '10.1.0.300' }, 'virtualIp "10.1.0.300" is not a valid'],
    ['an extra VIP outside the subnet', { additionalVirtualIps: ['10.2.0.1'] },
      'additionalVirtualIps[0] "10.2.0.1" is outside subnet "10.1.0.0/24"'],
    ['a subnet with host bits', { subnet: '10.1.0.1/24' }, 'subnet "10.1.0.1/24" has host bits set'],
    ['a fractional advert interval with VRRP v2', { vrrpVersion: VrrpVersion.V2, advertIntervalSeconds: 0.5 },
      'advertIntervalSeconds 0.5 is not a whole number of seconds'],
    ['a fractional check interval', { healthCheck: { intervalSeconds: 0.5 } }, 'healthCheck.intervalSeconds 0.5 is not an integer'],
    ['persistence 0', { loadBalancing: { persistenceTimeoutSeconds: 0 } },
      'loadBalancing.persistenceTimeoutSeconds 0 is outside 1-2678400'],
    ['an unpinned Traefik image', { traefik: { image: 'traefik' } }, 'traefik.image "traefik" must be pinned'],
    ['a keepalived image tagged latest', { keepalived: { image: 'keepalived:latest' } }, 'keepalived.image "keepalived:latest" must be pinned'],
    ['clashing Traefik ports', { traefik: { webPort: 8580 } }, 'traefik.adminPort 8580 is already used by traefik.webPort'],
    ['a VIP that is a node address', { virtualIp: '10.1.0.12' }, '10.1.0.12'],
    ['a VIP outside the subnet', { virtualIp: '10.2.0.100' }, '10.2.0.100'],
    ['a router id out of range', { virtualRouterId: 256 }, 'virtualRouterId 256 is outside 1-255'],
    ['a bad node label', { nodeLabel: { key: 'edge node', value: 'true' } }, 'nodeLabel.key "edge node"'],
    ['a password with VRRP v3', { vrrpAuthPassword: 'abc' }, 'vrrpAuthPassword needs vrrpVersion 2'],
  ])('rejects %s, naming the value', (_name, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
