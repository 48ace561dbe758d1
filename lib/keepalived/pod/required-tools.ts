/**
 * The programs each pod script runs, checked with `command -v` before anything else: an image without one stops
 * the container at once with every missing name, instead of failing later and silently (Debian's busybox-static
 * has no `cksum`; a change detection piped into it never saw a change). Shell builtins of both dash and BusyBox
 * ash (`kill`, `printf`, `echo`, `[`) are not listed.
 */
import { shellScript } from './shell-script';

/**
 * The start command's programs, with its IPVS tail's and the liveness probe's (same container). Debian's packages
 * (coreutils, diffutils, grep, sed), Alpine's BusyBox and Debian's busybox-static all have every one.
 */
export const START_COMMAND_TOOLS: readonly string[] = [
  'cat', 'cmp', 'cp', 'cut', 'date', 'grep', 'head', 'keepalived', 'ls', 'mkdir', 'mv', 'rm', 'sed', 'sha256sum', 'sleep',
];

/** The host preparation's programs (its `modprobe` is the node's own, run through `chroot`). */
export const HOST_PREPARATION_TOOLS: readonly string[] = ['cat', 'chroot', 'grep', 'ip'];

/** scripts/require-tools.sh for `tools`: exits 1 with one message naming `who` and every missing program. */
export function renderToolCheck(who: string, tools: readonly string[]): string {
  return shellScript('require-tools.sh', { WHO: who, TOOLS: tools.join(' ') }).replace(/\n$/, '');
}
