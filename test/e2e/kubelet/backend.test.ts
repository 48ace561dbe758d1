import { backendObjects, ingressClassOf, parseBackendAnswer, peerAddress } from '../../../e2e/kubelet/backend';
import { BACKEND_PORT } from '../../../e2e/images/backend';

describe('ingressClassOf', () => {
  test('the name of the one IngressClass among the objects', () => {
    expect(
      ingressClassOf([
        { kind: 'DaemonSet', metadata: { name: 'x' } },
        { kind: 'IngressClass', metadata: { name: 'traefik' } },
      ]),
    ).toBe('traefik');
  });
  test('none or several is an error that counts and names them', () => {
    expect(() => ingressClassOf([])).toThrow('expected one IngressClass in the manifests, found 0');
    const two = [
      { kind: 'IngressClass', metadata: { name: 'a' } },
      { kind: 'IngressClass', metadata: { name: 'b' } },
    ];
    expect(() => ingressClassOf(two)).toThrow('found 2: a, b');
  });
});

describe('backendObjects', () => {
  const objects = backendObjects({ node: 'worker-1', image: 'localhost/e2e-backend:busybox-1.35.0', ingressClass: 'traefik' });
  const byKind = (kind: string): any => objects.find((o) => o.kind === kind);

  test('a Namespace, Deployment, Service and Ingress, all in the namespace', () => {
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'Deployment', 'Service', 'Ingress']);
    expect(objects.slice(1).every((o) => o.metadata.namespace === 'e2e-apps')).toBe(true);
  });

  test('the pod is pinned to the node in the pod network, the imported image never pulled', () => {
    const spec = byKind('Deployment').spec.template.spec;
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'worker-1' });
    expect(spec.hostNetwork).toBeUndefined();
    expect(spec.containers[0]).toMatchObject({ image: 'localhost/e2e-backend:busybox-1.35.0', imagePullPolicy: 'Never' });
    expect(spec.containers[0].ports).toEqual([{ name: 'http', containerPort: BACKEND_PORT }]);
  });

  test("the pod's name, node and address reach the container through the downward API", () => {
    const env = byKind('Deployment').spec.template.spec.containers[0].env;
    expect(Object.fromEntries(env.map((e: any) => [e.name, e.valueFrom.fieldRef.fieldPath]))).toEqual({
      POD_NAME: 'metadata.name',
      NODE_NAME: 'spec.nodeName',
      POD_IP: 'status.podIP',
    });
  });

  test("the Service selects the Deployment's pods, and the Ingress of the given class routes / to the Service", () => {
    const deployment = byKind('Deployment');
    const service = byKind('Service');
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
    const ingress = byKind('Ingress');
    expect(ingress.spec.ingressClassName).toBe('traefik');
    expect(ingress.spec.rules[0].http.paths[0]).toEqual({
      path: '/',
      pathType: 'Prefix',
      backend: { service: { name: service.metadata.name, port: { number: 80 } } },
    });
  });
});

describe('parseBackendAnswer', () => {
  test("the backend's key=value lines", () => {
    const body = 'backend=e2e-kubelet\npod=backend-7c9-x2\nhostname=backend-7c9-x2\nremote-addr=172.20.0.113\nrequest=GET /\n';
    expect(parseBackendAnswer(body)).toEqual({
      backend: 'e2e-kubelet',
      pod: 'backend-7c9-x2',
      hostname: 'backend-7c9-x2',
      'remote-addr': '172.20.0.113',
      request: 'GET /',
    });
  });
  test("anything else (Traefik's 404, an empty body) is refused, quoting it", () => {
    expect(() => parseBackendAnswer('404 page not found\n')).toThrow(`not the backend's answer: "404 page not found\\n"`);
    expect(() => parseBackendAnswer('')).toThrow(`not the backend's answer: ""`);
  });
});

test("peerAddress: httpd's IPv4-mapped and bracketed peers as plain addresses", () => {
  expect(peerAddress('[::ffff:172.20.0.113]')).toBe('172.20.0.113');
  expect(peerAddress('[fd00::5]')).toBe('fd00::5');
  expect(peerAddress('172.20.0.113')).toBe('172.20.0.113');
});
