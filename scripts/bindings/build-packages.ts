// The full jsii-pacmak builds, from the .jsii assembly (`npm run build` first), into build/packages/<language>:
//   python  pacmak's sources (--code-only), then what pacmak's own Python build does (`python -m build` for a
//           wheel and an sdist, `twine check`), in a venv holding python-build-requirements.txt (the tools pacmak's
//           requirements-dev.txt asks for, hash-pinned) rather than pacmak's unpinned install;
//   java    pacmak's Maven build: a jar, sources jar and pom in a Maven repository layout;
//   go      pacmak's Go build: the module's sources, compiled once with `go build`.
// Java and Go are built with --recurse: cdk8s, cdk8s-plus-27 and constructs too, from the npm packages
// package-lock.json pins, because this network's Maven Central holds no org.cdk8s:cdk8s 2.70.106 nor any
// cdk8s-plus-27 and the Go module proxy answers 403 for github.com/cdk8s-team modules (docs/bindings.md).
// Those upstream builds (most of the Java time) depend only on their npm versions and pacmak's: they are reused
// while a stamp of those versions matches, and only this package is rebuilt. They sit beside it in build/packages,
// so `npm run build` (and npm test), which delete build/, make the next run build them again.
import * as fs from 'fs';
import * as path from 'path';
import { BINDINGS_DIR, generateBindings, root } from './generate';
import { mustRun } from './run';
import { expectedPins } from './pins';
import { ensureVenv } from './python-venv';

export const PACKAGES_DIR = path.join(root, 'build', 'packages');
// Download caches live outside build/, which every jsii build (`npm run build`, `npm test`) deletes.
/** Maven's local repository for the pacmak builds and the Java consumer (downloads kept between runs). */
export const MAVEN_REPOSITORY = path.join(root, '.bindings-cache', 'm2');
/** The Python build and consumer venvs, each reused while its requirements file is unchanged. */
export const VENVS_DIR = path.join(root, '.bindings-cache', 'venvs');
const PACMAK = path.join(root, 'node_modules', 'jsii-pacmak');

/** The wheel and sdist in build/packages/python. */
export function buildPython(): string[] {
  const out = path.join(PACKAGES_DIR, 'python');
  fs.rmSync(out, { recursive: true, force: true });
  generateBindings(BINDINGS_DIR, ['python']);
  const python = ensureVenv(path.join(VENVS_DIR, 'python-build'), path.join(__dirname, 'python-build-requirements.txt'));
  // Our pins must satisfy pacmak's own ranges: with no index, pip can only say "already satisfied" or fail.
  mustRun(python, ['-m', 'pip', 'install', '--no-index', '--no-deps', '--quiet', '-r', path.join(PACMAK, 'lib', 'targets', 'python', 'requirements-dev.txt')]);
  mustRun(python, ['-m', 'build', '--no-isolation', '--sdist', '--wheel', '--outdir', out, path.join(BINDINGS_DIR, 'python')]);
  const built = fs.readdirSync(out).map((f) => path.join(out, f));
  mustRun(python, ['-m', 'twine', 'check', '--strict', ...built]);
  return built;
}

const UPSTREAM_STAMP = '.edge-upstream.json';

/** What the upstream builds in build/packages/<language> were made from: their versions and pacmak's. */
export function upstreamStamp(): string {
  return JSON.stringify(expectedPins(root));
}

/**
 * pacmak's full build of `language` into build/packages/<language>: with --recurse (cdk8s, cdk8s-plus-27 and
 * constructs too) unless the folder holds upstream builds of the same versions; pacmak then finds them there (a
 * local Maven repository for Java, sibling modules for Go). Returns whether the upstream builds were reused.
 */
export function buildWithPacmak(language: 'java' | 'go'): boolean {
  const out = path.join(PACKAGES_DIR, language);
  const stampFile = path.join(out, UPSTREAM_STAMP);
  const reuse = fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf-8') === upstreamStamp();
  if (!reuse) fs.rmSync(out, { recursive: true, force: true });
  mustRun(process.execPath, [path.join(PACMAK, 'bin', 'jsii-pacmak'), ...(reuse ? [] : ['--recurse']), '--no-npmignore', '--targets', language,
    '--outdir', PACKAGES_DIR, `--maven-local-repository=${MAVEN_REPOSITORY}`], {
    cwd: root,
    env: {
      ...process.env,
      // pacmak packs the npm package to embed it; without this, that `npm pack` would run prepack (a second build).
      npm_config_ignore_scripts: 'true',
      JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
      // javadoc is most of the Maven build's time and no consumer reads it.
      MAVEN_OPTS: `${process.env.MAVEN_OPTS ?? ''} -Dmaven.javadoc.skip=true`.trim(),
    },
  });
  if (!reuse) fs.writeFileSync(stampFile, upstreamStamp());
  return reuse;
}
