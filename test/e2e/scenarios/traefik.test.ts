import { troubleLines } from '../../../e2e/scenarios/traefik';

test("Traefik's trouble lines: errors and RBAC refusals, colours stripped, but the two expected errors", () => {
  const esc = String.fromCharCode(27);
  const refused =
    '2026-12-07T13:32:43Z ERR Error while updating ingress status error="failed to update ingress status e2e-apps/backend: ' +
    'connection refused"';
  const log = [
    `2026-12-07T13:32:41Z ${esc}[31mERR${esc}[0m Error while updating ingress status error="failed to update ingress status ` +
      'e2e-apps/backend: Operation cannot be fulfilled on ingresses.networking.k8s.io \\"backend\\": the object has been modified; ' +
      'please apply your changes to the latest version and try again"',
    '2026-12-07T13:32:40Z ERR Error appending dashboard to API router error="no assets"',
    '2026-12-07T13:32:42Z ERR Failed to watch error="endpointslices.discovery.k8s.io is forbidden: User cannot list"',
    refused,
    '2026-12-07T13:32:44Z INF Starting provider',
  ].join('\n');
  expect(troubleLines(log)).toEqual([
    '2026-12-07T13:32:42Z ERR Failed to watch error="endpointslices.discovery.k8s.io is forbidden: User cannot list"',
    refused,
  ]);
});
