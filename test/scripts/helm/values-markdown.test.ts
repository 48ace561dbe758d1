import { componentValuesMarkdown, valuesMarkdown } from '../../../scripts/helm/values-markdown';
import { JsonSchema } from '../../../scripts/helm/values-table';

// A group lists every key as required (as values.schema.json does); its leaves are the table's rows.
const group = (properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', required: Object.keys(properties), properties });
const image = (def: string): JsonSchema => ({
  type: 'object',
  required: ['tag'],
  properties: { tag: { type: 'string', default: def, description: 'Version tag.' } },
});
const schema: JsonSchema = group({
  commonLabels: { type: 'object', default: {}, description: 'Labels.' },
  traefik: group({
    image: image('v3'),
    logLevel: { enum: ['INFO', 'DEBUG'], default: 'INFO', description: 'Log level.' },
    tolerations: { type: 'array', default: [], description: 'Extra tolerations.' },
  }),
  keepalived: group({ image: image('2.3'), tolerations: { type: 'array', default: [], description: 'Extra tolerations.' } }),
});

test('every key is a row of the full table', () => {
  expect(valuesMarkdown(schema).trim().split('\n').slice(2)).toHaveLength(6);
});

test("the README's table puts a setting both components have on one row, with both defaults when they differ", () => {
  const rows = componentValuesMarkdown(schema).trim().split('\n').slice(2);
  expect(rows).toEqual([
    '| `commonLabels` | map | `{}` | Labels. |',
    '| `traefik.image.tag`, `keepalived.image.tag` | string | traefik: `"v3"`; keepalived: `"2.3"` | Version tag. |',
    '| `traefik.logLevel` | `INFO`, `DEBUG` | `"INFO"` | Log level. |',
    '| `traefik.tolerations`, `keepalived.tolerations` | list | `[]` | Extra tolerations. |',
  ]);
});
