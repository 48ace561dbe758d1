import { validatePinnedImage } from '../../lib/image';

describe('validatePinnedImage', () => {
  test.each([
    'docker.io/traefik:v3.7.11',
    'registry.example.com:5000/team/keepalived:2.2.7',
    `traefik@sha256:${'a'.repeat(64)}`,
    `traefik:v3.7.11@sha256:${'0'.repeat(64)}`,
  ])('accepts %s', (image) => {
    expect(() => validatePinnedImage(image)).not.toThrow();
  });

  test.each([
    'traefik',
    'traefik:latest',
    'docker.io/traefik:',
    'registry.example.com:5000/traefik',
    'traefik@sha256:abc',
    'traefik: v3',
    'traefik:v3@',
  ])('rejects %s, naming the property and value', (image) => {
    expect(() => validatePinnedImage(image, 'traefik.image')).toThrow(
      `traefik.image "${image}" must be pinned to a tag or sha256 digest other than latest`,
    );
  });
});
