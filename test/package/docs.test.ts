// Generated docs stay in step with the code: docs/api (typedoc) and the README's library and HTTPS examples,
// test/fixtures/consumer-app/main.ts and https.ts verbatim (pack.test.ts compiles and runs that file against the package).
import * as fs from 'fs';
import * as path from 'path';
import { staleDocs } from '../../scripts/docs';

const root = path.resolve(__dirname, '..', '..');

test('docs/api is current (run `npm run docs` after changing lib/)', () => {
  expect(staleDocs()).toEqual([]);
}, 30_000);

test.each(['main.ts', 'https.ts'])('README.md shows test/fixtures/consumer-app/%s verbatim as an example', (file) => {
  const example = fs.readFileSync(path.join(root, 'test', 'fixtures', 'consumer-app', file), 'utf-8').trim();
  const readme = fs.existsSync(path.join(root, 'README.md')) ? fs.readFileSync(path.join(root, 'README.md'), 'utf-8') : '';
  const blocks = [...readme.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)].map((m) => m[1].trim());
  // One of the README's TypeScript blocks must be exactly the compiled fixture, so the sample cannot rot.
  expect(blocks.filter((block) => block.includes("from 'cdk8s-edge-ingress'"))).toContain(example);
});
