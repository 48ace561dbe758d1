/**
 * Loading ip_vs from compressed module files with the node's own modprobe: the synthesized host-preparation
 * script runs against one node root per compression (`HOST_ROOT`), in a scratch network namespace, and the
 * modules are unloaded again afterwards so that the next root starts from nothing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from '../core/sys';

export interface ModuleLoad {
  /** Compression of the module files, e.g. 'xz' or 'zst'. */
  readonly format: string;
  /** The ip_vs file modprobe found in that root (relative to /lib/modules/<release>), if any. */
  readonly file: string | null;
  /** Exit status of the host-preparation script. */
  readonly rc: number;
  /** ip_vs and ip_vs_mh were loaded afterwards. */
  readonly loaded: boolean;
  readonly output: string;
}

/** `xz=/root/a,zst=/root/b` as given to --module-roots. */
export function parseModuleRoots(text: string): Array<[string, string]> {
  return text
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error(`--module-roots: "${pair}" is not FORMAT=DIR`);
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    });
}

function ipvsFile(hostRoot: string): string | null {
  const release = os.release();
  const dep = path.join(hostRoot, 'lib', 'modules', release, 'modules.dep');
  if (!fs.existsSync(dep)) return null;
  const line = fs
    .readFileSync(dep, 'utf8')
    .split('\n')
    .find((l) => /(^|\/)ip_vs\.ko(\.\w+)?:/.test(l));
  return line ? line.split(':')[0] : null;
}

const loaded = (m: string): boolean => fs.existsSync(path.join('/sys/module', m));

/**
 * Runs `script` (the init container's) with HOST_ROOT=hostRoot in namespace `ns`, which gets an `interfaceName`
 * of its own for the script's per-interface ARP sysctls, then unloads ip_vs again.
 */
export function loadIpvsFrom(format: string, hostRoot: string, ns: string, interfaceName: string, script: string): ModuleLoad {
  const file = ipvsFile(hostRoot);
  if (loaded('ip_vs')) {
    return { format, file, rc: -1, loaded: false, output: 'ip_vs was loaded before the check: the check cannot tell where it came from' };
  }
  run('ip', ['netns', 'add', ns]);
  try {
    run('ip', ['-n', ns, 'link', 'add', interfaceName, 'type', 'veth', 'peer', 'name', `${interfaceName}-peer`]);
    const r = run('ip', ['netns', 'exec', ns, 'env', `HOST_ROOT=${hostRoot}`, '/bin/sh', '-c', script], { allowFail: true });
    return { format, file, rc: r.code, loaded: loaded('ip_vs') && loaded('ip_vs_mh'), output: `${r.stdout}${r.stderr}`.trim() };
  } finally {
    run('ip', ['netns', 'del', ns], { allowFail: true });
    run('rmmod', ['ip_vs_mh'], { allowFail: true });
    run('rmmod', ['ip_vs'], { allowFail: true });
  }
}
