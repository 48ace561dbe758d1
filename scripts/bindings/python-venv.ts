// A virtual environment holding exactly a hash-pinned requirements file, reused while that file (and the Python
// that made it) is unchanged: creating one and installing from PyPI is most of a Python run's time.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { mustRun } from './run';

const STAMP = 'edge-requirements.sha256';

/** What the venv was made from: the requirements file's bytes and the interpreter's version. */
export function venvStamp(requirements: string, pythonVersion: string): string {
  return createHash('sha256').update(pythonVersion).update('\0').update(requirements).digest('hex');
}

/** True when `venv` was completed from exactly this stamp (a half-made venv has no stamp). */
export function venvIsCurrent(venv: string, stamp: string): boolean {
  const file = path.join(venv, STAMP);
  return fs.existsSync(file) && fs.readFileSync(file, 'utf-8') === stamp;
}

/** The venv's python, created and installed with --require-hashes unless current. Returns its path. */
export function ensureVenv(venv: string, requirementsFile: string): string {
  const python = path.join(venv, 'bin', 'python');
  const version = mustRun('python3', ['--version']).output.trim();
  const stamp = venvStamp(fs.readFileSync(requirementsFile, 'utf-8'), version);
  if (venvIsCurrent(venv, stamp)) return python;
  fs.rmSync(venv, { recursive: true, force: true });
  mustRun('python3', ['-m', 'venv', venv]);
  // Wheels only: nothing is compiled on this machine, and every file is checked against its PyPI hash.
  mustRun(python, ['-m', 'pip', 'install', '--no-input', '--quiet', '--require-hashes', '--only-binary', ':all:', '-r', requirementsFile]);
  fs.writeFileSync(path.join(venv, STAMP), stamp);
  return python;
}
