// The user's page stays short and the documentation beside it stays connected: every relative link in the README,
// CONTRIBUTING.md and docs/ names a file of the repository, and every #anchor a heading of that file.
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const README_MAX_LINES = 250;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function anchorOf(heading: string): string {
  return heading
    .replace(/^#+\s*/, '')
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

function anchorsIn(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf-8').replace(/```[\s\S]*?```/g, '');
  return new Set(
    text
      .split('\n')
      .filter((l) => /^#+ /.test(l))
      .map(anchorOf),
  );
}

export function brokenLinks(file: string): string[] {
  const text = fs.readFileSync(file, 'utf-8').replace(/```[\s\S]*?```/g, '');
  const broken: string[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1];
    if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
    const [file_, anchor] = target.split('#');
    const resolved = file_ ? path.resolve(path.dirname(file), file_) : file;
    if (!fs.existsSync(resolved)) broken.push(`${path.relative(root, file)}: ${target} (no such file)`);
    else if (anchor !== undefined && resolved.endsWith('.md') && !anchorsIn(resolved).has(anchor)) {
      broken.push(`${path.relative(root, file)}: ${target} (no heading #${anchor})`);
    }
  }
  return broken;
}

const pages = [
  'README.md',
  'CONTRIBUTING.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

test(`the README is a user's page of at most ${README_MAX_LINES} lines`, () => {
  const lines = fs.readFileSync(path.join(root, 'README.md'), 'utf-8').split('\n').length;
  expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
});

test.each(pages)('every relative link in %s resolves', (page) => {
  expect(brokenLinks(path.join(root, page))).toEqual([]);
});

test('the link check finds a missing file and a missing heading', () => {
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'docs-links-'));
  fs.writeFileSync(
    path.join(dir, 'a.md'),
    '# Top\n\n## Real heading\n\n[ok](#real-heading) [gone](b.md) [bad](#no-such) [web](https://x.test)\n',
  );
  expect(brokenLinks(path.join(dir, 'a.md')).map((l) => l.replace(/^.*: /, ''))).toEqual([
    'b.md (no such file)',
    '#no-such (no heading #no-such)',
  ]);
  expect(anchorOf('## The defaults, and what they trade')).toBe('the-defaults-and-what-they-trade');
  fs.rmSync(dir, { recursive: true });
});
