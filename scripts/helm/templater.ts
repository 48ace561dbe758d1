// Turns synthesized manifests into Helm template text. Settings put tokens into the manifest objects where a
// value comes from values.yaml; the objects are written as YAML exactly as cdk8s writes dist/, every literal
// `{{` in them is escaped (so keepalived.conf and the shell scripts render unchanged), and then each token is
// replaced by its template action. Tokens are plain YAML words, so the YAML writer never quotes them.
import { stringify } from 'yaml';

const TOKEN = /__helm_(scalar|block)_(\d+)__/;

/** The indentation (in spaces) a block's lines start at. */
export const spaces = (n: number): string => ' '.repeat(n);

export class Templater {
  private readonly scalars: string[] = [];
  private readonly blocks: ((indent: number) => string)[] = [];

  /** A token for a whole scalar value, replaced by `{{ action }}` (the action must print valid YAML, e.g. `... | toJson`). */
  public scalar(action: string): string {
    this.scalars.push(`{{ ${action} }}`);
    return `__helm_scalar_${this.scalars.length - 1}__`;
  }

  /**
   * A token for a map key (with a null value) or a list item: its whole line is replaced by `render(indent)`,
   * where indent is the column the key or the list item's `-` was at.
   */
  public block(render: (indent: number) => string): string {
    this.blocks.push(render);
    return `__helm_block_${this.blocks.length - 1}__`;
  }

  /** The template text of `objects`, one YAML document each, as cdk8s writes them. */
  public render(objects: readonly object[]): string {
    const yaml = objects.map((o) => stringify(o, { keepUndefined: true, lineWidth: 0 })).join('---\n');
    const escaped = escapeTemplateDelimiters(yaml);
    const lines = escaped.split('\n').map((line) => {
      const block = /^( *)(- )?__helm_block_(\d+)__(: null)?$/.exec(line);
      if (block) return this.blocks[Number(block[3])](block[1].length);
      return line.replace(new RegExp(TOKEN.source, 'g'), (token, kind: string, n: string) => {
        if (kind !== 'scalar') throw new Error(`block token ${token} is not alone on its line: ${line.trim()}`);
        return this.scalars[Number(n)];
      });
    });
    return lines.join('\n');
  }
}

/** Makes text that is not a template render as itself: every `{{` becomes an action printing `{{`. */
export function escapeTemplateDelimiters(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

/** Renames `key` of `map` in place to `newKey` with `value`, keeping the order of the keys (appended when absent). */
export function replaceKey(map: Record<string, unknown>, key: string, newKey: string, value: unknown = null): void {
  const entries = Object.entries(map);
  for (const k of Object.keys(map)) delete map[k];
  let placed = false;
  for (const [k, v] of entries) {
    if (k === key) {
      map[newKey] = value;
      placed = true;
    } else {
      map[k] = v;
    }
  }
  if (!placed) map[newKey] = value;
}
