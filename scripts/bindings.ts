// `npm run bindings`: the Python, Java, Go and .NET sources that jsii-pacmak generates from the .jsii assembly
// (`npm run build` first), into build/bindings/<language>, then checked as far as this machine's offline
// tools allow. The language runtimes and the cdk8s/constructs packages of those ecosystems come from PyPI,
// Maven Central, the Go proxy and NuGet, none of which is reachable here, so:
//   python  `python3 -m compileall`: every generated module byte-compiles;
//   java    javac 17 parses every generated file (--should-stop at PARSE: imports stay unresolved);
//   go      gofmt -e parses every generated file;
//   dotnet  generated only: Debian has no .NET SDK.
// A missing checker is a failure that names its Debian package, never a skip.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
export const BINDINGS_DIR = path.join(root, 'build', 'bindings');
export type BindingLanguage = 'python' | 'java' | 'go' | 'dotnet';

/**
 * jsii-pacmak --code-only for `languages` into `out` (out/<language>). pacmak packs the npm package to embed
 * it in the bindings; npm_config_ignore_scripts keeps that `npm pack` from running prepack (a second build).
 */
export function generateBindings(out: string, languages: BindingLanguage[]): void {
  const result = spawnSync(process.execPath, [
    path.join(root, 'node_modules', 'jsii-pacmak', 'bin', 'jsii-pacmak'),
    '--code-only', '--no-npmignore', '--targets', languages.join(','), '--outdir', out,
  ], {
    cwd: root, encoding: 'utf-8',
    env: { ...process.env, npm_config_ignore_scripts: 'true', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
  });
  if (result.status !== 0) throw new Error(`jsii-pacmak failed:\n${result.stdout}${result.stderr}`);
}

function filesUnder(dir: string, extension: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(extension))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Runs a checker; throws with its output when it is missing or fails. */
function run(command: string, args: string[], debianPackage: string, cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${command} not found: install the Debian package ${debianPackage} (.ci/run does)`);
  }
  if (result.status !== 0 || result.stderr.trim() !== '') {
    throw new Error(`${command} ${args.slice(0, 3).join(' ')} ... failed (exit ${result.status}):\n${result.stderr}${result.stdout}`.slice(0, 20_000));
  }
}

/** The checks described at the top of this file, one line of result per language. */
export function checkBindings(dir: string): string[] {
  const out = path.resolve(dir);
  const python = path.join(out, 'python', 'src');
  run('python3', ['-m', 'compileall', '-q', python], 'python3', out);
  const pythonFiles = filesUnder(python, '.py').length;

  const javaFiles = filesUnder(path.join(out, 'java', 'src'), '.java');
  const list = path.join(out, 'java-sources.txt');
  fs.writeFileSync(list, javaFiles.join('\n'));
  run('javac', ['--should-stop=ifError=PARSE', '--should-stop=ifNoError=PARSE', '-d', path.join(out, 'java-classes'), `@${list}`],
    'openjdk-17-jdk-headless', out);

  const goFiles = filesUnder(path.join(out, 'go'), '.go').length;
  // -l lists files gofmt would reformat (pacmak's layout differs from gofmt's; not an error); -e reports every
  // syntax error on stderr, which run() treats as a failure.
  const gofmt = spawnSync('gofmt', ['-e', '-l', path.join(out, 'go')], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (gofmt.error) throw new Error('gofmt not found: install the Debian package golang-go (.ci/run does)');
  if (gofmt.status !== 0 || gofmt.stderr.trim() !== '') throw new Error(`gofmt -e failed:\n${gofmt.stderr}`.slice(0, 20_000));

  const dotnetFiles = filesUnder(path.join(out, 'dotnet'), '.cs').length;
  return [
    `python: ${pythonFiles} modules byte-compiled (python3 -m compileall)`,
    `java: ${javaFiles.length} files parsed (javac, parse stage only: the jsii runtime and cdk8s jars come from Maven Central)`,
    `go: ${goFiles} files parsed (gofmt -e; building needs jsii-runtime-go and cdk8s-go modules from the Go proxy)`,
    `dotnet: ${dotnetFiles} files generated, not compiled (no .NET SDK in Debian)`,
  ];
}

if (require.main === module) {
  try {
    fs.rmSync(BINDINGS_DIR, { recursive: true, force: true });
    const start = Date.now();
    generateBindings(BINDINGS_DIR, ['python', 'java', 'go', 'dotnet']);
    process.stdout.write(`generated ${path.relative(root, BINDINGS_DIR)}/{python,java,go,dotnet} in ${((Date.now() - start) / 1000).toFixed(1)} s\n`);
    for (const line of checkBindings(BINDINGS_DIR)) process.stdout.write(`${line}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
