// Gateway API objects for Traefik's kubernetesgateway provider: one GatewayClass for Traefik's controller
// and one Gateway whose listeners are the web and websecure entrypoints. The Gateway API CRDs are the
// cluster's (installed and upgraded with the cluster), so these are plain ApiObjects.
// Internal: not re-exported from index.ts.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ResolvedTraefik } from './_props';

export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';
export const GATEWAY_CONTROLLER = 'traefik.io/gateway-controller';

export function gatewayObjects(
  scope: Construct, r: ResolvedTraefik, labels: Record<string, string>,
): { gatewayClass: ApiObject; gateway: ApiObject } {
  const gatewayClass = new ApiObject(scope, 'GatewayClass', {
    apiVersion: GATEWAY_API_VERSION,
    kind: 'GatewayClass',
    metadata: { name: r.gatewayClassName, labels },
    spec: { controllerName: GATEWAY_CONTROLLER },
  });
  // Traefik attaches a listener to the entrypoint with the same port. Routes from every namespace may
  // attach, as any namespace may create an Ingress for the IngressClass.
  const allowedRoutes = { namespaces: { from: 'All' } };
  const listeners: Record<string, unknown>[] = [
    { name: 'web', port: r.webPort, protocol: 'HTTP', allowedRoutes },
  ];
  if (r.websecurePort !== undefined && r.defaultCertificateSecretName !== undefined) {
    // An HTTPS listener must name its certificate; without the default certificate there is none to name.
    listeners.push({
      name: 'websecure',
      port: r.websecurePort,
      protocol: 'HTTPS',
      tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: r.defaultCertificateSecretName }] },
      allowedRoutes,
    });
  }
  const gateway = new ApiObject(scope, 'Gateway', {
    apiVersion: GATEWAY_API_VERSION,
    kind: 'Gateway',
    metadata: { name: r.name, namespace: r.namespace, labels },
    spec: { gatewayClassName: gatewayClass.name, listeners },
  });
  return { gatewayClass, gateway };
}
