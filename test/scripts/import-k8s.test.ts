// imports/k8s.ts is what the cdk8s CLI generates for cdk8s.yaml's k8s version, from the schema stored in the
// repository (scripts/import-k8s.ts runs `cdk8s import k8s@<version>` offline on test/schema/k8s-<version>.json).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IMPORTS_FILE, importK8s, k8sVersion } from '../../scripts/import-k8s';

test('cdk8s.yaml imports Kubernetes 1.27.0, the version of the stored schema', () => {
  expect(k8sVersion()).toBe('1.27.0');
});

test('`cdk8s import k8s@1.27.0` regenerates the committed imports/k8s.ts byte for byte', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-import-'));
  try {
    const generated = fs.readFileSync(importK8s(out), 'utf-8');
    // Guards against comparing two empty files: the generated API has the objects our constructs use.
    expect(generated).toContain('export class KubeDaemonSet extends ApiObject');
    expect(generated === fs.readFileSync(IMPORTS_FILE, 'utf-8')).toBe(true);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 60_000);

test('the offline import refuses a Kubernetes version whose schema is not stored', () => {
  expect(() => importK8s(os.tmpdir(), '1.99.0')).toThrow('no stored schema for Kubernetes 1.99.0: test/schema/k8s-1.99.0.json is missing');
});
