import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { preflightProblems, which } from '../../../lab/core/preflight';

test('which finds an executable on the given PATH, an absolute path that exists, and nothing else', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-'));
  fs.writeFileSync(path.join(dir, 'edge-tool'), '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'not-executable'), '', { mode: 0o644 });
  expect(which('edge-tool', dir)).toBe(path.join(dir, 'edge-tool'));
  expect(which('not-executable', dir)).toBeNull();
  expect(which(path.join(dir, 'edge-tool'), '')).toBe(path.join(dir, 'edge-tool'));
  expect(which('/no/such/tool', '')).toBeNull();
});

test('every problem at once: platform, root, missing commands and the executables a keepalived.conf runs', () => {
  const conf = 'vrrp_script chk {\n  script "/no/such/check-traefik --quiet"\n}\n@edge-1 notify "/bin/sh -c true"\n';
  expect(preflightProblems({ commands: ['sh', 'no-such-command-xyz'], confs: { project: conf } }, 'linux', 1000)).toEqual([
    'needs root (network namespaces, veth, bridge, mounts)',
    'missing command(s): no-such-command-xyz',
    'project: keepalived.conf runs /no/such/check-traefik, not found here',
  ]);
  expect(preflightProblems({ commands: ['sh'] }, 'darwin', 0)).toEqual(['needs Linux (this is darwin)']);
  expect(
    preflightProblems({ commands: ['sh'], confs: { project: conf.replace('/no/such/check-traefik', '/bin/sh') } }, 'linux', 0),
  ).toEqual([]);
});
