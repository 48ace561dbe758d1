import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The e2e suite's kubectl for `npm run status`: exec enters the process the suite runs for a pod, anything else
// goes to the real kubectl.
const SHIM = path.join(__dirname, '..', '..', 'e2e', 'kubectl-exec', 'kubectl');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubectl-exec-'));
const env = { PATH: process.env.PATH, E2E_REAL_KUBECTL: '/bin/echo', E2E_EXEC_DIR: dir };

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('every verb but exec goes to the real kubectl with its arguments', () => {
  const r = spawnSync(SHIM, ['get', 'pods', '-n', 'kube-system', '-o', 'json'], { env, encoding: 'utf8' });
  expect(r.stdout).toBe('get pods -n kube-system -o json\n');
});

test('exec of a pod the suite does not run fails like the API server would', () => {
  const r = spawnSync(SHIM, ['exec', '-n', 'kube-system', 'keepalived-x', '-c', 'keepalived', '--', 'true'], { env, encoding: 'utf8' });
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('pod keepalived-x has no running container');
});
