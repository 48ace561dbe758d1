/**
 * The topologies the e2e suite applies: the app's own (main.ts, as dist/ holds it) and variants of it that turn
 * on what dist/ leaves off. Each is synthesized through the real EdgeIngress construct into a folder of its own.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { EdgeIngress, EdgeIngressProps } from '../lib';
import { seedEdgeProps } from '../main';

export const DEFAULT_CERT_SECRET = 'edge-default-cert';

export interface Variant {
  readonly name: string;
  /** What the variant adds to main.ts's props. */
  readonly summary: string;
  readonly props: EdgeIngressProps;
  /** CRDs (files) to install before the manifests. */
  readonly crds: 'none' | 'traefik' | 'gateway-api';
}

function variant(name: string, summary: string, crds: Variant['crds'], change: (p: EdgeIngressProps) => EdgeIngressProps): Variant {
  return { name, summary, crds, props: change(seedEdgeProps) };
}

export const VARIANTS: readonly Variant[] = [
  variant('dist', 'main.ts as committed in dist/', 'none', (p) => p),
  variant('vrrp', 'no loadBalancing (VRRP only), with the real keepalived', 'none', (p) => ({ ...p, loadBalancing: undefined })),
  variant('namespaced', 'namespace: edge-system', 'none', (p) => ({ ...p, namespace: 'edge-system' })),
  variant('https', 'websecurePort 443, redirectToHttps, defaultCertificateSecretName', 'none', (p) => ({
    ...p,
    traefik: { ...p.traefik, websecurePort: 443, redirectToHttps: true, defaultCertificateSecretName: DEFAULT_CERT_SECRET },
  })),
  variant('crd', 'traefik.crdProvider', 'traefik', (p) => ({ ...p, traefik: { ...p.traefik, crdProvider: true } })),
  variant('gateway', 'traefik.gatewayApi', 'gateway-api', (p) => ({ ...p, traefik: { ...p.traefik, gatewayApi: true } })),
];

export interface Synthesized {
  readonly dir: string;
  readonly edge: EdgeIngress;
  readonly props: EdgeIngressProps;
}

/** Synthesizes `v` into `dir` (cdk8s writes one <chart>.k8s.yaml). */
export function synthesizeVariant(v: Variant, dir: string): Synthesized {
  fs.rmSync(dir, { recursive: true, force: true });
  const app = new App({ outdir: dir });
  const edge = new EdgeIngress(new Chart(app, 'edge-ingress'), 'Edge', v.props);
  app.synth();
  return { dir, edge, props: v.props };
}

/** The manifest files of a synthesized folder. */
export function manifestFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(dir, f));
}
