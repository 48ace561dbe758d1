// Traefik dynamic configuration served by the file provider: the HTTP -> HTTPS redirect and the default
// certificate. Both work without the Traefik CRDs. Internal: not re-exported from index.ts.
import { DYNAMIC_DIR } from './_args';
import { ResolvedTraefik } from './_props';

export const DYNAMIC_CONFIG_FILE = 'dynamic.yaml';

/** ACME HTTP-01 challenges are answered on plain HTTP at this path (RFC 8555 section 8.3). */
export const ACME_CHALLENGE_PREFIX = '/.well-known/acme-challenge/';

/**
 * Priority of the redirect router. Ingress routers get their rule length as priority (tens to a few
 * hundred), so they all lose against it and are redirected; a router that must stay on plain HTTP can
 * set `traefik.ingress.kubernetes.io/router.priority` above this value.
 */
export const REDIRECT_PRIORITY = 1000000;

/**
 * The file provider's configuration. JSON is valid YAML, so it is rendered with JSON.stringify: no YAML
 * library at runtime and no quoting surprises in the rules.
 */
export function renderDynamicConfig(r: ResolvedTraefik): string {
  const config: Record<string, unknown> = {};
  if (r.redirectToHttps) {
    config.http = {
      routers: {
        'redirect-to-websecure': {
          entryPoints: ['web'],
          // Everything but ACME HTTP-01 challenges: cert-manager's solver Ingress answers those on
          // plain HTTP (its self-check and some CAs do not follow a redirect to HTTPS).
          rule: `PathPrefix(\`/\`) && !PathPrefix(\`${ACME_CHALLENGE_PREFIX}\`)`,
          priority: REDIRECT_PRIORITY,
          middlewares: ['redirect-to-websecure'],
          service: 'noop@internal',
        },
      },
      middlewares: {
        'redirect-to-websecure': {
          redirectScheme: {
            scheme: 'https',
            permanent: true,
            // Browsers add no port for https on 443.
            ...(r.websecurePort === 443 ? {} : { port: String(r.websecurePort) }),
          },
        },
      },
    };
  }
  if (r.defaultCertificateSecretName !== undefined) {
    config.tls = {
      stores: {
        default: {
          defaultCertificate: { certFile: `${DYNAMIC_DIR}/tls.crt`, keyFile: `${DYNAMIC_DIR}/tls.key` },
        },
      },
    };
  }
  return JSON.stringify(config, null, 2) + '\n';
}
