// The consumer apps of test/consumers/<language>, each main.ts ported to that language, installed from the local
// build (build/packages) plus the public registries at pinned versions, then run twice: the seed's edge, which must
// write dist/ byte for byte, and the same edge with a bad VIP, which must fail with the TypeScript app's message
// and write nothing. Each returns the seconds of its steps.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MAVEN_REPOSITORY, PACKAGES_DIR, VENVS_DIR } from './build-packages';
import { badInputProblems, synthProblems } from './expectations';
import { root } from './generate';
import { mustRun, runStep } from './run';
import { ensureVenv } from './python-venv';
import { readmeExampleProblems, readmePythonExample } from './readme-example';

export type ConsumerLanguage = 'python' | 'java' | 'go';
export const CONSUMERS_DIR = path.join(root, 'test', 'consumers');
const DIST = path.join(root, 'dist');
const BUILD = path.join(root, 'build', 'consumers');

/** How to install a consumer, and the two commands to run (the seed's edge, the bad VIP). */
interface Consumer {
  install(): void;
  synth: [string, string[]];
  badInput: [string, string[]];
  /** A further check in the consumer's environment (Python: the README example); its problems. */
  extra?(scratch: string): string[];
}

function pythonConsumer(): Consumer {
  const dir = path.join(CONSUMERS_DIR, 'python');
  const python = path.join(VENVS_DIR, 'python-consumer', 'bin', 'python');
  return {
    install() {
      ensureVenv(path.dirname(path.dirname(python)), path.join(dir, 'requirements.txt'));
      const wheel = fs.readdirSync(path.join(PACKAGES_DIR, 'python')).find((f) => f.endsWith('.whl'));
      if (!wheel) throw new Error('no wheel in build/packages/python');
      // The wheel of this build, its dependencies already there from requirements.txt; pip check proves they fit.
      mustRun(python, ['-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', '--force-reinstall', path.join(PACKAGES_DIR, 'python', wheel)]);
      mustRun(python, ['-m', 'pip', 'check']);
    },
    synth: [python, ['main.py']],
    badInput: [python, ['bad_virtual_ip.py']],
    extra(scratch) {
      const script = path.join(scratch, 'readme_example.py');
      fs.writeFileSync(script, readmePythonExample(path.join(root, 'README.md')));
      const outdir = path.join(scratch, 'readme');
      const run = spawnSync(python, [script], { encoding: 'utf-8', cwd: scratch, env: { ...consumerEnv(), CDK8S_OUTDIR: outdir } });
      const written = fs.existsSync(outdir) ? fs.readdirSync(outdir) : [];
      return readmeExampleProblems(run.status, run.stdout, written).map((p) => `README example: ${p}\n${run.stderr.slice(-2000)}`);
    },
  };
}

function javaConsumer(): Consumer {
  const out = path.join(BUILD, 'java');
  const classpath = path.join(out, 'classpath.txt');
  const java = (main: string): [string, string[]] => [
    'java',
    ['-cp', `${path.join(out, 'classes')}${path.delimiter}${fs.existsSync(classpath) ? fs.readFileSync(classpath, 'utf-8').trim() : ''}`, main],
  ];
  return {
    install() {
      fs.rmSync(out, { recursive: true, force: true });
      mustRun('mvn', ['--batch-mode', '--quiet', `-Dmaven.repo.local=${MAVEN_REPOSITORY}`, `-Dedge.repository=${path.join(PACKAGES_DIR, 'java')}`,
        `-Dedge.build=${out}`, 'compile', 'dependency:build-classpath', `-Dmdep.outputFile=${classpath}`], { cwd: path.join(CONSUMERS_DIR, 'java') });
    },
    get synth() {
      return java('example.edge.Main');
    },
    get badInput() {
      return java('example.edge.BadVirtualIp');
    },
  };
}

function goConsumer(): Consumer {
  const out = path.join(BUILD, 'go');
  return {
    install() {
      fs.rmSync(out, { recursive: true, force: true });
      fs.mkdirSync(out, { recursive: true });
      // -mod=readonly: go.mod and go.sum as committed, or a failure.
      mustRun('go', ['build', '-mod=readonly', '-o', `${out}${path.sep}`, './cmd/...'], { cwd: path.join(CONSUMERS_DIR, 'go') });
    },
    synth: [path.join(out, 'synth'), []],
    badInput: [path.join(out, 'bad-virtual-ip'), []],
  };
}

/** No bytecode next to the sources; jsii's banner about Node 20's end of life is not a consumer's output. */
function consumerEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONDONTWRITEBYTECODE: '1', JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' };
}

const CONSUMERS: Record<ConsumerLanguage, () => Consumer> = { python: pythonConsumer, java: javaConsumer, go: goConsumer };

export interface ConsumerTimes {
  install: number;
  synth: number;
  badInput: number;
}

/** Installs and runs one consumer; throws with every problem found. */
export function runConsumer(language: ConsumerLanguage, typescriptMessage: string): ConsumerTimes {
  const consumer = CONSUMERS[language]();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `edge-consumer-${language}-`));
  try {
    const installStart = process.hrtime.bigint();
    consumer.install();
    const install = Number(process.hrtime.bigint() - installStart) / 1e9;
    // The consumer picks its output folder up from CDK8S_OUTDIR, as under `cdk8s synth`.
    const run = ([command, args]: [string, string[]], outdir: string) =>
      runStep(command, args, {
        cwd: path.join(CONSUMERS_DIR, language),
        env: { ...consumerEnv(), CDK8S_OUTDIR: outdir },
      });

    const good = path.join(scratch, 'seed');
    const synth = run(consumer.synth, good);
    const problems = synth.status === 0 ? synthProblems(DIST, good) : [`exited ${synth.status}:\n${synth.output.slice(-4000)}`];
    const bad = path.join(scratch, 'bad-virtual-ip');
    const badInput = run(consumer.badInput, bad);
    problems.push(...badInputProblems(badInput, bad, typescriptMessage).map((p) => `bad VIP: ${p}`));
    if (consumer.extra) problems.push(...consumer.extra(scratch));
    if (problems.length > 0) throw new Error(`${language} consumer:\n  ${problems.join('\n  ')}`);
    return { install, synth: synth.seconds, badInput: badInput.seconds };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
