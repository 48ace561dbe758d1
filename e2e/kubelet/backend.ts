/**
 * The workload behind the edge in the real-kubelet acceptance: a Deployment of the offline BusyBox backend
 * (e2e/images/backend.ts) on the worker, in the pod network (not hostNetwork), a Service selecting it and an
 * Ingress of the synthesized IngressClass; and the reading of what the backend answers.
 */
import { BACKEND_PORT } from '../images/backend';
import { backendIngress } from '../objects';

export const BACKEND_NAMESPACE = 'e2e-apps';
export const BACKEND_NAME = 'backend';
const LABELS = { 'app.kubernetes.io/name': BACKEND_NAME };

/** The one IngressClass the synthesized manifests define: Traefik serves only Ingresses of it. */
export function ingressClassOf(objects: readonly any[]): string {
  const classes = objects.filter((o) => o.kind === 'IngressClass').map((o) => o.metadata.name as string);
  if (classes.length !== 1) throw new Error(`expected one IngressClass in the manifests, found ${classes.length}: ${classes.join(', ')}`);
  return classes[0];
}

/** Namespace, Deployment pinned to `node` by its hostname label, Service port 80, Ingress for every path. */
export function backendObjects(opts: { node: string; image: string; ingressClass: string; namespace?: string }): any[] {
  const namespace = opts.namespace ?? BACKEND_NAMESPACE;
  const fromField = (name: string, fieldPath: string): object => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: BACKEND_NAME, namespace, labels: LABELS },
      spec: {
        replicas: 1,
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: LABELS },
          spec: {
            // Through the scheduler, as a user would pin it; the kubelet sets this label to its --hostname-override.
            nodeSelector: { 'kubernetes.io/hostname': opts.node },
            // The lab has no cluster DNS; ClusterFirst would only make the kubelet warn and fall back.
            dnsPolicy: 'Default',
            terminationGracePeriodSeconds: 1,
            securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 },
            containers: [
              {
                name: BACKEND_NAME,
                image: opts.image,
                // Imported into the worker's containerd; nothing can be pulled.
                imagePullPolicy: 'Never',
                ports: [{ name: 'http', containerPort: BACKEND_PORT }],
                env: [fromField('POD_NAME', 'metadata.name'), fromField('NODE_NAME', 'spec.nodeName'), fromField('POD_IP', 'status.podIP')],
                // The endpoint turns ready, and Traefik routes to it, only once the kubelet reached the pod's address.
                readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
                securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: BACKEND_NAME, namespace },
      spec: { selector: LABELS, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
    backendIngress(namespace, opts.ingressClass),
  ];
}

/** The backend's `key=value` lines; throws unless the text is the backend's answer. */
export function parseBackendAnswer(body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of body.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  if (fields.backend !== 'e2e-kubelet') throw new Error(`not the backend's answer: ${JSON.stringify(body.slice(0, 200))}`);
  return fields;
}

/** httpd's REMOTE_ADDR as an address: its dual-stack socket gives IPv4 peers as `[::ffff:a.b.c.d]`. */
export function peerAddress(remoteAddr: string): string {
  const m = /^\[(?:::ffff:(\d+\.\d+\.\d+\.\d+)|([0-9a-f:]+))\]$/i.exec(remoteAddr);
  return m ? (m[1] ?? m[2]) : remoteAddr;
}
