import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { venvIsCurrent, venvStamp } from '../../../scripts/bindings/python-venv';

test('a venv is reused only for the same requirements and the same Python, and only once completed', () => {
  const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-venv-'));
  const stamp = venvStamp('cdk8s==2.70.106\n', 'Python 3.11.7');
  expect(venvIsCurrent(venv, stamp)).toBe(false); // no stamp yet: a half-made venv is rebuilt
  fs.writeFileSync(path.join(venv, 'edge-requirements.sha256'), stamp);
  expect(venvIsCurrent(venv, stamp)).toBe(true);
  expect(venvIsCurrent(venv, venvStamp('cdk8s==2.70.107\n', 'Python 3.11.7'))).toBe(false);
  expect(venvIsCurrent(venv, venvStamp('cdk8s==2.70.106\n', 'Python 3.12.1'))).toBe(false);
  fs.rmSync(venv, { recursive: true });
});
