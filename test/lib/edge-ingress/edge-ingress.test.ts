import { Testing } from 'cdk8s';
import { EdgeIngress, EdgeIngressProps, KeepalivedPrivilege, VrrpVersion } from '../../../lib';
import { validateManifests } from '../../support/k8s-schema';

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
    expect(
      validateManifests(synth({ namespace: 'edge', loadBalancing: {}, vrrpVersion: VrrpVersion.V2, vrrpAuthPassword: 's3cret' }).manifests),
    ).toEqual([]);
  });

  test('synthesizes Traefik and keepalived, nothing else, in kube-system by default', () => {
    const { manifests } = synth();
    expect(manifests.map((m) => m.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'DaemonSet',
      'DaemonSet',
      'IngressClass',
      'ServiceAccount',
    ]);
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
      ]),
    );
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
    const { edge } = synth({
      nodes: [
        { name: 'a', address: '10.1.0.2', priority: 10 },
        { name: 'b', address: '10.1.0.3', priority: 200 },
      ],
    });
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
    // A stopped node keeps directing while clients move to the new VIP holder; its start command releases the
    // services afterwards (test/lib/keepalived/pod/config-reloader.test.ts).
    expect(keepalived.containers[0].args).toContain('--dont-release-ipvs');
    expect(keepalived.containers[0].command[2]).toContain('release_ipvs');
  });

  test("load balancing: directors check each node's Traefik /ping on its own address, drain with weight 0", () => {
    const { find } = synth({ loadBalancing: {} });
    const vs = keepalivedConf(find).split('virtual_server 10.1.0.100 80 {')[1];
    expect(vs).toContain('delay_loop 0.5\n');
    const realServer = [
      /real_server 10\.1\.0\.11 80 \{\s+weight 1\s+inhibit_on_failure\s+/,
      /HTTP_GET \{\s+url \{\s+path \/ping\s+status_code 200\s+\}\s+/,
      /connect_port 8581\s+connect_timeout 0\.5\s+retry 1\s+delay_before_retry 0\.2\s+\}/,
    ];
    expect(vs).toMatch(new RegExp(realServer.map((r) => r.source).join('')));
    const traefik = find('DaemonSet', 'traefik-ingress-lb').spec.template.spec.containers[0];
    expect(traefik.args).toEqual(
      expect.arrayContaining([
        '--entryPoints.health.address=:8581/tcp',
        '--ping.entryPoint=health',
        '--entryPoints.health.transport.lifeCycle.requestAcceptGraceTimeout=4s',
      ]),
    );
    expect(traefik.ports).toContainEqual({ name: 'health', containerPort: 8581, hostPort: 8581, protocol: 'TCP' });
    // The VIP does not follow the local Traefik (the directors' checks do that job): no track script.
    expect(keepalivedConf(find)).not.toContain('chk_traefik');
    expect(keepalivedConf(find)).not.toContain('track_script');
    // The kubelet probes follow /ping to the health entrypoint (on loopback).
    expect(traefik.readinessProbe.httpGet).toMatchObject({ port: 8581, host: '127.0.0.1', path: '/ping' });
    // The host preparation loads modules with the node's own modprobe, through the read-only host root.
    const init = find('DaemonSet', 'keepalived').spec.template.spec.initContainers[0];
    expect(init.command[2]).toContain(`chroot "$HOST_ROOT" /bin/sh -c 'exec modprobe "$1"' modprobe "$1"`);
    expect(init.command[2]).toContain("set_sysctl 'net/ipv4/vs/sloppy_tcp' '1'");
    expect(init.volumeMounts).toEqual([{ name: 'host-root', mountPath: '/host', readOnly: true }]);
  });

  test('without load balancing there is no health entrypoint unless asked for', () => {
    expect(synth().find('DaemonSet', 'traefik-ingress-lb').spec.template.spec.containers[0].args.join(' ')).not.toContain('health');
    const withPort = synth({ traefik: { healthPort: 9000 } });
    expect(withPort.find('DaemonSet', 'traefik-ingress-lb').spec.template.spec.containers[0].args).toContain(
      '--entryPoints.health.address=:9000/tcp',
    );
    expect(keepalivedConf(withPort.find)).toContain('http://127.0.0.1:9000/ping');
  });

  test('without load balancing keepalived runs VRRP only and touches no host state', () => {
    const { find } = synth();
    const spec = find('DaemonSet', 'keepalived').spec.template.spec;
    expect(spec.initContainers).toBeUndefined();
    expect(spec.containers[0].args).toContain('--vrrp');
    expect(spec.containers[0].args).not.toContain('--dont-release-ipvs');
    // keepalived replaces the shell: nothing to hand over without IPVS.
    expect(spec.containers[0].command[2]).toMatch(/\nexec keepalived "\$@"\n$/);
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
    const container = synth({ keepalived: { privilege: KeepalivedPrivilege.LEAST_PRIVILEGE } }).find('DaemonSet', 'keepalived').spec
      .template.spec.containers[0];
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
    expect(find('DaemonSet', 'keepalived').spec.template.spec.containers[0].command[2]).toContain(
      'auth=/etc/keepalived/auth/vrrp-auth.conf',
    );
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
    ['no nodes', { nodes: [] }, 'nodes is empty: at least one node is required'],
    ['a bad VIP', { virtualIp: '10.1.0.300' }, 'virtualIp "10.1.0.300" is not a valid'],
    [
      'an extra VIP outside the subnet',
      { additionalVirtualIps: ['10.2.0.1'] },
      'additionalVirtualIps[0] "10.2.0.1" is outside subnet "10.1.0.0/24"',
    ],
    ['a subnet with host bits', { subnet: '10.1.0.1/24' }, 'subnet "10.1.0.1/24" has host bits set'],
    [
      'a fractional advert interval with VRRP v2',
      { vrrpVersion: VrrpVersion.V2, advertIntervalSeconds: 0.5 },
      'advertIntervalSeconds 0.5 is not a whole number of seconds',
    ],
    ['a fractional check interval', { healthCheck: { intervalSeconds: 0.5 } }, 'healthCheck.intervalSeconds 0.5 is not an integer'],
    [
      'persistence 0',
      { loadBalancing: { persistenceTimeoutSeconds: 0 } },
      'loadBalancing.persistenceTimeoutSeconds 0 is outside 1-2678400',
    ],
    ['an unpinned Traefik image', { traefik: { image: 'traefik' } }, 'traefik.image "traefik" must be pinned'],
    [
      'a keepalived image tagged latest',
      { keepalived: { image: 'keepalived:latest' } },
      'keepalived.image "keepalived:latest" must be pinned',
    ],
    ['clashing Traefik ports', { traefik: { webPort: 8580 } }, 'traefik.adminPort 8580 is already used by traefik.webPort'],
    ['a VIP that is a node address', { virtualIp: '10.1.0.12' }, '10.1.0.12'],
    ['a VIP outside the subnet', { virtualIp: '10.2.0.100' }, '10.2.0.100'],
    ['a router id out of range', { virtualRouterId: 256 }, 'virtualRouterId 256 is outside 1-255'],
    ['a bad node label', { nodeLabel: { key: 'edge node', value: 'true' } }, 'nodeLabel.key "edge node"'],
    ['a password with VRRP v3', { vrrpAuthPassword: 'abc' }, 'vrrpAuthPassword needs vrrpVersion 2'],
  ])('rejects %s, naming the value', (_name, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test.each<[string, Partial<EdgeIngressProps>, string]>([
    [
      'a node name that is not a Kubernetes node name',
      {
        nodes: [
          { name: 'edge-a', address: '10.1.0.11' },
          { name: 'Edge_1', address: '10.1.0.12' },
        ],
      },
      'nodes[1].name "Edge_1" is not a valid Kubernetes node name',
    ],
    [
      'a node priority out of range',
      { nodes: [{ name: 'edge-a', address: '10.1.0.11', priority: 300 }] },
      'nodes[0].priority 300 is outside 1-254',
    ],
    [
      'a node outside the subnet',
      { nodes: [{ name: 'edge-a', address: '10.9.0.11' }] },
      'nodes[0].address "10.9.0.11" is outside subnet "10.1.0.0/24"',
    ],
    ['a VIP that is a node address', { virtualIp: '10.1.0.12' }, 'virtualIp "10.1.0.12" equals nodes[1].address'],
    ['a VIP outside the subnet', { virtualIp: '10.2.0.100' }, 'virtualIp "10.2.0.100" is outside subnet "10.1.0.0/24"'],
    [
      'an extra VIP equal to the VIP',
      { additionalVirtualIps: ['10.1.0.100'] },
      'additionalVirtualIps[0] "10.1.0.100" duplicates virtualIp',
    ],
    ['a bad interface', { interface: 'eth0:1' }, 'interface "eth0:1" is not a valid interface name'],
    [
      'a fractional VRRPv3 advert below 10 ms steps',
      { advertIntervalSeconds: 0.015 },
      'advertIntervalSeconds 0.015 is not a multiple of 0.01',
    ],
    ['a fall of 0', { healthCheck: { fall: 0 } }, 'healthCheck.fall 0 is outside 1-1000'],
    ['a rise too large', { healthCheck: { rise: 5000 } }, 'healthCheck.rise 5000 is outside 1-1000'],
    ['an unknown scheduler', { loadBalancing: { scheduler: 'fifo' as any } }, 'loadBalancing.scheduler "fifo" is not one of'],
    ['an unknown keepalived privilege', { keepalived: { privilege: 'root' as any } }, 'keepalived.privilege "root" is not one of'],
    ['a bad namespace', { namespace: 'Edge' }, 'namespace "Edge" is not a valid DNS-1123 label'],
    ['a Traefik port out of range', { traefik: { webPort: 70000 } }, 'traefik.webPort 70000 is outside 1-65535'],
    ['metrics on the web port', { traefik: { metricsPort: 80 } }, 'traefik.metricsPort 80 is already used by traefik.webPort'],
    ['a redirect without websecure', { traefik: { redirectToHttps: true } }, 'traefik.redirectToHttps true needs traefik.websecurePort'],
    [
      'a certificate without websecure',
      { traefik: { defaultCertificateSecretName: 'tls' } },
      'traefik.defaultCertificateSecretName "tls" needs traefik.websecurePort',
    ],
    [
      'a trusted CIDR that is not one',
      { traefik: { webTrustedProxies: { forwardedHeaders: ['10.0.0.0/33'] } } },
      'traefik.webTrustedProxies.forwardedHeaders[0] "10.0.0.0/33" is not a valid CIDR subnet',
    ],
    [
      'an access-log filter that is no status',
      { traefik: { accessLog: true, accessLogStatusCodes: ['5xx'] } },
      'traefik.accessLogStatusCodes[0] "5xx" is not a status code or range',
    ],
    [
      'an extra env var the construct sets',
      { traefik: { env: [{ name: 'HOST_IP', value: 'x' }] } },
      'traefik.env[0].name "HOST_IP" is set by the construct itself',
    ],
    [
      'a Traefik ACME flag',
      { traefik: { additionalArguments: ['--certificatesResolvers.le.acme.httpChallenge=true'] } },
      'traefik.additionalArguments[0] "--certificatesResolvers.le.acme.httpChallenge=true": Traefik\'s own ACME',
    ],
    ['a bad log level', { traefik: { logLevel: 'loud' as any } }, 'traefik.logLevel "loud" is not one of'],
    [
      'a bad priority class',
      { traefik: { priorityClassName: 'Node_Critical' } },
      'traefik.priorityClassName "Node_Critical" is not a valid DNS-1123 subdomain',
    ],
    [
      'a bad GatewayClass name',
      { traefik: { gatewayApi: true, gatewayClassName: '-x' } },
      'traefik.gatewayClassName "-x" is not a valid DNS-1123 subdomain',
    ],
    [
      'Traefik options that are not an object (JavaScript callers)',
      { traefik: 'websecure' as any },
      'traefik "websecure" is not an object',
    ],
    [
      'trusting the edge subnet',
      { traefik: { webTrustedProxies: { forwardedHeaders: ['10.1.0.0/24'] } } },
      'traefik.webTrustedProxies.forwardedHeaders[0] "10.1.0.0/24" contains the whole edge subnet "10.1.0.0/24"',
    ],
    [
      'trusting everyone',
      { traefik: { websecurePort: 443, websecureTrustedProxies: { proxyProtocol: ['0.0.0.0/0'] } } },
      'traefik.websecureTrustedProxies.proxyProtocol[0] "0.0.0.0/0" contains the whole edge subnet',
    ],
  ])('names its own property path for %s', (_name, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test.each<[string, string, string]>([
    ['empty', '', 'vrrpAuthPassword must not be empty'],
    ['too long', '123456789', 'vrrpAuthPassword has 9 characters, at most 8 are used by keepalived'],
    ['with whitespace', 'ab cd', 'vrrpAuthPassword must be printable ASCII without whitespace'],
    ['with a keepalived special character', 'ab#cd', 'vrrpAuthPassword must not contain # ! $ " { } or \\ (keepalived parses them)'],
  ])('a password that is %s is reported as vrrpAuthPassword, without its value', (_name, password, message) => {
    expect(() => synth({ vrrpVersion: VrrpVersion.V2, vrrpAuthPassword: password })).toThrow(new Error(message));
  });

  test('healthCheck with loadBalancing is refused: the VIP does not follow the local Traefik there', () => {
    expect(() => synth({ loadBalancing: {}, healthCheck: { fall: 3 } })).toThrow(
      /^healthCheck applies without loadBalancing only: .*; remove healthCheck$/,
    );
    // Without loadBalancing it drives keepalived's Traefik check, which moves the VIP.
    const { find } = synth({ healthCheck: { fall: 3 } });
    expect(keepalivedConf(find)).toMatch(/vrrp_script chk_traefik \{[^}]*fall 3/);
    expect(keepalivedConf(find)).toMatch(/track_script \{\s+chk_traefik\s+\}/);
  });

  test('every problem at once, one per line, each with its path', () => {
    expect(() =>
      synth({
        nodes: [{ name: 'Edge_1', address: '10.1.0.11' }],
        virtualIp: '10.1.0.300',
        healthCheck: { fall: 0 },
        traefik: { webPort: 0 },
      }),
    ).toThrow(
      new Error(
        [
          'nodes[0].name "Edge_1" is not a valid Kubernetes node name ' +
            "(DNS-1123 subdomain: lowercase alphanumerics, '-' and '.', at most 253 characters)",
          'virtualIp "10.1.0.300" is not a valid IP address',
          'healthCheck.fall 0 is outside 1-1000',
          'traefik.webPort 0 is outside 1-65535',
        ].join('\n'),
      ),
    );
  });

  test('node names that are IP addresses or FQDNs are valid Kubernetes node names', () => {
    const { edge } = synth({
      nodes: [
        { name: '10.1.0.11', address: '10.1.0.11' },
        { name: 'edge-b.example.com', address: '10.1.0.12' },
      ],
    });
    expect(edge.nodes.map((n) => n.name)).toEqual(['10.1.0.11', 'edge-b.example.com']);
  });

  test('a single proxy inside the edge subnet may be trusted', () => {
    const args: string[] = synth({ traefik: { webTrustedProxies: { forwardedHeaders: ['10.1.0.50', '10.1.0.64/28'] } } }).find(
      'DaemonSet',
      'traefik-ingress-lb',
    ).spec.template.spec.containers[0].args;
    expect(args).toContain('--entryPoints.web.forwardedHeaders.trustedIPs=10.1.0.50,10.1.0.64/28');
  });

  // The parts (KeepalivedConfig, the DaemonSets) name their own props; none of their names may surface
  // through EdgeIngress, whatever is wrong.
  test.each<[string, Partial<EdgeIngressProps>]>([
    ['an IPv6 VIP in an IPv4 subnet', { virtualIp: 'fd00::1' }],
    [
      'VRRPv2 on IPv6',
      { nodes: [{ name: 'a', address: 'fd00::11' }], virtualIp: 'fd00::100', subnet: 'fd00::/64', vrrpVersion: VrrpVersion.V2 },
    ],
    [
      'mixed node families',
      {
        nodes: [
          { name: 'a', address: '10.1.0.11' },
          { name: 'b', address: 'fd00::12' },
        ],
      },
    ],
    [
      'duplicate node names',
      {
        nodes: [
          { name: 'a', address: '10.1.0.11' },
          { name: 'a', address: '10.1.0.12' },
        ],
      },
    ],
    [
      'duplicate node addresses',
      {
        nodes: [
          { name: 'a', address: '10.1.0.11' },
          { name: 'b', address: '10.1.0.11' },
        ],
      },
    ],
    [
      'duplicate priorities',
      {
        nodes: [
          { name: 'a', address: '10.1.0.11', priority: 5 },
          { name: 'b', address: '10.1.0.12', priority: 5 },
        ],
      },
    ],
    ['the network address as VIP', { virtualIp: '10.1.0.0' }],
    ['the broadcast address as VIP', { virtualIp: '10.1.0.255' }],
    ['an extra VIP with a short prefix', { additionalVirtualIps: ['10.1.0.101/16'] }],
    ['a VRRPv3 advert too slow', { advertIntervalSeconds: 41 }],
    ['a check interval too long', { healthCheck: { intervalSeconds: 5000 } }],
    ['a persistence timeout too long', { loadBalancing: { persistenceTimeoutSeconds: 3e6 } }],
    ['a password with VRRP v2 that is too long', { vrrpVersion: VrrpVersion.V2, vrrpAuthPassword: 'waytoolongpassword' }],
    ['a websecure port clashing with the admin port', { traefik: { websecurePort: 8580 } }],
    ['a node without an address', { nodes: [{ name: 'a', address: undefined as any }] }],
  ])('%s: the error names EdgeIngress props only', (_name, props) => {
    let message = '';
    try {
      synth(props);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    const internalNames = [
      /\binstance\.|\bscripts\[|\bvirtualServers\[|\bingressEndpointIp\b|\bauthPassword\b|\bnodeSelectorLabel\b/,
      /^(image|webPort|websecurePort|adminPort|password)\b/,
    ];
    expect(message).not.toMatch(new RegExp(internalNames.map((r) => r.source).join('|'), 'm'));
  });
});
