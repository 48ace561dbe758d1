// The Python binding a cdk8s Python user would get: jsii-pacmak generates it from the .jsii assembly that
// `npm test` builds, python3 byte-compiles it, and test/package/python-api.py reads its API (ast, no import:
// importing needs the jsii runtime from PyPI). It must offer EdgeIngress with EdgeIngressProps' fields as
// keyword arguments and every enum with the TypeScript members. `npm run bindings` (in CI) builds the Python,
// Java and Go packages for real and runs a consumer app in each (docs/bindings.md).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAssemblyFromFile } from '@jsii/spec';
import type { InterfaceType } from '@jsii/spec';
import { KeepalivedPrivilege, LvsMethod, LvsProtocol, LvsScheduler, TraefikLogLevel, VrrpState, VrrpVersion } from '../../lib';
import { generateBindings } from '../../scripts/bindings/generate';
import { ASSEMBLY, requireFreshBuild, root } from './library-build';

interface PythonApi {
  classes: Record<string, { bases: string[]; init: { positional: string[]; keyword: string[] } | null; properties: string[] }>;
  enums: Record<string, string[]>;
}

let out: string;
let api: PythonApi;

function python3(args: string[]) {
  const result = spawnSync('python3', args, { encoding: 'utf-8', maxBuffer: 16 * 1024 * 1024 });
  if (result.error) throw new Error(`python3 is required for the Python binding tests (Debian package python3): ${result.error.message}`);
  return result;
}

/** jsii's Python names: camelCase -> snake_case. */
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** TypeScript enum member names (numeric enums also map values back to names; those are skipped). */
const members = (e: object) => Object.keys(e).filter((key) => !/^\d+$/.test(key));

beforeAll(() => {
  requireFreshBuild();
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-bindings-'));
  generateBindings(out, ['python']);
  const read = python3([path.join(root, 'test', 'package', 'python-api.py'), path.join(out, 'python', 'src', 'cdk8s_edge_ingress')]);
  if (read.status !== 0) throw new Error(`python-api.py failed:\n${read.stderr}`);
  api = JSON.parse(read.stdout);
}, 120_000);

afterAll(() => {
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

test('the generated Python package byte-compiles', () => {
  const compiled = python3(['-m', 'compileall', '-q', path.join(out, 'python', 'src')]);
  expect(compiled.stdout + compiled.stderr).toBe('');
  expect(compiled.status).toBe(0);
  expect(fs.readdirSync(path.join(out, 'python', 'src', 'cdk8s_edge_ingress')).sort()).toEqual(
    expect.arrayContaining(['__init__.py', 'k8s', '_jsii']),
  );
});

test('EdgeIngress(scope, id, **EdgeIngressProps) takes every prop as a snake_case keyword argument', () => {
  const props = loadAssemblyFromFile(ASSEMBLY, false).types!['cdk8s-edge-ingress.EdgeIngressProps'] as InterfaceType;
  const fields = (props.properties ?? []).map((p) => snake(p.name)).sort();
  // Guards against a vacuous pass: the props the README example uses are among them.
  expect(fields).toEqual(
    expect.arrayContaining(['nodes', 'virtual_ip', 'subnet', 'interface', 'virtual_router_id', 'namespace', 'traefik', 'tolerations']),
  );

  const edge = api.classes.EdgeIngress;
  expect(edge.bases).toEqual(['_constructs_77d1e7e8.Construct']);
  expect(edge.init?.positional).toEqual(['scope', 'id']);
  expect([...edge.init!.keyword].sort()).toEqual(fields);
  expect(edge.properties).toEqual(expect.arrayContaining(['namespace', 'node_label', 'nodes', 'traefik', 'keepalived']));
  expect([...api.classes.EdgeIngressProps.init!.keyword].sort()).toEqual(fields);
  expect([...api.classes.EdgeIngressProps.properties].sort()).toEqual(fields);
  for (const struct of [
    'EdgeNode',
    'EdgeTraefikOptions',
    'EdgeKeepalivedOptions',
    'TraefikHealthCheckOptions',
    'LoadBalancingOptions',
    'NodeLabel',
  ]) {
    expect(api.classes[struct]?.init?.keyword.length).toBeGreaterThan(0);
  }
});

test('every enum is there with the TypeScript member names', () => {
  expect(api.enums).toEqual({
    KeepalivedPrivilege: members(KeepalivedPrivilege),
    LvsMethod: members(LvsMethod),
    LvsProtocol: members(LvsProtocol),
    LvsScheduler: members(LvsScheduler),
    TraefikLogLevel: members(TraefikLogLevel),
    VrrpState: members(VrrpState),
    VrrpVersion: members(VrrpVersion),
  });
  expect(api.enums.VrrpVersion).toEqual(['V2', 'V3']);
});
