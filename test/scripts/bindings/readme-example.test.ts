import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { codeBlocks, readmeExampleProblems, readmePythonExample } from '../../../scripts/bindings/readme-example';

const root = path.resolve(__dirname, '..', '..', '..');

test('the README has exactly one Python example using the library, and it is what npm run bindings runs', () => {
  const example = readmePythonExample(path.join(root, 'README.md'));
  expect(example).toMatch(/^from cdk8s import App, Chart\n/);
  expect(example).toContain('EdgeIngress(chart, "Edge"');
  expect(example).toContain('edge.label_commands()');
});

test('code blocks are found by language, fences excluded; zero or two matching blocks is an error', () => {
  const md = '# x\n```python\na = 1\n```\n\n```sh\nls\n```\n```python\nb = 2\n```\n';
  expect(codeBlocks(md, 'python')).toEqual(['a = 1\n', 'b = 2\n']);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'edge-readme-')), 'README.md');
  fs.writeFileSync(file, md);
  expect(() => readmePythonExample(file)).toThrow(/found 0/);
  fs.writeFileSync(file, '```python\nimport cdk8s_edge_ingress\n```\n```python\nimport cdk8s_edge_ingress\n```\n');
  expect(() => readmePythonExample(file)).toThrow(/found 2/);
});

test('the example run must exit 0, write edge.k8s.yaml and print both label commands', () => {
  const printed = 'kubectl label nodes edge-a edgenode=true --overwrite\nkubectl label nodes edge-b edgenode=true --overwrite\n';
  expect(readmeExampleProblems(0, printed, ['edge.k8s.yaml'])).toEqual([]);
  expect(readmeExampleProblems(1, '', [])).toHaveLength(3);
});
