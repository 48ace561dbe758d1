import * as fs from 'fs';
import * as path from 'path';
import { Chart, Size, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { EdgeIngress, LvsScheduler, TraefikDaemonSet, TraefikLogLevel } from '../../../lib';
import { FIXTURES } from '../../support/paths';

// Traefik cannot run here, so every flag the constructs can emit is checked against Traefik's own
// generated static-configuration reference (test/fixtures/traefik-static-reference.yaml, source noted in
// the .source file beside it): the flag `--a.b.c=value` must be the key path a.b.c, compared
// case-insensitively, where generated names such as `EntryPoint0` or `name0` stand for any name.

const reference = YAML.parse(fs.readFileSync(path.join(FIXTURES, 'traefik-static-reference.yaml'), 'utf-8'));

/** Keys the reference generator invents for user-chosen names (EntryPoint0, name0, PluginConf0). */
const GENERATED_NAME = /^[A-Za-z]+0$/;

/** Why `flag` is not in the reference, or undefined when it is. */
function unknownFlag(flag: string): string | undefined {
  const match = /^--([^=]+)(=.*)?$/.exec(flag);
  if (match === null) return `${flag}: not a --flag`;
  let node: unknown = reference;
  const walked: string[] = [];
  for (const segment of match[1].split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      return `${flag}: ${walked.join('.')} has no children`;
    }
    const keys = Object.keys(node as object);
    const key = keys.find((k) => k.toLowerCase() === segment.toLowerCase()) ?? keys.find((k) => GENERATED_NAME.test(k));
    if (key === undefined) return `${flag}: no "${segment}" under ${walked.join('.') || 'the root'}`;
    walked.push(key);
    node = (node as Record<string, unknown>)[key];
  }
  return undefined;
}

/** Every Traefik argument of every Traefik container in the synthesized objects. */
function traefikArgs(chart: Chart): string[] {
  return Testing.synth(chart)
    .filter((m) => m.kind === 'DaemonSet')
    .flatMap((ds) => ds.spec.template.spec.containers)
    .filter((c: any) => c.name === 'traefik')
    .flatMap((c: any) => c.args as string[]);
}

describe('every emitted Traefik flag is known to Traefik v3.7', () => {
  test('the checker itself: real flags pass, misspelt or invented ones do not', () => {
    expect(unknownFlag('--entryPoints.anyName.forwardedHeaders.trustedIPs=10.0.0.0/8')).toBeUndefined();
    expect(unknownFlag('--providers.kubernetesingress')).toBeUndefined();
    expect(unknownFlag('--ACCESSLOG.FORMAT=json')).toBeUndefined();
    expect(unknownFlag('--entryPoints.web.adress=:80')).toBe('--entryPoints.web.adress=:80: no "adress" under entryPoints.EntryPoint0');
    expect(unknownFlag('--providers.kubernetesingres')).toBe('--providers.kubernetesingres: no "kubernetesingres" under providers');
    expect(unknownFlag('--log.level.verbose=true')).toBe('--log.level.verbose=true: log.level has no children');
    expect(unknownFlag('log.level=INFO')).toBe('log.level=INFO: not a --flag');
  });

  test('TraefikDaemonSet with every option on', () => {
    const chart = Testing.chart();
    new TraefikDaemonSet(chart, 'Traefik', {
      namespace: 'edge',
      websecurePort: 443,
      metricsPort: 9101,
      ingressEndpointIp: '10.1.0.100',
      crdProvider: true,
      gatewayApi: true,
      defaultCertificateSecretName: 'edge-tls',
      redirectToHttps: true,
      accessLog: true,
      accessLogStatusCodes: ['400-599'],
      webTrustedProxies: { forwardedHeaders: ['10.0.0.0/8'], proxyProtocol: ['10.0.0.0/8'] },
      websecureTrustedProxies: { forwardedHeaders: ['10.0.0.0/8'], proxyProtocol: ['10.0.0.0/8'] },
      requestAcceptGraceSeconds: 5,
      logLevel: TraefikLogLevel.DEBUG,
      resources: { memory: { limit: Size.gibibytes(1) } },
    });
    const args = traefikArgs(chart);
    expect(args.length).toBeGreaterThan(30);
    expect(args.map(unknownFlag).filter((e) => e !== undefined)).toEqual([]);
  });

  test('EdgeIngress with every Traefik option on', () => {
    const chart = Testing.chart();
    new EdgeIngress(chart, 'Edge', {
      nodes: [
        { name: 'edge-a', address: '10.1.0.11' },
        { name: 'edge-b', address: '10.1.0.12' },
      ],
      virtualIp: '10.1.0.100',
      subnet: '10.1.0.0/24',
      loadBalancing: { scheduler: LvsScheduler.ROUND_ROBIN },
      traefik: {
        websecurePort: 443,
        crdProvider: true,
        gatewayApi: true,
        defaultCertificateSecretName: 'edge-tls',
        redirectToHttps: true,
        accessLog: true,
        accessLogStatusCodes: ['500-599'],
        webTrustedProxies: { forwardedHeaders: ['192.0.2.0/24'], proxyProtocol: ['192.0.2.0/24'] },
        websecureTrustedProxies: { forwardedHeaders: ['192.0.2.0/24'], proxyProtocol: ['192.0.2.0/24'] },
        logLevel: TraefikLogLevel.WARN,
      },
    });
    const args = traefikArgs(chart);
    expect(args).toContain('--providers.kubernetesgateway.statusaddress.ip=10.1.0.100');
    expect(args.map(unknownFlag).filter((e) => e !== undefined)).toEqual([]);
  });
});
