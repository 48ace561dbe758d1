/**
 * The keepalived container's start command: it keeps keepalived on the last keepalived.conf that passed
 * `keepalived -t` and reloads it in place (SIGHUP) when the mounted ConfigMap or Secret changes, so a config
 * change never restarts the pod and a broken ConfigMap never reaches keepalived.
 */

import { renderIpvsHandoverTail } from './ipvs-handover';
import { renderToolCheck, START_COMMAND_TOOLS } from './required-tools';
import { shellScript } from './shell-script';

/** Where the reloader finds things inside the container. */
export interface ConfigReloaderPaths {
  /** The ConfigMap directory mount (kubelet swaps its `..data` symlink on every update). */
  readonly configDir: string;
  /** File name of keepalived.conf inside `configDir`. */
  readonly configFileName: string;
  /** The Secret directory mount and the file in it, when VRRP authentication is on. */
  readonly authDir?: string;
  readonly authFileName?: string;
  /** keepalived's pid files and the reloader's state; an emptyDir, so it survives container restarts. */
  readonly runDir: string;
}

/** Seconds between two looks at the mounted files (kubelet's own sync period is about a minute). */
export const RELOADER_POLL_SECONDS = 2;

/** The directory holding the copy keepalived reads: the last keepalived.conf (and auth file) that passed `-t`. */
export function activeConfigDir(runDir: string): string {
  return `${runDir}/active`;
}

/** The reloader's report, `key=value` lines: `revision` (running), `rejected` and `error` (last refused file). */
export function configStatusFile(runDir: string): string {
  return `${runDir}/config-status`;
}

/**
 * The config revision the status command shows: the first 12 hex digits of keepalived.conf's sha256, the same
 * value `sha256sum keepalived.conf | cut -c1-12` gives inside the pod.
 */
export const REVISION_LENGTH = 12;

/**
 * The POSIX sh start script, scripts/keepalived-start.sh (BusyBox ash in the default image, dash in Debian's). It is run as
 * `sh -c SCRIPT keepalived ARGS...`; it starts the reloader in the background and then `exec`s keepalived, so
 * keepalived stays the container's main process and SIGTERM still makes it hand the VIP over. With
 * `ipvsHandoverSeconds` (keepalived has virtual servers) it runs keepalived as a child instead and, after a
 * SIGTERM, keeps the node directing for that long before it releases the IPVS services (ipvs-handover.ts).
 */
export function renderStartScript(paths: ConfigReloaderPaths, ipvsHandoverSeconds?: number): string {
  const auth = paths.authDir !== undefined && paths.authFileName !== undefined
    ? { dir: paths.authDir, file: paths.authFileName } : undefined;
  return shellScript('keepalived-start.sh', {
    REQUIRE_TOOLS: renderToolCheck('keepalived start command', START_COMMAND_TOOLS),
    CONFIG_DIR: paths.configDir,
    CONFIG_FILE: paths.configFileName,
    AUTH_FILE: auth ? `${auth.dir}/${auth.file}` : '',
    RUN_DIR: paths.runDir,
    ACTIVE_DIR: activeConfigDir(paths.runDir),
    STATUS_FILE: configStatusFile(paths.runDir),
    AUTH_SAME: auth ? `cmp -s "$candidate/${auth.file}" "$active/${auth.file}"` : 'true',
    REVISION_LENGTH: String(REVISION_LENGTH),
    POLL_SECONDS: String(RELOADER_POLL_SECONDS),
    MAIN: ipvsHandoverSeconds !== undefined ? renderIpvsHandoverTail(ipvsHandoverSeconds).replace(/\n$/, '') : 'exec keepalived "$@"',
  });
}
