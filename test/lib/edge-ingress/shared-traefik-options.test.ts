import { Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { EdgeIngress, TraefikDaemonSet, TraefikLogLevel, TraefikOptions } from '../../../lib';

// TraefikOptions is declared once and used by both TraefikDaemonSetProps and EdgeIngressProps.traefik. `Required`
// makes this sample stop compiling when an option is added without a value here, so every option is covered.
const EVERY_OPTION: Required<TraefikOptions> = {
  image: 'docker.io/traefik:v3.7.9',
  webPort: 8000,
  websecurePort: 8443,
  adminPort: 8582,
  ingressClassName: 'edge',
  defaultIngressClass: true,
  crdProvider: true,
  gatewayApi: true,
  gatewayClassName: 'edge-gateways',
  defaultCertificateSecretName: 'edge-tls',
  redirectToHttps: true,
  accessLog: true,
  accessLogStatusCodes: ['500-599'],
  webTrustedProxies: { forwardedHeaders: ['192.0.2.0/24'] },
  websecureTrustedProxies: { proxyProtocol: ['198.51.100.7'] },
  additionalArguments: ['--entryPoints.web.http.encodeQuerySemicolons=true'],
  env: [{ name: 'TZ', value: 'UTC' }],
  volumes: [{ name: 'extra', configMap: { name: 'traefik-extra' } }],
  volumeMounts: [{ name: 'extra', mountPath: '/etc/traefik/extra', readOnly: true }],
  resources: { memory: { request: Size.mebibytes(300), limit: Size.gibibytes(2) } },
  priorityClassName: 'edge-critical',
  logLevel: TraefikLogLevel.DEBUG,
};

function objectsOf(build: (chart: ReturnType<typeof Testing.chart>) => void): any[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart);
}

const key = (m: any): string => `${m.kind}/${m.metadata.name}`;
const byKey = (objects: any[]): any[] => [...objects].sort((x, y) => key(x).localeCompare(key(y)));

test('every TraefikOptions setting given to EdgeIngress reaches Traefik exactly as given to TraefikDaemonSet', () => {
  const edge = objectsOf(
    (chart) =>
      new EdgeIngress(chart, 'Edge', {
        nodes: [
          { name: 'edge-a', address: '10.1.0.11' },
          { name: 'edge-b', address: '10.1.0.12' },
        ],
        virtualIp: '10.1.0.100',
        subnet: '10.1.0.0/24',
        namespace: 'edge',
        traefik: EVERY_OPTION,
      }),
  );
  // EdgeIngress's own settings, as it derives them (metrics on 9101, the default health check's drain window).
  // At EdgeIngress's construct path, so the cdk8s address labels match too.
  const direct = objectsOf(
    (chart) =>
      new TraefikDaemonSet(new Construct(chart, 'Edge'), 'Traefik', {
        ...EVERY_OPTION,
        namespace: 'edge',
        ingressEndpointIp: '10.1.0.100',
        metricsPort: 9101,
        requestAcceptGraceSeconds: 4,
        terminationGracePeriodSeconds: 60,
      }),
  );
  // Every object TraefikDaemonSet makes, EdgeIngress makes identically; the rest of the edge is keepalived's.
  const directKeys = new Set(direct.map(key));
  expect(byKey(edge.filter((m) => directKeys.has(key(m))))).toEqual(byKey(direct));
  expect(
    edge
      .filter((m) => !directKeys.has(key(m)))
      .map(key)
      .filter((k) => !/keepalived|^Namespace\//.test(k)),
  ).toEqual([]);
  const daemonSet = (objects: any[]) => objects.find((m) => m.kind === 'DaemonSet' && m.metadata.name === 'traefik-ingress-lb');
  // The sample is not a no-op: options that the defaults would not produce show in the container.
  const container = daemonSet(edge).spec.template.spec.containers[0];
  expect(container.image).toBe('docker.io/traefik:v3.7.9');
  expect(container.args).toContain('--log.level=DEBUG');
  expect(daemonSet(edge).spec.template.spec.priorityClassName).toBe('edge-critical');
});

test.each([
  ['webPort', { webPort: 70000 }, 'traefik.webPort'],
  ['image', { image: 'docker.io/traefik:latest' }, 'traefik.image'],
  ['logLevel', { logLevel: 'LOUD' as TraefikLogLevel }, 'traefik.logLevel'],
  ['accessLogStatusCodes', { accessLog: true, accessLogStatusCodes: ['600-700'] }, 'traefik.accessLogStatusCodes'],
])('a bad shared option (%s) is reported under the path EdgeIngress users wrote', (_name, traefik, path) => {
  const chart = Testing.chart();
  expect(
    () =>
      new EdgeIngress(chart, 'Edge', {
        nodes: [{ name: 'edge-a', address: '10.1.0.11' }],
        virtualIp: '10.1.0.100',
        subnet: '10.1.0.0/24',
        traefik,
      }),
  ).toThrow(path);
});
