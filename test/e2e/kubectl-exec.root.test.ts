import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The e2e suite's kubectl for `npm run status`: exec enters the process the suite runs for a pod, anything else
// goes to the real kubectl.
const SHIM = path.join(__dirname, '..', '..', 'e2e', 'kubectl-exec', 'kubectl');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-exec-'));
const env = { PATH: process.env.PATH, E2E_REAL_KUBECTL: '/bin/echo', E2E_EXEC_DIR: dir };
const root = process.getuid?.() === 0;

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// nsenter needs root. CI runs as root with EDGE_REQUIRE_KEEPALIVED=1 (the root-only suites are mandatory there).
if (!root) {
  if (process.env.EDGE_REQUIRE_KEEPALIVED === '1') {
    test('runs as root (EDGE_REQUIRE_KEEPALIVED=1)', () => {
      throw new Error('the kubectl exec stand-in test needs root for nsenter');
    });
  } else {
    console.warn(
      `${'*'.repeat(78)}\nSKIPPED: the kubectl exec stand-in test needs root for nsenter.\n` +
        `Set EDGE_REQUIRE_KEEPALIVED=1 to make this a failure (CI does).\n${'*'.repeat(78)}`,
    );
  }
}

(root ? test : test.skip)("exec runs the command with the container process's environment", async () => {
  const container = spawn('sleep', ['30'], { env: { ...process.env, POD_ONLY: 'from-the-container' } });
  try {
    fs.writeFileSync(path.join(dir, 'keepalived-abc'), String(container.pid));
    const r = spawnSync(
      SHIM,
      ['exec', '-n', 'kube-system', 'keepalived-abc', '-c', 'keepalived', '--', '/bin/sh', '-c', 'echo "$POD_ONLY"'],
      { env, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('from-the-container\n');
  } finally {
    container.kill();
  }
});
