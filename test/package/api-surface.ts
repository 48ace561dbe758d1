// The public API as the jsii assembly records it, one line per member, without docs or source locations: what every
// binding (Python, Java, Go, .NET) is generated from. A snapshot of it makes each API change a reviewed diff.
import type { Assembly, Callable, Parameter, Property, Type, TypeReference } from '@jsii/spec';

const OWN = 'cdk8s-edge-ingress.';

/** A type reference as a reader writes it: `string`, `EdgeNode[]`, `Record<string, string>`, `cdk8s.Duration`. */
export function typeName(ref: TypeReference): string {
  if ('primitive' in ref) return ref.primitive;
  if ('fqn' in ref) return ref.fqn.startsWith(OWN) ? ref.fqn.slice(OWN.length) : ref.fqn;
  if ('collection' in ref) {
    const element = typeName(ref.collection.elementtype);
    return ref.collection.kind === 'array' ? `${element}[]` : `Record<string, ${element}>`;
  }
  if ('union' in ref) return ref.union.types.map(typeName).join(' | ');
  return JSON.stringify(ref);
}

function parameters(list: readonly Parameter[] | undefined): string {
  return (list ?? []).map((p) => `${p.variadic ? '...' : ''}${p.name}${p.optional ? '?' : ''}: ${typeName(p.type)}`).join(', ');
}

// Interface members are always abstract in jsii: the word is only written for classes.
function property(p: Property, inClass: boolean): string {
  const modifiers = [p.static ? 'static ' : '', inClass && p.abstract ? 'abstract ' : '', p.immutable ? 'readonly ' : ''].join('');
  return `  ${modifiers}${p.name}${p.optional ? '?' : ''}: ${typeName(p.type)}`;
}

function method(m: Callable & { name: string; static?: boolean; returns?: { type: TypeReference; optional?: boolean } }): string {
  const returns = m.returns ? `${typeName(m.returns.type)}${m.returns.optional ? ' | undefined' : ''}` : 'void';
  return `  ${m.static ? 'static ' : ''}${m.name}(${parameters(m.parameters)}): ${returns}`;
}

function describeType(t: Type): string[] {
  const short = (fqn: string): string => (fqn.startsWith(OWN) ? fqn.slice(OWN.length) : fqn);
  if (t.kind === 'enum') return [`enum ${t.name} { ${t.members.map((m) => m.name).join(', ')} }`];
  const lines: string[] = [];
  if (t.kind === 'class') {
    const implemented = t.interfaces?.length ? ` implements ${t.interfaces.map(short).join(', ')}` : '';
    lines.push(`${t.abstract ? 'abstract ' : ''}class ${t.name}${t.base ? ` extends ${short(t.base)}` : ''}${implemented}`);
    if (t.initializer) lines.push(`  constructor(${parameters(t.initializer.parameters)})`);
  } else {
    lines.push(`interface ${t.name}${t.interfaces?.length ? ` extends ${t.interfaces.map(short).join(', ')}` : ''}`);
  }
  lines.push(...[...(t.properties ?? [])].sort((a, b) => a.name.localeCompare(b.name)).map((p) => property(p, t.kind === 'class')));
  lines.push(...[...(t.methods ?? [])].sort((a, b) => a.name.localeCompare(b.name)).map(method));
  return lines;
}

/** The library's own types (not the generated Kubernetes API in the `k8s` submodule), sorted by name. */
export function apiSurface(assembly: Assembly): string {
  return Object.values(assembly.types ?? {})
    .filter((t) => t.fqn === `${OWN}${t.name}`)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => describeType(t).join('\n'))
    .join('\n\n');
}
