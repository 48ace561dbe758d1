import * as fs from 'fs';
import * as path from 'path';

function listFiles(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(prefix, entry.name);
    return entry.isDirectory() ? listFiles(path.join(dir, entry.name), rel) : [rel];
  }).sort();
}

/**
 * How `actual` differs from `expected`, one line per file ("missing", "extra", "differs"); empty when the
 * two trees are byte-identical. Used by the generated-output staleness checks (docs/, helm/).
 */
export function diffDirectories(expected: string, actual: string): string[] {
  const want = listFiles(expected);
  const have = new Set(listFiles(actual));
  const lines: string[] = [];
  for (const file of want) {
    if (!have.has(file)) lines.push(`missing ${file}`);
    else if (!fs.readFileSync(path.join(expected, file)).equals(fs.readFileSync(path.join(actual, file)))) lines.push(`differs ${file}`);
    have.delete(file);
  }
  for (const file of have) lines.push(`extra ${file}`);
  return lines;
}
