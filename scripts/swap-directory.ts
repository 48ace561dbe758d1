import * as fs from 'fs';
import * as path from 'path';

/** A fresh scratch folder beside `target` (same filesystem, so the final rename is atomic). */
export function scratchDirectory(target: string): string {
  const scratch = path.join(path.dirname(target), `.${path.basename(target)}-tmp-${process.pid}`);
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch, { recursive: true });
  return scratch;
}

/** Puts `scratch` in place of `target`; `target` is only removed once the new folder is in place. */
export function replaceDirectory(scratch: string, target: string): void {
  const old = `${scratch}-old`;
  const hadTarget = fs.existsSync(target);
  if (hadTarget) fs.renameSync(target, old);
  try {
    fs.renameSync(scratch, target);
  } catch (error) {
    if (hadTarget) fs.renameSync(old, target);
    throw error;
  }
  if (hadTarget) fs.rmSync(old, { recursive: true, force: true });
}
