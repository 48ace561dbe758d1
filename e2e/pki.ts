/**
 * The e2e cluster's certificates, made with openssl: one CA, the API server's serving certificate, a client
 * certificate per control-plane identity, and the service-account signing key pair.
 */
import * as fs from 'fs';
import * as path from 'path';
import { run } from '../lab/core/sys';

export interface ClientIdentity {
  /** The user name (certificate CN). */
  readonly user: string;
  /** Groups (certificate O). */
  readonly groups?: readonly string[];
}

export interface Pki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  /** Writes a client certificate for `id` (once) and returns its cert and key paths. */
  client(id: ClientIdentity): { cert: string; key: string };
}

function openssl(args: string[], input?: string): void {
  run('openssl', args, { input });
}

function key(file: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
}

function signed(dir: string, name: string, subject: string, ext: string, caCert: string, caKey: string): { cert: string; key: string } {
  const keyFile = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const extFile = path.join(dir, `${name}.ext`);
  const cert = path.join(dir, `${name}.crt`);
  key(keyFile);
  openssl(['req', '-new', '-key', keyFile, '-subj', subject, '-out', csr]);
  fs.writeFileSync(extFile, ext);
  openssl(['x509', '-req', '-in', csr, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-days', '2', '-extfile', extFile, '-out', cert]);
  return { cert, key: keyFile };
}

/** Subject with `/`-separated attributes; openssl needs `/` and `=` in values escaped. */
function subjectOf(id: ClientIdentity): string {
  const esc = (v: string): string => v.replace(/[/=]/g, (c) => `\\${c}`);
  return `${(id.groups ?? []).map((g) => `/O=${esc(g)}`).join('')}/CN=${esc(id.user)}`;
}

export function createPki(dir: string, serverAddresses: { ips: readonly string[]; dns: readonly string[] }): Pki {
  fs.mkdirSync(dir, { recursive: true });
  const caKey = path.join(dir, 'ca.key');
  const caCert = path.join(dir, 'ca.crt');
  key(caKey);
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    caKey,
    '-subj',
    '/CN=cdk8s-edge-ingress-e2e-ca',
    '-days',
    '2',
    '-out',
    caCert,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const san = [...serverAddresses.ips.map((ip) => `IP:${ip}`), ...serverAddresses.dns.map((d) => `DNS:${d}`)].join(',');
  const server = signed(
    dir,
    'apiserver',
    '/CN=kube-apiserver',
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`,
    caCert,
    caKey,
  );
  const serviceAccountKey = path.join(dir, 'sa.key');
  const serviceAccountPub = path.join(dir, 'sa.pub');
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', serviceAccountKey]);
  openssl(['pkey', '-in', serviceAccountKey, '-pubout', '-out', serviceAccountPub]);
  const clients = new Map<string, { cert: string; key: string }>();
  return {
    dir,
    caCert,
    caKey,
    serverCert: server.cert,
    serverKey: server.key,
    serviceAccountKey,
    serviceAccountPub,
    client(id) {
      const name = `client-${id.user.replace(/[^a-zA-Z0-9-]/g, '-')}`;
      let files = clients.get(name);
      if (!files) {
        files = signed(
          dir,
          name,
          subjectOf(id),
          'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
          caCert,
          caKey,
        );
        clients.set(name, files);
      }
      return files;
    },
  };
}

/** A kubeconfig for `id` against `server`, written to `file`. */
export function writeKubeconfig(file: string, pki: Pki, server: string, id: ClientIdentity): string {
  const { cert, key: keyFile } = pki.client(id);
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: e2e',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${pki.caCert}`,
    'users:',
    `- name: ${JSON.stringify(id.user)}`,
    '  user:',
    `    client-certificate: ${cert}`,
    `    client-key: ${keyFile}`,
    'contexts:',
    '- name: e2e',
    '  context:',
    '    cluster: e2e',
    `    user: ${JSON.stringify(id.user)}`,
    'current-context: e2e',
    '',
  ].join('\n');
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}
