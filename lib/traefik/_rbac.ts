// ClusterRole rules for Traefik v3.7 (mirrors traefik-helm-chart 41.3.0
// templates/rbac/clusterrole.yaml with only the providers this library enables).
import * as k8s from '../../imports/k8s';

const READ = ['get', 'list', 'watch'];

/** The Traefik Proxy CRDs (group traefik.io, v1alpha1) read by the kubernetescrd provider. */
export const TRAEFIK_CRD_RESOURCES = [
  'ingressroutes',
  'ingressroutetcps',
  'ingressrouteudps',
  'middlewares',
  'middlewaretcps',
  'serverstransports',
  'serverstransporttcps',
  'tlsoptions',
  'tlsstores',
  'traefikservices',
];

/**
 * Gateway API resources the kubernetesgateway provider reads. TCPRoutes are watched only with the provider's
 * experimentalChannel, which this construct does not turn on (`npm run e2e` shows Traefik never asks for them).
 */
export const GATEWAY_API_RESOURCES = [
  'backendtlspolicies',
  'gatewayclasses',
  'gateways',
  'grpcroutes',
  'httproutes',
  'referencegrants',
  'tlsroutes',
];

export function traefikClusterRoleRules(options: { crdProvider: boolean; gatewayApi: boolean }): k8s.PolicyRule[] {
  const rules: k8s.PolicyRule[] = [
    {
      apiGroups: [''],
      // configmaps are read by the CRD provider (Traefik >= 3.4) and by the Gateway provider (CA
      // bundles of BackendTLSPolicies); nodes since Traefik 3.1.
      resources: options.crdProvider || options.gatewayApi ? ['configmaps', 'nodes', 'services'] : ['nodes', 'services'],
      verbs: READ,
    },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    // The chart also grants `pods: get` since Traefik 3.5; upstream documents it as needed only
    // for OpenTelemetry k8s.pod.* attributes, which this construct never enables, so it is left out.
    { apiGroups: [''], resources: ['secrets'], verbs: READ },
    { apiGroups: ['extensions', 'networking.k8s.io'], resources: ['ingressclasses', 'ingresses'], verbs: READ },
    // Lets Traefik publish ingressEndpointIp in Ingress status.loadBalancer.
    { apiGroups: ['extensions', 'networking.k8s.io'], resources: ['ingresses/status'], verbs: ['update'] },
  ];
  if (options.gatewayApi) {
    // Only the Gateway provider watches namespaces; the Ingress and CRD providers never ask for them
    // (`npm run e2e` removes each grant and watches Traefik's log).
    rules.push({ apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] });
  }
  if (options.crdProvider) {
    rules.push({ apiGroups: ['traefik.io'], resources: TRAEFIK_CRD_RESOURCES, verbs: READ });
  }
  if (options.gatewayApi) {
    rules.push(
      { apiGroups: ['gateway.networking.k8s.io'], resources: GATEWAY_API_RESOURCES, verbs: READ },
      // Traefik reports acceptance, attached routes and the VIP in each object's status.
      {
        apiGroups: ['gateway.networking.k8s.io'],
        resources: GATEWAY_API_RESOURCES.filter((r) => r !== 'referencegrants').map((r) => `${r}/status`),
        verbs: ['update'],
      },
    );
  }
  return rules;
}
