// The convention scanner itself (pack.test.ts runs it on the shipped .d.ts): it must catch what it claims to.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkConventions } from './api-conventions';

function scan(files: Record<string, string>): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-conventions-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return checkConventions(path.join(dir, 'index.d.ts'), dir).map((v) => `${v.file} ${v.symbol}: ${v.rule}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a conforming API has no violations', () => {
  expect(
    scan({
      'index.d.ts': "export * from './thing';\n",
      'thing.d.ts': `import { Construct } from 'constructs';
export declare enum Mode { A = "a", B = "b" }
export interface ThingProps {
  /** Required. */
  readonly name: string;
  /**
   * Optional.
   * @default Mode.A
   */
  readonly mode?: Mode;
  /** @default - none */
  readonly extra?: string[];
}
export declare class Thing extends Construct {
  constructor(scope: Construct, id: string, props: ThingProps);
}
export type Callback = (value: string) => void;
`,
    }),
  ).toEqual([]);
});

test('flags unions, mapped/conditional aliases, mutable props, missing @default and odd constructors', () => {
  expect(
    scan({
      'index.d.ts': "export * from './a';\nexport { Picked } from './b';\n",
      'a.d.ts': `import { Construct } from 'constructs';
export type Mode = 'a' | 'b';
export type Partialish<T> = { [K in keyof T]?: T[K] };
export type Pick2<T> = T extends string ? T : never;
export interface BadProps {
  name: string;
  readonly mode: 'a' | 'b';
  readonly ports?: (number | string)[];
  readonly maybe?: string | undefined;
}
export declare class Bad extends Construct {
  constructor(props: BadProps, scope: Construct, id: string);
}
`,
      'b.d.ts': `export type Picked = string | number;
export type NotExported = string | number;
`,
    }),
  ).toEqual([
    'a.d.ts Mode: exported union type alias: use an enum (or a class with static factories)',
    'a.d.ts Partialish: exported mapped type alias: spell out an interface',
    'a.d.ts Pick2: exported conditional type alias: spell out an interface',
    'a.d.ts BadProps.name: property is not readonly',
    "a.d.ts BadProps.mode: union-typed property ('a' | 'b'): use an enum or a class with static factories",
    'a.d.ts BadProps.ports: union-typed property ((number | string)[]): use an enum or a class with static factories',
    'a.d.ts BadProps.ports: optional property has no @default',
    'a.d.ts BadProps.maybe: optional property has no @default',
    'a.d.ts Bad.constructor: construct constructor is not (scope: Construct, id: string, props)',
    'b.d.ts Picked: exported union type alias: use an enum (or a class with static factories)',
  ]);
});
