// The upstream versions each consumer pins, read from its own lock or build file, and the versions they must
// equal: what package-lock.json gives the TypeScript app (cdk8s, cdk8s-plus-27, constructs), so every language
// runs the same cdk8s code, and the jsii runtime of the jsii-pacmak that generated the bindings.
import * as fs from 'fs';
import * as path from 'path';

export type Upstream = 'cdk8s' | 'cdk8s-plus-27' | 'constructs' | 'jsii-runtime';
export type Pins = Partial<Record<Upstream, string>>;

/** The versions package-lock.json installs for the TypeScript app, and the jsii runtime matching jsii-pacmak. */
export function expectedPins(root: string): Pins {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf-8'));
  const version = (name: string): string => {
    const entry = lock.packages?.[`node_modules/${name}`];
    if (!entry?.version) throw new Error(`package-lock.json has no node_modules/${name}`);
    return entry.version;
  };
  return {
    cdk8s: version('cdk8s'),
    'cdk8s-plus-27': version('cdk8s-plus-27'),
    constructs: version('constructs'),
    'jsii-runtime': version('jsii-pacmak'),
  };
}

/** `name==version` lines of a pip requirements file (hash lines and comments skipped). */
export function pythonPins(requirements: string): Pins {
  const names: Record<string, Upstream> = { cdk8s: 'cdk8s', 'cdk8s-plus-27': 'cdk8s-plus-27', constructs: 'constructs', jsii: 'jsii-runtime' };
  const pins: Pins = {};
  for (const [, name, version] of requirements.matchAll(/^([A-Za-z0-9._-]+)==([^\s;\\]+)/gm)) {
    const upstream = names[name.toLowerCase().replace(/[._]/g, '-')];
    if (upstream) pins[upstream] = version;
  }
  return pins;
}

/** <dependency> versions of a pom.xml, for the upstream artifacts. */
export function mavenPins(pom: string): Pins {
  const artifacts: Record<string, Upstream> = {
    'org.cdk8s:cdk8s': 'cdk8s',
    'org.cdk8s:cdk8s-plus-27': 'cdk8s-plus-27',
    'software.constructs:constructs': 'constructs',
    'software.amazon.jsii:jsii-runtime': 'jsii-runtime',
  };
  const pins: Pins = {};
  for (const [, body] of pom.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
    const tag = (name: string) => new RegExp(`<${name}>\\s*([^<\\s]+)\\s*</${name}>`).exec(body)?.[1];
    const upstream = artifacts[`${tag('groupId')}:${tag('artifactId')}`];
    const version = tag('version');
    if (upstream && version) pins[upstream] = version;
  }
  return pins;
}

/** `require` versions of a go.mod (block or single-line form), without the leading v. */
export function goPins(goMod: string): Pins {
  const modules: Record<string, Upstream> = {
    'github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2': 'cdk8s',
    'github.com/cdk8s-team/cdk8s-plus-go/cdk8splus27/v2': 'cdk8s-plus-27',
    'github.com/aws/constructs-go/constructs/v10': 'constructs',
    'github.com/aws/jsii-runtime-go': 'jsii-runtime',
  };
  const pins: Pins = {};
  const requires = [...goMod.matchAll(/^require\s*\(([\s\S]*?)^\)/gm)].map((m) => m[1]).join('\n');
  const singles = [...goMod.matchAll(/^require\s+([^\s(].*)$/gm)].map((m) => m[1]).join('\n');
  for (const [, module, version] of `${requires}\n${singles}`.matchAll(/^\s*(\S+)\s+v(\S+)/gm)) {
    if (modules[module]) pins[modules[module]] = version;
  }
  return pins;
}

/** One line per upstream whose pin differs from (or is missing against) `expected`. */
export function pinMismatches(consumer: string, pins: Pins, expected: Pins): string[] {
  return (Object.keys(expected) as Upstream[])
    .filter((name) => pins[name] !== expected[name])
    .map((name) => `${consumer}: ${name} is ${pins[name] ?? 'not pinned'}, expected ${expected[name]}`);
}
