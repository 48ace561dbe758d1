import { umociConfigArgs } from '../../../e2e/images/oci-image';
import { normalizeReference } from '../../../e2e/images/reference';

describe('normalizeReference (the name the CRI looks an image up by)', () => {
  test.each([
    ['traefik:v3.7.10', 'docker.io/library/traefik', 'v3.7.10'],
    ['docker.io/traefik:v3.7.10', 'docker.io/library/traefik', 'v3.7.10'],
    ['docker.io/library/traefik:v3.7.10', 'docker.io/library/traefik', 'v3.7.10'],
    ['osixia/keepalived:2.0.20', 'docker.io/osixia/keepalived', '2.0.20'],
    ['registry.k8s.io/pause:3.10.1', 'registry.k8s.io/pause', '3.10.1'],
    ['localhost:5000/edge/keepalived:1', 'localhost:5000/edge/keepalived', '1'],
    ['localhost/keepalived:2.2.7', 'localhost/keepalived', '2.2.7'],
  ])('%s', (ref, repository, tag) => {
    expect(normalizeReference(ref)).toEqual({ repository, tag, name: `${repository}:${tag}` });
  });

  test.each([
    ['traefik', /no tag/],
    ['registry.k8s.io:5000/pause', /no tag/],
    ['traefik:latest', /latest/],
    ['traefik@sha256:0123', /digests/],
    ['Traefik:v3', /lower case/],
  ])('refuses %s', (ref, error) => {
    expect(() => normalizeReference(ref)).toThrow(error);
  });
});

test('umociConfigArgs repeats --config.entrypoint and --config.cmd per item, in order', () => {
  expect(
    umociConfigArgs({
      reference: 'x.io/a:1',
      layers: [],
      entrypoint: ['/bin/sh', '-c'],
      cmd: ['echo hi'],
      user: '65535:65535',
      env: { A: '1' },
    }),
  ).toEqual([
    '--config.entrypoint',
    '/bin/sh',
    '--config.entrypoint',
    '-c',
    '--config.cmd',
    'echo hi',
    '--config.user',
    '65535:65535',
    '--config.env',
    'A=1',
  ]);
});
