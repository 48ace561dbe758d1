// The values tables, from values.schema.json: every key (the chart's README) and the same keys with Traefik's and
// keepalived's shared settings on one row (the repository README, which has to stay one page).
import { schemaLeaves } from './values-schema';
import { JsonSchema } from './values-table';

function typeOf(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => `\`${v}\``).join(', ');
  const types = ([] as unknown[]).concat(schema.type);
  return types
    .map((type) => {
      if (type === 'array') return 'list';
      if (type === 'object') return schema.properties ? 'object' : 'map';
      return String(type);
    })
    .join(' or ');
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function valuesMarkdown(schema: JsonSchema): string {
  const rows = schemaLeaves(schema).map(
    ({ key, schema: leaf }) =>
      `| \`${key}\` | ${cell(typeOf(leaf))} | \`${cell(JSON.stringify(leaf.default))}\` | ${cell(String(leaf.description ?? ''))} |`,
  );
  return ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n';
}

const COMPONENTS = ['traefik', 'keepalived'] as const;

/** One row per setting: a setting both components have (image, resources, ...) is one row naming both defaults. */
export function componentValuesMarkdown(schema: JsonSchema): string {
  const leaves = schemaLeaves(schema);
  const byKey = new Map(leaves.map((l) => [l.key, l.schema]));
  const done = new Set<string>();
  const rows: string[] = [];
  for (const { key, schema: leaf } of leaves) {
    if (done.has(key)) continue;
    const [component, ...rest] = key.split('.');
    const setting = rest.join('.');
    const other = COMPONENTS.find((c) => c !== component && (COMPONENTS as readonly string[]).includes(component));
    const twin = other === undefined ? undefined : byKey.get(`${other}.${setting}`);
    if (twin === undefined || typeOf(twin) !== typeOf(leaf)) {
      done.add(key);
      rows.push(`| \`${key}\` | ${cell(typeOf(leaf))} | \`${cell(JSON.stringify(leaf.default))}\` | ${cell(String(leaf.description ?? ''))} |`);
      continue;
    }
    done.add(key).add(`${other}.${setting}`);
    const sameDefault = JSON.stringify(leaf.default) === JSON.stringify(twin.default);
    const defaults = sameDefault
      ? `\`${cell(JSON.stringify(leaf.default))}\``
      : `${component}: \`${cell(JSON.stringify(leaf.default))}\`; ${other}: \`${cell(JSON.stringify(twin.default))}\``;
    const description =
      leaf.description === twin.description ? String(leaf.description ?? '') : `${leaf.description ?? ''} / ${twin.description ?? ''}`;
    rows.push(`| \`${component}.${setting}\`, \`${other}.${setting}\` | ${cell(typeOf(leaf))} | ${defaults} | ${cell(description)} |`);
  }
  return ['| Key | Type | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n';
}
