// Construct-library conventions (aws-cdk DESIGN_GUIDELINES, cdk8s-plus), checked on the shipped .d.ts files:
// - props/options interfaces: every property readonly, every optional property documents @default;
// - no union types in interface properties (use an enum, or a class with static factories);
// - no exported `type X = ...` aliases that are unions, mapped, conditional or template-literal types;
// - constructs take (scope: Construct, id: string, props?).
// Only what the package entry point exports (following `export *` / `export { }` chains) is public API.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

export interface Violation {
  /** d.ts path relative to the scanned root. */
  readonly file: string;
  /** e.g. `EdgeIngressProps.nodes`. */
  readonly symbol: string;
  readonly rule: string;
}

type Parse = (file: string) => ts.SourceFile;

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.d.ts`, path.join(base, 'index.d.ts')].find((candidate) => fs.existsSync(candidate));
}

/** Public declarations reachable from `entry`, by exported name. */
export function publicDeclarations(entry: string, parse: Parse): Map<string, { file: string; node: ts.Declaration }> {
  const result = new Map<string, { file: string; node: ts.Declaration }>();
  const visit = (file: string, only: Set<string> | undefined, seen: Set<string>) => {
    const key = `${file}|${only ? [...only].sort().join(',') : '*'}`;
    if (seen.has(key)) return;
    seen.add(key);
    const source = parse(file);
    for (const statement of source.statements) {
      if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        const target = resolveRelative(file, statement.moduleSpecifier.text);
        if (target === undefined) continue; // re-export from another package: not ours to judge
        if (statement.exportClause === undefined) {
          visit(target, only, seen);
        } else if (ts.isNamedExports(statement.exportClause)) {
          const names = statement.exportClause.elements
            .filter((e) => only === undefined || only.has(e.name.text))
            .map((e) => (e.propertyName ?? e.name).text);
          if (names.length > 0) visit(target, new Set(names), seen);
        }
        continue;
      }
      const named = statement as ts.Statement & { name?: ts.Identifier };
      const declarationKinds = [
        ts.SyntaxKind.InterfaceDeclaration,
        ts.SyntaxKind.TypeAliasDeclaration,
        ts.SyntaxKind.ClassDeclaration,
        ts.SyntaxKind.EnumDeclaration,
        ts.SyntaxKind.FunctionDeclaration,
      ];
      if (declarationKinds.includes(statement.kind) && named.name && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
        if (only === undefined || only.has(named.name.text)) {
          result.set(named.name.text, { file, node: statement as unknown as ts.Declaration });
        }
      }
    }
  };
  visit(entry, undefined, new Set());
  return result;
}

function withoutUndefined(type: ts.TypeNode): ts.TypeNode[] {
  if (ts.isUnionTypeNode(type)) {
    return type.types.filter(
      (t) => t.kind !== ts.SyntaxKind.UndefinedKeyword && !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword),
    );
  }
  return [type];
}

/** Finds a union anywhere inside a property type (arrays, generics, tuples), ignoring `| undefined`. */
function containsUnion(type: ts.TypeNode): boolean {
  const parts = withoutUndefined(type);
  if (parts.length > 1) return true;
  let found = false;
  ts.forEachChild(parts[0], (child) => {
    if (!found && ts.isTypeNode(child)) found = containsUnion(child);
  });
  return found;
}

function hasJsDocTag(node: ts.Node, tag: string): boolean {
  return ts.getJSDocTags(node).some((t) => t.tagName.text === tag);
}

export function checkConventions(entry: string, root: string, parse: Parse = parseFile): Violation[] {
  const violations: Violation[] = [];
  for (const [name, { file, node }] of publicDeclarations(entry, parse)) {
    const report = (symbol: string, rule: string) => violations.push({ file: path.relative(root, file), symbol, rule });
    if (ts.isTypeAliasDeclaration(node)) {
      const t = node.type;
      if (ts.isUnionTypeNode(t)) report(name, 'exported union type alias: use an enum (or a class with static factories)');
      else if (ts.isMappedTypeNode(t)) report(name, 'exported mapped type alias: spell out an interface');
      else if (ts.isConditionalTypeNode(t)) report(name, 'exported conditional type alias: spell out an interface');
      else if (ts.isTemplateLiteralTypeNode(t)) report(name, 'exported template-literal type alias: use string plus validation');
    } else if (ts.isInterfaceDeclaration(node)) {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || !member.name) continue;
        const symbol = `${name}.${member.name.getText()}`;
        if (!hasModifier(member, ts.SyntaxKind.ReadonlyKeyword)) report(symbol, 'property is not readonly');
        if (member.type && containsUnion(member.type))
          report(symbol, `union-typed property (${member.type.getText()}): use an enum or a class with static factories`);
        if (member.questionToken && !hasJsDocTag(member, 'default')) report(symbol, 'optional property has no @default');
      }
    } else if (ts.isClassDeclaration(node)) {
      const extendsConstruct = (node.heritageClauses ?? []).some(
        (clause) =>
          clause.token === ts.SyntaxKind.ExtendsKeyword &&
          clause.types.some((t) => /(^|\.)(Construct|Chart)$/.test(t.expression.getText())),
      );
      const ctor = node.members.find(ts.isConstructorDeclaration);
      if (extendsConstruct && ctor && !hasModifier(ctor, ts.SyntaxKind.PrivateKeyword)) {
        const [scope, id] = ctor.parameters;
        const ok =
          scope?.name.getText() === 'scope' &&
          scope.type?.getText() === 'Construct' &&
          id?.name.getText() === 'id' &&
          id.type?.getText() === 'string' &&
          (ctor.parameters.length < 3 || ctor.parameters[2].name.getText() === 'props');
        if (!ok) report(`${name}.constructor`, 'construct constructor is not (scope: Construct, id: string, props)');
      }
    }
  }
  return violations;
}

function parseFile(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf-8'), ts.ScriptTarget.Latest, true);
}
