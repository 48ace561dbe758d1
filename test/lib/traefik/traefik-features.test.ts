import { Size, Testing } from 'cdk8s';
import { TraefikDaemonSet, TraefikDaemonSetProps } from '../../../lib/traefik';
import * as k8s from '../../../imports/k8s';
import { validateGatewayApi } from '../../support/gateway-api-schema';
import { validateManifests } from '../../support/k8s-schema';

// The edge features beyond plain HTTP: HTTPS with a default certificate and redirect, access logs,
// trusted proxies, the Gateway API provider and the escape hatches. Each test reads the emitted objects.

function synth(props: Partial<TraefikDaemonSetProps> = {}) {
  const chart = Testing.chart();
  const traefik = new TraefikDaemonSet(chart, 'Traefik', { namespace: 'edge', ...props });
  const manifests = Testing.synth(chart);
  const find = (kind: string) => manifests.filter((m) => m.kind === kind);
  const daemonSet = find('DaemonSet')[0];
  return {
    traefik,
    manifests,
    find,
    podSpec: daemonSet.spec.template.spec,
    container: daemonSet.spec.template.spec.containers[0],
    args: daemonSet.spec.template.spec.containers[0].args as string[],
    rules: find('ClusterRole')[0].rules as any[],
  };
}

const HTTPS: Partial<TraefikDaemonSetProps> = {
  websecurePort: 443,
  defaultCertificateSecretName: 'edge-wildcard-tls',
  redirectToHttps: true,
};

describe('HTTPS: default certificate and redirect through the file provider', () => {
  const r = synth(HTTPS);
  const dynamic = JSON.parse(r.find('ConfigMap')[0].data['dynamic.yaml']);

  test('every core object is valid Kubernetes 1.27', () => {
    expect(validateManifests(r.manifests)).toEqual([]);
  });

  test('the file provider watches the mounted directory; websecure terminates TLS', () => {
    expect(r.args).toEqual(
      expect.arrayContaining([
        '--providers.file.directory=/etc/traefik/dynamic',
        '--providers.file.watch=true',
        '--entryPoints.websecure.http.tls=true',
      ]),
    );
  });

  test('one projected volume holds the dynamic config and the optional certificate Secret', () => {
    const volume = r.podSpec.volumes.find((v: any) => v.name === 'dynamic');
    expect(volume).toEqual({
      name: 'dynamic',
      projected: {
        sources: [
          { configMap: { name: 'traefik-ingress-lb-dynamic' } },
          {
            secret: {
              name: 'edge-wildcard-tls',
              items: [
                { key: 'tls.crt', path: 'tls.crt' },
                { key: 'tls.key', path: 'tls.key' },
              ],
              optional: true,
            },
          },
        ],
      },
    });
    expect(r.container.volumeMounts).toContainEqual({ name: 'dynamic', mountPath: '/etc/traefik/dynamic', readOnly: true });
  });

  test('the default TLS store serves the mounted certificate', () => {
    expect(dynamic.tls).toEqual({
      stores: { default: { defaultCertificate: { certFile: '/etc/traefik/dynamic/tls.crt', keyFile: '/etc/traefik/dynamic/tls.key' } } },
    });
  });

  test('web redirects permanently to https, except ACME HTTP-01 challenges', () => {
    expect(dynamic.http.routers['redirect-to-websecure']).toEqual({
      entryPoints: ['web'],
      rule: 'PathPrefix(`/`) && !PathPrefix(`/.well-known/acme-challenge/`)',
      priority: 1000000,
      middlewares: ['redirect-to-websecure'],
      service: 'noop@internal',
    });
    // Port 443 is https's default: no port in the Location header.
    expect(dynamic.http.middlewares['redirect-to-websecure']).toEqual({ redirectScheme: { scheme: 'https', permanent: true } });
  });

  test('a websecure port other than 443 is kept in the redirect', () => {
    const other = synth({ websecurePort: 8443, redirectToHttps: true });
    const config = JSON.parse(other.find('ConfigMap')[0].data['dynamic.yaml']);
    expect(config.http.middlewares['redirect-to-websecure'].redirectScheme.port).toBe('8443');
    expect(config.tls).toBeUndefined();
    expect(other.podSpec.volumes.find((v: any) => v.name === 'dynamic').projected.sources).toHaveLength(1);
  });

  test('without redirect or certificate there is no file provider, ConfigMap or volume', () => {
    const plain = synth({ websecurePort: 443 });
    expect(plain.find('ConfigMap')).toEqual([]);
    expect(plain.args.filter((a) => a.startsWith('--providers.file'))).toEqual([]);
    expect(plain.podSpec.volumes.map((v: any) => v.name)).toEqual(['data', 'tmp']);
  });
});

describe('access logs', () => {
  test('JSON to stdout, optionally filtered by status code', () => {
    expect(synth({ accessLog: true }).args.slice(-2)).toEqual(['--accesslog=true', '--accesslog.format=json']);
    expect(synth({ accessLog: true, accessLogStatusCodes: ['400-599', '302'] }).args).toContain(
      '--accesslog.filters.statuscodes=400-599,302',
    );
    expect(synth().args.filter((a) => a.startsWith('--accesslog'))).toEqual([]);
  });
});

describe('trusted proxies per entrypoint', () => {
  test('forwardedHeaders and proxyProtocol trustedIPs, canonical and comma-separated', () => {
    const r = synth({
      websecurePort: 443,
      webTrustedProxies: { forwardedHeaders: ['10.0.0.0/8', '2001:DB8::/32'] },
      websecureTrustedProxies: { proxyProtocol: ['192.0.2.10'], forwardedHeaders: ['192.0.2.10'] },
    });
    expect(r.args.filter((a) => /trustedIPs/.test(a))).toEqual([
      '--entryPoints.web.forwardedHeaders.trustedIPs=10.0.0.0/8,2001:db8::/32',
      '--entryPoints.websecure.forwardedHeaders.trustedIPs=192.0.2.10',
      '--entryPoints.websecure.proxyProtocol.trustedIPs=192.0.2.10',
    ]);
  });
});

describe('Gateway API provider', () => {
  const r = synth({ ...HTTPS, gatewayApi: true, ingressEndpointIp: '10.1.0.100' });

  test('the provider publishes the VIP as the Gateway address', () => {
    expect(r.args).toEqual(
      expect.arrayContaining(['--providers.kubernetesgateway', '--providers.kubernetesgateway.statusaddress.ip=10.1.0.100']),
    );
  });

  test('a GatewayClass for Traefik and a Gateway with a listener per entrypoint', () => {
    expect(r.find('GatewayClass')[0]).toEqual(
      expect.objectContaining({
        apiVersion: 'gateway.networking.k8s.io/v1',
        spec: { controllerName: 'traefik.io/gateway-controller' },
      }),
    );
    expect(r.find('GatewayClass')[0].metadata.name).toBe('traefik');
    const gateway = r.find('Gateway')[0];
    expect(gateway.metadata).toEqual(expect.objectContaining({ name: 'traefik-ingress-lb', namespace: 'edge' }));
    expect(gateway.spec).toEqual({
      gatewayClassName: 'traefik',
      listeners: [
        { name: 'web', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
        {
          name: 'websecure',
          port: 443,
          protocol: 'HTTPS',
          tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'edge-wildcard-tls' }] },
          allowedRoutes: { namespaces: { from: 'All' } },
        },
      ],
    });
  });

  test('GatewayClass and Gateway match the Gateway API v1 shape; the core objects the 1.27 schema', () => {
    const gatewayApi = r.manifests.filter((m) => m.apiVersion.startsWith('gateway.networking.k8s.io/'));
    expect(gatewayApi).toHaveLength(2);
    expect(validateGatewayApi(gatewayApi)).toEqual([]);
    expect(validateManifests(r.manifests.filter((m) => !gatewayApi.includes(m)))).toEqual([]);
  });

  test('the Gateway API shape check catches what the API server would reject', () => {
    const gateway = JSON.parse(JSON.stringify(r.find('Gateway')[0]));
    gateway.apiVersion = 'gateway.networking.k8s.io/v1beta2';
    delete gateway.spec.gatewayClassName;
    delete gateway.spec.listeners[1].tls;
    gateway.spec.listeners[0].prot = 'HTTP';
    expect(validateGatewayApi([gateway])).toEqual([
      'Gateway traefik-ingress-lb: /apiVersion must be equal to constant',
      "Gateway traefik-ingress-lb: /spec must have required property 'gatewayClassName'",
      'Gateway traefik-ingress-lb: /spec/listeners/0 must NOT have additional properties',
      'Gateway traefik-ingress-lb: listeners[1]: tls mode must be set for protocol HTTPS and TLS',
    ]);
  });

  test('RBAC: read the Gateway API resources and update their status', () => {
    expect(r.rules).toContainEqual({
      apiGroups: ['gateway.networking.k8s.io'],
      resources: ['backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'referencegrants', 'tlsroutes'],
      verbs: ['get', 'list', 'watch'],
    });
    expect(r.rules).toContainEqual({
      apiGroups: ['gateway.networking.k8s.io'],
      resources: [
        'backendtlspolicies/status',
        'gatewayclasses/status',
        'gateways/status',
        'grpcroutes/status',
        'httproutes/status',
        'tlsroutes/status',
      ],
      verbs: ['update'],
    });
    expect(r.rules[0].resources).toContain('configmaps');
    // Watched by the Gateway provider only (cluster-wide).
    expect(r.rules).toContainEqual({ apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] });
    // TCPRoutes: only with the provider's experimentalChannel, which is not turned on.
    expect(r.rules.flatMap((rule: any) => rule.resources)).not.toContain('tcproutes');
  });

  test('without a default certificate the Gateway has the HTTP listener only', () => {
    const gateway = synth({ websecurePort: 443, gatewayApi: true }).find('Gateway')[0];
    expect(gateway.spec.listeners.map((l: any) => l.name)).toEqual(['web']);
  });

  test('off by default: no Gateway API objects, args or rules', () => {
    const off = synth();
    expect(off.manifests.filter((m) => m.apiVersion.startsWith('gateway.networking.k8s.io/'))).toEqual([]);
    expect(off.args.filter((a) => a.includes('kubernetesgateway'))).toEqual([]);
    expect(off.rules.filter((rule) => rule.apiGroups.includes('gateway.networking.k8s.io'))).toEqual([]);
  });
});

describe('escape hatches', () => {
  const r = synth({
    additionalArguments: ['--entryPoints.web.http.middlewares=edge-headers@file', '--log.level=WARN'],
    env: [{ name: 'TZ', value: 'UTC' }],
    volumes: [{ name: 'plugins', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
    volumeMounts: [{ name: 'plugins', mountPath: '/plugins-storage' }],
    resources: { memory: { request: Size.mebibytes(512), limit: Size.gibibytes(2) } },
  });

  test('additional arguments come last, so they override the construct', () => {
    expect(r.args.slice(-2)).toEqual(['--entryPoints.web.http.middlewares=edge-headers@file', '--log.level=WARN']);
    expect(r.args).toContain('--log.level=INFO');
  });

  test("env, volumes and mounts are added after the construct's own", () => {
    expect(r.container.env.map((e: any) => e.name)).toEqual(['POD_NAME', 'POD_NAMESPACE', 'GOMEMLIMIT', 'TZ']);
    expect(r.podSpec.volumes).toContainEqual({ name: 'plugins', emptyDir: { sizeLimit: '64Mi' } });
    expect(r.container.volumeMounts).toContainEqual({ name: 'plugins', mountPath: '/plugins-storage' });
    expect(r.container.resources).toEqual({ requests: { memory: '512Mi' }, limits: { memory: '2Gi' } });
    expect(r.container.env).toContainEqual({ name: 'GOMEMLIMIT', value: '1843MiB' });
  });

  test('the result is valid Kubernetes 1.27', () => {
    expect(validateManifests(r.manifests)).toEqual([]);
  });
});

describe('TraefikDaemonSet rejects bad feature props, naming its own props', () => {
  test.each<[string, Partial<TraefikDaemonSetProps>, string]>([
    ['a certificate without websecure', { defaultCertificateSecretName: 'tls' }, 'defaultCertificateSecretName "tls" needs websecurePort'],
    ['a redirect without websecure', { redirectToHttps: true }, 'redirectToHttps true needs websecurePort'],
    [
      'a certificate Secret name that is not a DNS subdomain',
      { websecurePort: 443, defaultCertificateSecretName: 'Edge_TLS' },
      'defaultCertificateSecretName "Edge_TLS" is not a valid DNS-1123 subdomain',
    ],
    ['a status filter without access log', { accessLogStatusCodes: ['500'] }, 'accessLogStatusCodes ["500"] needs accessLog true'],
    [
      'a bad status range',
      { accessLog: true, accessLogStatusCodes: ['599-500'] },
      'accessLogStatusCodes[0] "599-500" is not a status code or range',
    ],
    [
      'a trusted CIDR with host bits',
      { webTrustedProxies: { forwardedHeaders: ['10.0.0.1/8'] } },
      'webTrustedProxies.forwardedHeaders[0] "10.0.0.1/8" has host bits set',
    ],
    [
      'a trusted entry that is no address',
      { webTrustedProxies: { proxyProtocol: ['lb.example.com'] } },
      'webTrustedProxies.proxyProtocol[0] "lb.example.com" is not a valid IP address or CIDR',
    ],
    [
      'websecure trust without websecure',
      { websecureTrustedProxies: { forwardedHeaders: ['10.0.0.0/8'] } },
      'websecureTrustedProxies needs websecurePort',
    ],
    [
      'an argument that is not a flag',
      { additionalArguments: ['log.level=DEBUG'] },
      'additionalArguments[0] "log.level=DEBUG" must be one Traefik flag',
    ],
    [
      'Traefik ACME in a DaemonSet',
      { additionalArguments: ['--certificatesresolvers.le.acme.email=a@b.c'] },
      "Traefik's own ACME does not work in a DaemonSet",
    ],
    [
      'an env var the construct sets',
      { env: [{ name: 'GOMEMLIMIT', value: '1GiB' }] },
      'env[0].name "GOMEMLIMIT" is set by the construct itself',
    ],
    [
      'a volume name the construct uses',
      { volumes: [{ name: 'tmp', emptyDir: {} }] },
      'volumes[0].name "tmp" is used by the construct itself',
    ],
    [
      'a mount of an unknown volume',
      { volumeMounts: [{ name: 'nope', mountPath: '/x' }] },
      'volumeMounts[0].name "nope" is not the name of one of the extra volumes',
    ],
    [
      'a mount over the dynamic config',
      { volumes: [{ name: 'x', emptyDir: {} }], volumeMounts: [{ name: 'x', mountPath: '/etc/traefik/dynamic/x' }] },
      'volumeMounts[0].mountPath "/etc/traefik/dynamic/x" is inside a path the construct mounts',
    ],
    [
      'a bad GatewayClass name',
      { gatewayApi: true, gatewayClassName: 'Traefik' },
      'gatewayClassName "Traefik" is not a valid DNS-1123 subdomain',
    ],
  ])('%s', (_title, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  test('all problems are reported at once', () => {
    expect(() => synth({ webPort: 0, redirectToHttps: true })).toThrow(
      new Error('webPort 0 is outside 1-65535\nredirectToHttps true needs websecurePort (there is no HTTPS entrypoint to redirect to)'),
    );
  });
});
