import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { TraefikDaemonSet, TraefikDaemonSetProps, TraefikLogLevel } from '../../../lib/traefik';
import { validateManifests } from '../../support/k8s-schema';

// Assertions follow the Traefik chart's helm-unittest suites: exact values at a
// path ("equal"), membership in args / RBAC rules ("contains" / "notContains"),
// absence ("isNull"), and exact guard-rail messages ("failedTemplate").

function synth(props: Partial<TraefikDaemonSetProps> = {}) {
  const chart = Testing.chart();
  const traefik = new TraefikDaemonSet(chart, 'Traefik', { namespace: 'kube-system', ...props });
  const manifests = Testing.synth(chart);
  const byKind = (kind: string) => {
    const found = manifests.filter((m) => m.kind === kind);
    expect(found).toHaveLength(1);
    return found[0];
  };
  const daemonSet = byKind('DaemonSet');
  return {
    traefik,
    manifests,
    daemonSet,
    podSpec: daemonSet.spec.template.spec,
    container: daemonSet.spec.template.spec.containers[0],
    serviceAccount: byKind('ServiceAccount'),
    clusterRole: byKind('ClusterRole'),
    clusterRoleBinding: byKind('ClusterRoleBinding'),
    ingressClass: byKind('IngressClass'),
  };
}

const READ = ['get', 'list', 'watch'];
const CRD_RULE = {
  apiGroups: ['traefik.io'],
  resources: [
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
  ],
  verbs: READ,
};

describe('TraefikDaemonSet defaults', () => {
  const r = synth();

  test('snapshot', () => {
    expect(r.manifests).toMatchSnapshot();
  });

  test('every object is valid against the Kubernetes 1.27 schema', () => {
    expect(validateManifests(r.manifests)).toEqual([]);
  });

  test('synthesizes the five objects with readable names', () => {
    expect(r.manifests.map((m) => `${m.apiVersion} ${m.kind} ${m.metadata.namespace ?? '-'}/${m.metadata.name}`)).toEqual([
      'v1 ServiceAccount kube-system/traefik-ingress-lb',
      'rbac.authorization.k8s.io/v1 ClusterRole -/traefik-ingress-lb-kube-system',
      'rbac.authorization.k8s.io/v1 ClusterRoleBinding -/traefik-ingress-lb-kube-system',
      'networking.k8s.io/v1 IngressClass -/traefik',
      'apps/v1 DaemonSet kube-system/traefik-ingress-lb',
    ]);
  });

  test('construct ids are stable', () => {
    expect(r.traefik.node.children.map((c) => c.node.id)).toEqual([
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'IngressClass',
      'DaemonSet',
      'DataVolume',
      'TmpVolume',
    ]);
  });

  test('recommended labels plus the seed k8s-app label on every object', () => {
    const labels = {
      'app.kubernetes.io/name': 'traefik',
      'app.kubernetes.io/instance': 'traefik-ingress-lb',
      'app.kubernetes.io/component': 'ingress-controller',
      'app.kubernetes.io/part-of': 'cdk8s-edge-ingress',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'k8s-app': 'traefik-ingress-lb',
    };
    for (const m of r.manifests) {
      expect(m.metadata.labels).toEqual(labels);
    }
    expect(r.daemonSet.spec.template.metadata.labels).toEqual(expect.objectContaining(labels));
    expect(r.traefik.labels).toEqual(labels);
  });

  test('selector uses stable labels, not the construct path', () => {
    expect(r.daemonSet.spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/instance': 'traefik-ingress-lb' },
    });
    expect(r.traefik.selectorLabels).toEqual(r.daemonSet.spec.selector.matchLabels);
  });

  test('host network with cluster DNS, on edge nodes only, via a literal nodeSelector', () => {
    expect(r.podSpec.hostNetwork).toBe(true);
    expect(r.podSpec.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(r.podSpec.nodeSelector).toEqual({ edgenode: 'true' });
    expect(r.podSpec.affinity).toBeUndefined();
    expect(r.podSpec.tolerations).toBeUndefined();
  });

  test('rolls one node at a time without surge (a surge pod cannot bind the host ports)', () => {
    expect(r.daemonSet.spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
  });

  test('pod scheduling and lifecycle', () => {
    expect(r.podSpec.priorityClassName).toBe('system-node-critical');
    expect(r.podSpec.terminationGracePeriodSeconds).toBe(60);
    expect(r.podSpec.restartPolicy).toBe('Always');
    expect(r.podSpec.serviceAccountName).toBe('traefik-ingress-lb');
    expect(r.podSpec.automountServiceAccountToken).toBe(true);
  });

  test('pinned image pulled IfNotPresent', () => {
    expect(r.podSpec.containers).toHaveLength(1);
    expect(r.container.name).toBe('traefik');
    expect(r.container.image).toBe('docker.io/traefik:v3.7.11');
    expect(r.container.imagePullPolicy).toBe('IfNotPresent');
  });

  test('web on host port 80, admin port declared without a host port', () => {
    expect(r.container.ports).toEqual([
      { name: 'web', containerPort: 80, hostPort: 80, protocol: 'TCP' },
      { name: 'traefik', containerPort: 8580, protocol: 'TCP' },
    ]);
  });

  test('args', () => {
    expect(r.container.args).toEqual([
      '--global.checkNewVersion=false',
      '--global.sendAnonymousUsage=false',
      '--entryPoints.traefik.address=127.0.0.1:8580/tcp',
      '--entryPoints.web.address=:80/tcp',
      '--api.dashboard=true',
      '--api.insecure=true',
      '--ping=true',
      '--providers.kubernetesingress',
      '--providers.kubernetesingress.ingressclass=traefik',
      '--providers.kubernetesingress.allowEmptyServices=true',
      '--log.level=INFO',
    ]);
  });

  test('optional features are off', () => {
    const args: string[] = r.container.args;
    expect(args.filter((a) => a.includes('websecure'))).toEqual([]);
    expect(args.filter((a) => a.includes('metrics'))).toEqual([]);
    expect(args.filter((a) => a.includes('kubernetescrd'))).toEqual([]);
    expect(args.filter((a) => a.includes('ingressendpoint'))).toEqual([]);
    expect(args.filter((a) => a.includes('lifeCycle'))).toEqual([]);
    expect(r.daemonSet.spec.template.metadata.annotations).toBeUndefined();
  });

  test('readiness and liveness probe /ping on loopback with the chart timings; no startup probe', () => {
    const httpGet = { path: '/ping', port: 8580, host: '127.0.0.1', scheme: 'HTTP' };
    expect(r.container.readinessProbe).toEqual({
      httpGet,
      failureThreshold: 1,
      initialDelaySeconds: 2,
      periodSeconds: 10,
      successThreshold: 1,
      timeoutSeconds: 2,
    });
    expect(r.container.livenessProbe).toEqual({
      httpGet,
      failureThreshold: 3,
      initialDelaySeconds: 2,
      periodSeconds: 10,
      successThreshold: 1,
      timeoutSeconds: 2,
    });
    expect(r.container.startupProbe).toBeUndefined();
  });

  test('root boxed in to NET_BIND_SERVICE', () => {
    expect(r.container.securityContext).toEqual({
      runAsUser: 0,
      runAsGroup: 0,
      runAsNonRoot: false,
      privileged: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(r.podSpec.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('resources: no CPU limit, a 1Gi memory limit (Traefik caches every Secret) with GOMEMLIMIT at 90%', () => {
    expect(r.container.resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { memory: '1Gi' },
    });
    expect(r.container.env).toEqual([
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'GOMEMLIMIT', value: '921MiB' },
    ]);
  });

  test('writable emptyDirs for /data and /tmp', () => {
    expect(r.container.volumeMounts).toEqual([
      { name: 'data', mountPath: '/data' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(r.podSpec.volumes).toEqual([
      { name: 'data', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
    ]);
  });

  test('service account does not automount its token (only the pod opts in)', () => {
    expect(r.serviceAccount.automountServiceAccountToken).toBe(false);
  });

  test('cluster role: exactly the kubernetesingress provider rules', () => {
    expect(r.clusterRole.rules).toEqual([
      { apiGroups: [''], resources: ['nodes', 'services'], verbs: READ },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: READ },
      { apiGroups: ['extensions', 'networking.k8s.io'], resources: ['ingressclasses', 'ingresses'], verbs: READ },
      { apiGroups: ['extensions', 'networking.k8s.io'], resources: ['ingresses/status'], verbs: ['update'] },
    ]);
    expect(r.clusterRole.rules).not.toContainEqual(CRD_RULE);
    expect(r.clusterRole.rules.flatMap((rule: any) => rule.resources)).not.toContain('pods');
    expect(r.clusterRole.rules.flatMap((rule: any) => rule.resources)).not.toContain('configmaps');
    // The Ingress provider never watches namespaces (npm run e2e: Traefik does not ask without the grant).
    expect(r.clusterRole.rules.flatMap((rule: any) => rule.resources)).not.toContain('namespaces');
  });

  test('cluster role binding names the service account namespace explicitly', () => {
    expect(r.clusterRoleBinding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'traefik-ingress-lb-kube-system',
    });
    expect(r.clusterRoleBinding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'traefik-ingress-lb', namespace: 'kube-system' }]);
  });

  test('ingress class for the Traefik controller, not the default class', () => {
    expect(r.ingressClass.spec).toEqual({ controller: 'traefik.io/ingress-controller' });
    expect(r.ingressClass.metadata.annotations).toBeUndefined();
  });

  test('public members', () => {
    expect(r.traefik.name).toBe('traefik-ingress-lb');
    expect(r.traefik.namespace).toBe('kube-system');
    expect(r.traefik.webPort).toBe(80);
    expect(r.traefik.websecurePort).toBeUndefined();
    expect(r.traefik.adminPort).toBe(8580);
    expect(r.traefik.metricsPort).toBeUndefined();
    expect(r.traefik.pingUrl).toBe('http://127.0.0.1:8580/ping');
    expect(r.traefik.ingressClassName).toBe('traefik');
    expect(r.traefik.image).toBe('docker.io/traefik:v3.7.11');
    expect(r.traefik.daemonSet.name).toBe('traefik-ingress-lb');
    expect(r.traefik.serviceAccount.name).toBe('traefik-ingress-lb');
    expect(r.traefik.clusterRole.name).toBe('traefik-ingress-lb-kube-system');
    expect(r.traefik.clusterRoleBinding.name).toBe('traefik-ingress-lb-kube-system');
    expect(r.traefik.ingressClass.name).toBe('traefik');
  });

  test('labels and selectorLabels return copies', () => {
    r.traefik.labels.foo = 'bar';
    r.traefik.selectorLabels.foo = 'bar';
    expect(r.traefik.labels.foo).toBeUndefined();
    expect(r.traefik.selectorLabels.foo).toBeUndefined();
  });
});

describe('TraefikDaemonSet with every option', () => {
  const r = synth({
    name: 'edge-traefik',
    namespace: 'edge',
    nodeSelectorLabel: { key: 'node-role.kubernetes.io/edge', value: '' },
    image: 'registry.local:5000/traefik:v3.7.11',
    webPort: 8000,
    websecurePort: 8443,
    adminPort: 9000,
    metricsPort: 9101,
    ingressEndpointIp: '172.20.0.119',
    ingressClassName: 'edge',
    defaultIngressClass: true,
    crdProvider: true,
    resources: {},
    terminationGracePeriodSeconds: 30,
    requestAcceptGraceSeconds: 5,
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'edge', effect: 'NoSchedule' }],
    priorityClassName: 'edge-critical',
    logLevel: TraefikLogLevel.DEBUG,
  });

  test('snapshot', () => {
    expect(r.manifests).toMatchSnapshot();
  });

  test('every object is valid against the Kubernetes 1.27 schema', () => {
    expect(validateManifests(r.manifests)).toEqual([]);
  });

  test('names follow name and namespace', () => {
    expect(r.daemonSet.metadata).toEqual(expect.objectContaining({ name: 'edge-traefik', namespace: 'edge' }));
    expect(r.serviceAccount.metadata).toEqual(expect.objectContaining({ name: 'edge-traefik', namespace: 'edge' }));
    expect(r.clusterRole.metadata.name).toBe('edge-traefik-edge');
    expect(r.clusterRoleBinding.metadata.name).toBe('edge-traefik-edge');
    expect(r.clusterRoleBinding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'edge-traefik', namespace: 'edge' }]);
    expect(r.ingressClass.metadata.name).toBe('edge');
    expect(r.daemonSet.metadata.labels['k8s-app']).toBe('edge-traefik');
  });

  test('args', () => {
    expect(r.container.args).toEqual([
      '--global.checkNewVersion=false',
      '--global.sendAnonymousUsage=false',
      '--entryPoints.traefik.address=127.0.0.1:9000/tcp',
      '--entryPoints.web.address=:8000/tcp',
      '--entryPoints.websecure.address=:8443/tcp',
      '--entryPoints.metrics.address=[$(HOST_IP)]:9101/tcp',
      '--api.dashboard=true',
      '--api.insecure=true',
      '--ping=true',
      '--metrics.prometheus=true',
      '--metrics.prometheus.entrypoint=metrics',
      '--providers.kubernetesingress',
      '--providers.kubernetesingress.ingressclass=edge',
      '--providers.kubernetesingress.allowEmptyServices=true',
      '--providers.kubernetesingress.ingressendpoint.ip=172.20.0.119',
      '--providers.kubernetescrd',
      '--providers.kubernetescrd.allowEmptyServices=true',
      '--entryPoints.websecure.http.tls=true',
      '--entryPoints.web.transport.lifeCycle.requestAcceptGraceTimeout=5s',
      '--entryPoints.websecure.transport.lifeCycle.requestAcceptGraceTimeout=5s',
      '--log.level=DEBUG',
    ]);
  });

  test('ports: every served port is a host port equal to the container port', () => {
    expect(r.container.ports).toEqual([
      { name: 'web', containerPort: 8000, hostPort: 8000, protocol: 'TCP' },
      { name: 'websecure', containerPort: 8443, hostPort: 8443, protocol: 'TCP' },
      { name: 'traefik', containerPort: 9000, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9101, hostPort: 9101, protocol: 'TCP' },
    ]);
  });

  test('probes and pingUrl follow adminPort', () => {
    expect(r.container.readinessProbe.httpGet.port).toBe(9000);
    expect(r.container.livenessProbe.httpGet.port).toBe(9000);
    expect(r.traefik.pingUrl).toBe('http://127.0.0.1:9000/ping');
    expect(r.traefik.websecurePort).toBe(8443);
    expect(r.traefik.metricsPort).toBe(9101);
  });

  test('prometheus scrape annotations when metrics are on', () => {
    expect(r.daemonSet.spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/metrics',
      'prometheus.io/port': '9101',
    });
  });

  test('scheduling options', () => {
    expect(r.podSpec.nodeSelector).toEqual({ 'node-role.kubernetes.io/edge': '' });
    expect(r.podSpec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'edge', effect: 'NoSchedule' }]);
    expect(r.podSpec.priorityClassName).toBe('edge-critical');
    expect(r.podSpec.terminationGracePeriodSeconds).toBe(30);
  });

  test('image as given', () => {
    expect(r.container.image).toBe('registry.local:5000/traefik:v3.7.11');
  });

  test('empty resources: no requests, limits or GOMEMLIMIT', () => {
    expect(r.container.resources).toBeUndefined();
    expect(r.container.env.map((e: any) => e.name)).toEqual(['POD_NAME', 'POD_NAMESPACE', 'HOST_IP']);
  });

  test("metrics listen on the node's own address from the downward API, not on the VIP", () => {
    expect(r.container.env).toContainEqual({ name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } });
    expect(r.container.args).toContain('--entryPoints.metrics.address=[$(HOST_IP)]:9101/tcp');
  });

  test('crd provider adds configmaps and the traefik.io rule', () => {
    expect(r.clusterRole.rules[0]).toEqual({ apiGroups: [''], resources: ['configmaps', 'nodes', 'services'], verbs: READ });
    expect(r.clusterRole.rules).toContainEqual(CRD_RULE);
    expect(r.clusterRole.rules).toHaveLength(6);
  });

  test('default ingress class annotation', () => {
    expect(r.ingressClass.metadata.annotations).toEqual({ 'ingressclass.kubernetes.io/is-default-class': 'true' });
  });
});

describe('TraefikDaemonSet individual options', () => {
  test('an empty priorityClassName leaves it unset', () => {
    expect(synth({ priorityClassName: '' }).podSpec.priorityClassName).toBeUndefined();
  });

  test('custom resources drive GOMEMLIMIT', () => {
    const r = synth({
      resources: { cpu: { request: kplus.Cpu.millis(250) }, memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } },
    });
    expect(r.container.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } });
    expect(r.container.env).toContainEqual({ name: 'GOMEMLIMIT', value: '921MiB' });
  });

  test('a digest-pinned image is accepted', () => {
    const image = `docker.io/traefik@sha256:${'a'.repeat(64)}`;
    expect(synth({ image }).container.image).toBe(image);
  });

  test('two instances in different namespaces do not collide on cluster-scoped names', () => {
    const chart = Testing.chart();
    new TraefikDaemonSet(chart, 'A', { namespace: 'edge-a', ingressClassName: 'edge-a' });
    new TraefikDaemonSet(chart, 'B', { namespace: 'edge-b', ingressClassName: 'edge-b' });
    const clusterScoped = Testing.synth(chart)
      .filter((m) => m.metadata.namespace === undefined)
      .map((m) => `${m.kind}/${m.metadata.name}`);
    expect(new Set(clusterScoped).size).toBe(clusterScoped.length);
  });
});

describe('TraefikDaemonSet rejects bad props', () => {
  const cases: Array<[string, Partial<TraefikDaemonSetProps>, string]> = [
    ['webPort above range', { webPort: 70000 }, 'webPort 70000 is outside 1-65535'],
    ['webPort zero', { webPort: 0 }, 'webPort 0 is outside 1-65535'],
    ['webPort fractional', { webPort: 80.5 }, 'webPort 80.5 is not an integer'],
    ['websecurePort above range', { websecurePort: 65536 }, 'websecurePort 65536 is outside 1-65535'],
    ['adminPort negative', { adminPort: -1 }, 'adminPort -1 is outside 1-65535'],
    ['metricsPort above range', { metricsPort: 100000 }, 'metricsPort 100000 is outside 1-65535'],
    ['websecurePort equal to webPort', { websecurePort: 80 }, 'websecurePort 80 is already used by webPort'],
    ['adminPort equal to webPort', { adminPort: 80 }, 'adminPort 80 is already used by webPort'],
    ['metricsPort equal to adminPort', { metricsPort: 8580 }, 'metricsPort 8580 is already used by adminPort'],
    [
      'image without tag',
      { image: 'docker.io/traefik' },
      'image "docker.io/traefik" must be pinned to a tag or sha256 digest other than latest',
    ],
    [
      'image with latest tag',
      { image: 'docker.io/traefik:latest' },
      'image "docker.io/traefik:latest" must be pinned to a tag or sha256 digest other than latest',
    ],
    [
      'registry port but no tag',
      { image: 'registry.local:5000/traefik' },
      'image "registry.local:5000/traefik" must be pinned to a tag or sha256 digest other than latest',
    ],
    [
      'namespace not a DNS label',
      { namespace: 'Kube_System' },
      'namespace "Kube_System" is not a valid DNS-1123 label (lowercase alphanumerics and \'-\', at most 63 characters)',
    ],
    [
      'name not a DNS label',
      { name: 'traefik.lb' },
      'name "traefik.lb" is not a valid DNS-1123 label (lowercase alphanumerics and \'-\', at most 63 characters)',
    ],
    [
      'ingressEndpointIp not an address',
      { ingressEndpointIp: '172.20.0.300' },
      'ingressEndpointIp "172.20.0.300" is not a valid IPv4 or IPv6 address',
    ],
    [
      'ingressEndpointIp a hostname',
      { ingressEndpointIp: 'vip.example.com' },
      'ingressEndpointIp "vip.example.com" is not a valid IPv4 or IPv6 address',
    ],
    ['ingressClassName invalid', { ingressClassName: 'Traefik' }, 'ingressClassName "Traefik" is not a valid DNS-1123 subdomain'],
    [
      'nodeSelectorLabel key invalid',
      { nodeSelectorLabel: { key: 'edge node', value: 'true' } },
      'nodeSelectorLabel.key "edge node" is not a valid Kubernetes label key',
    ],
    [
      'nodeSelectorLabel value invalid',
      { nodeSelectorLabel: { key: 'edgenode', value: 'yes please' } },
      'nodeSelectorLabel.value "yes please" is not a valid Kubernetes label value',
    ],
    [
      'terminationGracePeriodSeconds negative',
      { terminationGracePeriodSeconds: -1 },
      'terminationGracePeriodSeconds -1 must be a non-negative integer',
    ],
    [
      'requestAcceptGraceSeconds negative',
      { requestAcceptGraceSeconds: -2 },
      'requestAcceptGraceSeconds -2 must be a non-negative integer',
    ],
    [
      'requestAcceptGraceSeconds not below the grace period',
      { requestAcceptGraceSeconds: 30, terminationGracePeriodSeconds: 30 },
      'requestAcceptGraceSeconds 30 must be shorter than terminationGracePeriodSeconds 30',
    ],
    [
      'priorityClassName invalid',
      { priorityClassName: 'System_Critical' },
      'priorityClassName "System_Critical" is not a valid DNS-1123 subdomain',
    ],
    [
      'logLevel unknown',
      { logLevel: 'LOUD' as TraefikLogLevel },
      'logLevel "LOUD" is not one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL, PANIC',
    ],
  ];

  test.each(cases)('%s', (_title, props, message) => {
    expect(() => synth(props)).toThrow(new Error(message));
  });

  test('memory limit below the request', () => {
    expect(() => synth({ resources: { memory: { request: Size.mebibytes(128), limit: Size.mebibytes(64) } } })).toThrow(
      new Error('resources memory limit 64Mi is below the request 128Mi'),
    );
  });
});
