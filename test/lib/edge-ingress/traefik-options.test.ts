import { Size, Testing } from 'cdk8s';
import { describeEdge, EdgeIngress, EdgeIngressProps, EdgeTraefikOptions, TraefikLogLevel } from '../../../lib';
import { validateGatewayApi } from '../../support/gateway-api-schema';
import { validateManifests } from '../../support/k8s-schema';

// Every Traefik feature is reachable from EdgeIngress alone; each test reads the emitted objects.

const base: EdgeIngressProps = {
  nodes: [
    { name: 'edge-a', address: '10.1.0.11' },
    { name: 'edge-b', address: '10.1.0.12' },
  ],
  virtualIp: '10.1.0.100',
  subnet: '10.1.0.0/24',
  namespace: 'edge',
};

function synth(traefik: EdgeTraefikOptions) {
  const chart = Testing.chart();
  new EdgeIngress(chart, 'Edge', { ...base, traefik });
  const manifests = Testing.synth(chart);
  const daemonSet = manifests.find((m) => m.kind === 'DaemonSet' && m.metadata.name === 'traefik-ingress-lb');
  const pod = daemonSet.spec.template;
  return {
    manifests,
    pod,
    container: pod.spec.containers[0],
    args: pod.spec.containers[0].args as string[],
    rules: manifests.find((m) => m.kind === 'ClusterRole').rules as any[],
    find: (kind: string) => manifests.filter((m) => m.kind === kind),
  };
}

const coreOnly = (manifests: any[]) => manifests.filter((m) => !m.apiVersion.startsWith('gateway.networking.k8s.io/'));

describe('EdgeIngress Traefik options', () => {
  test('metrics are on by default, on port 9101 of the node address, with scrape annotations', () => {
    const r = synth({});
    expect(r.args).toEqual(
      expect.arrayContaining([
        '--entryPoints.metrics.address=[$(HOST_IP)]:9101/tcp',
        '--metrics.prometheus=true',
        '--metrics.prometheus.entrypoint=metrics',
      ]),
    );
    expect(r.container.env).toContainEqual({ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
    expect(r.container.ports).toContainEqual({ name: 'metrics', containerPort: 9101, hostPort: 9101, protocol: 'TCP' });
    expect(r.pod.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/metrics',
      'prometheus.io/port': '9101',
    });
  });

  test('metrics can move to another port or be turned off', () => {
    expect(synth({ metricsPort: 9180 }).args).toContain('--entryPoints.metrics.address=[$(HOST_IP)]:9180/tcp');
    const off = synth({ metrics: false });
    expect(off.args.filter((a) => a.includes('metrics'))).toEqual([]);
    expect(off.pod.metadata.annotations).toBeUndefined();
  });

  test('HTTPS with a cert-manager certificate and the redirect', () => {
    const r = synth({ websecurePort: 443, defaultCertificateSecretName: 'edge-tls', redirectToHttps: true });
    expect(validateManifests(r.manifests)).toEqual([]);
    expect(r.args).toEqual(
      expect.arrayContaining([
        '--entryPoints.websecure.address=:443/tcp',
        '--entryPoints.websecure.http.tls=true',
        '--providers.file.directory=/etc/traefik/dynamic',
      ]),
    );
    const config = JSON.parse(r.find('ConfigMap').find((c) => c.metadata.name === 'traefik-ingress-lb-dynamic').data['dynamic.yaml']);
    expect(config.http.routers['redirect-to-websecure'].rule).toBe('PathPrefix(`/`) && !PathPrefix(`/.well-known/acme-challenge/`)');
    expect(config.tls.stores.default.defaultCertificate.certFile).toBe('/etc/traefik/dynamic/tls.crt');
    expect(r.pod.spec.volumes.find((v: any) => v.name === 'dynamic').projected.sources[1].secret.name).toBe('edge-tls');
  });

  test('access log, trusted proxies, log level', () => {
    const r = synth({
      websecurePort: 443,
      accessLog: true,
      accessLogStatusCodes: ['500-599'],
      webTrustedProxies: { proxyProtocol: ['192.0.2.0/28'] },
      websecureTrustedProxies: { proxyProtocol: ['192.0.2.0/28'], forwardedHeaders: ['192.0.2.0/28'] },
      logLevel: TraefikLogLevel.WARN,
    });
    expect(r.args).toEqual(
      expect.arrayContaining([
        '--accesslog=true',
        '--accesslog.format=json',
        '--accesslog.filters.statuscodes=500-599',
        '--entryPoints.web.proxyProtocol.trustedIPs=192.0.2.0/28',
        '--entryPoints.websecure.forwardedHeaders.trustedIPs=192.0.2.0/28',
        '--entryPoints.websecure.proxyProtocol.trustedIPs=192.0.2.0/28',
        '--log.level=WARN',
      ]),
    );
  });

  test('the CRD provider and its RBAC', () => {
    const r = synth({ crdProvider: true });
    expect(r.args).toContain('--providers.kubernetescrd');
    expect(r.rules.find((rule) => rule.apiGroups.includes('traefik.io')).resources).toContain('ingressroutes');
  });

  test('the Gateway API provider with the VIP as the Gateway address', () => {
    const r = synth({ websecurePort: 443, defaultCertificateSecretName: 'edge-tls', gatewayApi: true, gatewayClassName: 'edge' });
    expect(r.args).toContain('--providers.kubernetesgateway.statusaddress.ip=10.1.0.100');
    expect(r.find('GatewayClass')[0].metadata.name).toBe('edge');
    expect(r.find('Gateway')[0].metadata.namespace).toBe('edge');
    expect(r.find('Gateway')[0].spec.listeners.map((l: any) => `${l.name}:${l.port}/${l.protocol}`)).toEqual([
      'web:80/HTTP',
      'websecure:443/HTTPS',
    ]);
    expect(validateGatewayApi(r.manifests.filter((m) => !coreOnly(r.manifests).includes(m)))).toEqual([]);
    expect(validateManifests(coreOnly(r.manifests))).toEqual([]);
  });

  test('escape hatches and resources', () => {
    const r = synth({
      additionalArguments: ['--entryPoints.web.http.encodeQuerySemicolons=true'],
      env: [{ name: 'TZ', value: 'UTC' }],
      volumes: [{ name: 'extra', configMap: { name: 'traefik-extra' } }],
      volumeMounts: [{ name: 'extra', mountPath: '/etc/traefik/extra', readOnly: true }],
      resources: { memory: { request: Size.mebibytes(512), limit: Size.gibibytes(4) } },
      priorityClassName: '',
    });
    expect(validateManifests(r.manifests)).toEqual([]);
    expect(r.args[r.args.length - 1]).toBe('--entryPoints.web.http.encodeQuerySemicolons=true');
    expect(r.container.env).toContainEqual({ name: 'TZ', value: 'UTC' });
    expect(r.pod.spec.volumes).toContainEqual({ name: 'extra', configMap: { name: 'traefik-extra' } });
    expect(r.container.volumeMounts).toContainEqual({ name: 'extra', mountPath: '/etc/traefik/extra', readOnly: true });
    expect(r.container.resources.limits).toEqual({ memory: '4Gi' });
    expect(r.pod.spec.priorityClassName).toBeUndefined();
  });

  test('defaults: 1Gi memory limit and the system-node-critical priority class', () => {
    const r = synth({});
    expect(r.container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
    expect(r.pod.spec.priorityClassName).toBe('system-node-critical');
  });
});

test('IPv6 edge nodes: the metrics address is bracketed, so $(HOST_IP) expands to [fd00::11]:9101', () => {
  const chart = Testing.chart();
  new EdgeIngress(chart, 'Edge', {
    nodes: [
      { name: 'edge-a', address: 'fd00::11' },
      { name: 'edge-b', address: 'fd00::12' },
    ],
    virtualIp: 'fd00::100',
    subnet: 'fd00::/64',
  });
  const traefik = Testing.synth(chart).find((m) => m.kind === 'DaemonSet' && m.metadata.name === 'traefik-ingress-lb');
  expect(traefik.spec.template.spec.containers[0].args).toContain('--entryPoints.metrics.address=[$(HOST_IP)]:9101/tcp');
});

test('the synth summary names the metrics endpoint', () => {
  const chart = Testing.chart();
  const edge = new EdgeIngress(chart, 'Edge', { ...base, traefik: { websecurePort: 443 } });
  expect(describeEdge(edge)).toContain(
    'traefik: web :80, websecure :443, admin 127.0.0.1:8580 (kubectl port-forward), metrics <node-ip>:9101/metrics\n',
  );
});

test('every Traefik option at once: core objects pass the strict 1.27 schema, Gateway API objects their v1 shape', () => {
  const r = synth({
    websecurePort: 443,
    metricsPort: 9180,
    defaultCertificateSecretName: 'edge-tls',
    redirectToHttps: true,
    accessLog: true,
    accessLogStatusCodes: ['400-599'],
    webTrustedProxies: { forwardedHeaders: ['192.0.2.10'], proxyProtocol: ['192.0.2.10'] },
    websecureTrustedProxies: { forwardedHeaders: ['192.0.2.10'], proxyProtocol: ['192.0.2.10'] },
    crdProvider: true,
    gatewayApi: true,
    logLevel: TraefikLogLevel.DEBUG,
    resources: { memory: { request: Size.mebibytes(300), limit: Size.gibibytes(2) } },
    priorityClassName: 'edge-critical',
    additionalArguments: ['--entryPoints.websecure.http.middlewares=edge-hsts@file'],
    env: [{ name: 'TZ', value: 'UTC' }],
    volumes: [{ name: 'extra', secret: { secretName: 'traefik-extra' } }],
    volumeMounts: [{ name: 'extra', mountPath: '/etc/traefik/extra', readOnly: true }],
  });
  expect(r.manifests.map((m) => m.kind).sort()).toEqual([
    'ClusterRole',
    'ClusterRoleBinding',
    'ConfigMap',
    'ConfigMap',
    'DaemonSet',
    'DaemonSet',
    'Gateway',
    'GatewayClass',
    'IngressClass',
    'Namespace',
    'ServiceAccount',
  ]);
  expect(validateManifests(coreOnly(r.manifests))).toEqual([]);
  expect(validateGatewayApi(r.manifests.filter((m) => !coreOnly(r.manifests).includes(m)))).toEqual([]);
});
