// The values table of the chart README and of the repository README, from values.schema.json.
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
