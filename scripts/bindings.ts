// `npm run bindings` (CI runs it after `npm test`, which builds the .jsii assembly): the Python, Java and Go
// packages built by jsii-pacmak (scripts/bindings/build-packages.ts), then each language's consumer app of
// test/consumers (scripts/bindings/consumers.ts) installed from them and run: it must write the TypeScript app's
// dist/ byte for byte and fail on a bad VIP with the TypeScript message. Ends with seconds per language and step.
// .NET is not built: Debian has no .NET SDK and NuGet is not reachable from this project's machines.
// A missing toolchain is a failure that names its Debian package. Options: --languages python,java,go
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { buildPython, buildWithPacmak } from './bindings/build-packages';
import { ConsumerLanguage, runConsumer } from './bindings/consumers';
import { BAD_VIRTUAL_IP } from './bindings/expectations';
import { root } from './bindings/generate';
import { mustRun, requireToolchains } from './bindings/run';
import { formatTimings, TimingRow } from './bindings/timings';
import { typescriptError } from './bindings/typescript-error';
import { diffDirectories } from './diff-directories';

const LANGUAGES: ConsumerLanguage[] = ['python', 'java', 'go'];
const TOOLCHAINS: Record<ConsumerLanguage, string[]> = { python: ['python3'], java: ['java', 'mvn'], go: ['go'] };

function seconds<T>(work: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const value = work();
  return [value, Number(process.hrtime.bigint() - start) / 1e9];
}

/** dist/ must be what the TypeScript app writes now, or the comparisons below compare with something stale. */
function requireCurrentDist(): void {
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-dist-'));
  try {
    mustRun(process.execPath, ['-r', '@swc-node/register', path.join(root, 'scripts', 'synth.ts'), '--out', path.join(fresh, 'dist')], { cwd: root });
    const stale = diffDirectories(path.join(fresh, 'dist'), path.join(root, 'dist'));
    if (stale.length > 0) throw new Error(`dist/ is not what main.ts synthesizes (run npm run synth): ${stale.join(', ')}`);
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
  }
}

function main(): void {
  const { values } = parseArgs({ options: { languages: { type: 'string', default: LANGUAGES.join(',') } } });
  const languages = values.languages!.split(',') as ConsumerLanguage[];
  const unknown = languages.filter((l) => !LANGUAGES.includes(l));
  if (unknown.length > 0) throw new Error(`unknown language(s) ${unknown.join(', ')}; known: ${LANGUAGES.join(', ')}`);
  requireToolchains(languages.flatMap((l) => TOOLCHAINS[l]));
  if (!fs.existsSync(path.join(root, '.jsii'))) throw new Error('no .jsii assembly: run `npm run build` first (npm test does)');
  requireCurrentDist();
  const message = typescriptError({ virtualIp: BAD_VIRTUAL_IP });
  process.stdout.write(`TypeScript message for virtualIp ${JSON.stringify(BAD_VIRTUAL_IP)}: ${message}\n`);

  const rows: TimingRow[] = [];
  for (const language of languages) {
    const steps: Record<string, number> = {};
    try {
      process.stdout.write(`${language}: building the package ...\n`);
      const [reused, build] = seconds(() => (language === 'python' ? buildPython() : buildWithPacmak(language)));
      steps.build = build;
      if (reused === true) process.stdout.write(`${language}: reused the cdk8s, cdk8s-plus-27 and constructs builds of build/packages/${language}\n`);
      process.stdout.write(`${language}: installing and running the consumer ...\n`);
      Object.assign(steps, runConsumer(language, message));
      rows.push({ language, steps });
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      rows.push({ language, steps, failure: (error as Error).message });
    }
  }
  rows.push({ language: 'dotnet', steps: {}, note: 'not built: no .NET SDK in Debian, NuGet not reachable' });
  process.stdout.write(`\n${formatTimings(rows)}\n`);
  const failed = rows.filter((r) => r.failure);
  if (failed.length > 0) {
    throw new Error(`bindings: ${failed.map((r) => r.language).join(', ')} failed (see above)`);
  }
  process.stdout.write('every consumer wrote dist/ byte for byte and failed on the bad VIP with the TypeScript message\n');
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
