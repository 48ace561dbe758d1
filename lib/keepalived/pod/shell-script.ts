import * as fs from 'fs';
import * as path from 'path';

/** The pod's shell scripts, real files checked by shellcheck (the build copies them into the package beside this module). */
const SCRIPT_DIR = path.join(__dirname, 'scripts');

/**
 * scripts/`name` as the pod runs it: the maintainers' header (the `#:` and `# shellcheck` lines at the top, after an
 * optional shebang, and one empty line) left out and each `@@NAME@@` replaced by its value. Every placeholder
 * needs a value and every value a placeholder, so a renamed one fails at synth time instead of shipping.
 */
export function shellScript(name: string, values: Record<string, string>): string {
  const lines = fs.readFileSync(path.join(SCRIPT_DIR, name), 'utf-8').split('\n');
  const kept = lines[0].startsWith('#!') ? [lines[0]] : [];
  let i = kept.length;
  while (i < lines.length && (lines[i].startsWith('#:') || lines[i].startsWith('# shellcheck '))) i++;
  if (lines[i] === '') i++;
  const unused = new Set(Object.keys(values));
  const text = [...kept, ...lines.slice(i)].join('\n').replace(/@@([A-Z_]+)@@/g, (_m, key: string) => {
    if (!(key in values)) throw new Error(`${name}: no value for @@${key}@@`);
    unused.delete(key);
    return values[key];
  });
  if (unused.size > 0) throw new Error(`${name} has no placeholder for ${[...unused].map((k) => `@@${k}@@`).join(', ')}`);
  return text;
}
