// Generated docs stay in step with the code: docs/api (jsii-docgen, from the .jsii assembly that `npm test`
// builds first), the README's library example and docs/traefik-options.md's HTTPS example, which are
// test/fixtures/consumer-app/main.ts and https.ts verbatim (pack.test.ts compiles and runs those files against the
// package).
import * as fs from 'fs';
import * as path from 'path';
import { DOCS_DIR, staleDocs } from '../../scripts/docs';
import { requireFreshBuild, root } from './library-build';

test('docs/api is current (run `npm run docs` after changing lib/)', () => {
  requireFreshBuild();
  expect(staleDocs()).toEqual([]);
}, 60_000);

test('docs/api is the jsii-docgen reference for TypeScript and Python, with the main construct, its props and enums', () => {
  expect(fs.readdirSync(DOCS_DIR).sort()).toEqual(['API.python.md', 'API.typescript.md']);
  const python = fs.readFileSync(path.join(DOCS_DIR, 'API.python.md'), 'utf-8');
  const typescript = fs.readFileSync(path.join(DOCS_DIR, 'API.typescript.md'), 'utf-8');
  // Construct Hub's layout: constructs, structs, enums; each language shows its own spelling.
  for (const text of [python, typescript]) {
    expect(text).toMatch(/^# API Reference/);
    for (const heading of ['### EdgeIngress ', '### EdgeIngressProps ', '### VrrpVersion ', '### LvsScheduler ']) {
      expect(text).toContain(heading);
    }
  }
  expect(python).toContain('cdk8s_edge_ingress.EdgeIngress(');
  expect(python).toContain('virtual_ip: str');
  expect(typescript).toContain("import { EdgeIngress } from 'cdk8s-edge-ingress'");
  expect(typescript).toContain('new EdgeIngress(scope: Construct, id: string, props: EdgeIngressProps)');
});

test.each([
  ['README.md', 'main.ts'],
  ['docs/traefik-options.md', 'https.ts'],
])('%s shows test/fixtures/consumer-app/%s verbatim as an example', (page, file) => {
  const example = fs.readFileSync(path.join(root, 'test', 'fixtures', 'consumer-app', file), 'utf-8').trim();
  const readme = fs.existsSync(path.join(root, page)) ? fs.readFileSync(path.join(root, page), 'utf-8') : '';
  const blocks = [...readme.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)].map((m) => m[1].trim());
  // One of the page's TypeScript blocks must be exactly the compiled fixture, so the sample cannot rot.
  expect(blocks.filter((block) => block.includes("from 'cdk8s-edge-ingress'"))).toContain(example);
});
