import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { edgeObjects, firstShutdownLine, parseCriLogLine } from '../../../e2e/kubelet/edge-objects';

const dist = parseAllDocuments(fs.readFileSync(path.join(__dirname, '../../../dist/edge-ingress.k8s.yaml'), 'utf8')).map((d) => d.toJSON());

describe('edgeObjects', () => {
  test("reads dist/'s DaemonSets, web port and longest startup delay from the manifests", () => {
    const e = edgeObjects(dist, '172.20.0.119');
    const ds = dist.filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata.name);
    expect(ds).toContain(e.keepalived);
    expect(ds).toContain(e.traefik);
    expect(e.keepalived).not.toBe(e.traefik);
    expect(e.namespace).toBe('kube-system');
    expect(e.webPort).toBe(80);
    const conf = String(Object.values(dist.find((o) => o.kind === 'ConfigMap' && /vrrp_instance/.test(JSON.stringify(o.data))).data)[0]);
    const delays = [...conf.matchAll(/vrrp_startup_delay (\d+)/g)].map((m) => Number(m[1]));
    expect(delays.length).toBeGreaterThan(0);
    expect(e.maxStartupDelayS).toBe(Math.max(...delays));
  });

  test('a web port that moved is read from the Traefik container', () => {
    const moved = JSON.parse(JSON.stringify(dist));
    const traefik = moved.find((o: any) => o.kind === 'DaemonSet' && /traefik/.test(o.spec.template.spec.containers[0].image));
    traefik.spec.template.spec.containers[0].ports.find((p: any) => p.name === 'web').hostPort = 8000;
    expect(edgeObjects(moved, '172.20.0.119').webPort).toBe(8000);
  });

  test('names what the manifests lack', () => {
    const noDaemonSets = dist.filter((o) => o.kind !== 'DaemonSet');
    expect(() => edgeObjects(noDaemonSets, '172.20.0.119')).toThrow('the manifests lack a keepalived DaemonSet, a Traefik DaemonSet');
  });
});

describe('the kubelet container log', () => {
  test('parseCriLogLine reads the nanosecond timestamp, stream and text', () => {
    expect(parseCriLogLine('2026-12-07T20:01:02.123456789Z stderr F Stopping')).toEqual({
      t: Date.UTC(2026, 11, 7, 20, 1, 2) + 123.456789,
      stream: 'stderr',
      text: 'Stopping',
    });
    expect(parseCriLogLine('not a log line')).toBeNull();
  });

  test('firstShutdownLine finds keepalived stopping at or after the delete, not before', () => {
    const since = Date.UTC(2026, 11, 7, 20, 1, 2);
    const log = [
      '2026-12-07T20:01:01.000000000Z stderr F Stopping', // an earlier container's, before `since`
      '2026-12-07T20:01:02.100000000Z stdout F (VI_1) Entering MASTER STATE',
      '2026-12-07T20:01:02.250000000Z stderr F Stopping',
      '2026-12-07T20:01:02.251000000Z stderr F (VI_1) sent 0 priority',
    ].join('\n');
    expect(firstShutdownLine(log, since)).toBeCloseTo(since + 250, 3);
    expect(firstShutdownLine(log.split('\n').slice(0, 2).join('\n'), since)).toBeNull();
  });
});
