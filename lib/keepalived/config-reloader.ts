/**
 * The keepalived container's start command: it keeps keepalived on the last keepalived.conf that passed
 * `keepalived -t` and reloads it in place (SIGHUP) when the mounted ConfigMap or Secret changes, so a config
 * change never restarts the pod and a broken ConfigMap never reaches keepalived.
 */

import { renderIpvsHandoverTail } from './ipvs-handover';

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
 * The POSIX sh start script (BusyBox ash in the default image, dash in Debian's). It is run as
 * `sh -c SCRIPT keepalived ARGS...`; it starts the reloader in the background and then `exec`s keepalived, so
 * keepalived stays the container's main process and SIGTERM still makes it hand the VIP over. With
 * `ipvsHandoverSeconds` (keepalived has virtual servers) it runs keepalived as a child instead and, after a
 * SIGTERM, keeps the node directing for that long before it releases the IPVS services (ipvs-handover.ts).
 */
export function renderStartScript(paths: ConfigReloaderPaths, ipvsHandoverSeconds?: number): string {
  const auth = paths.authDir !== undefined && paths.authFileName !== undefined
    ? { dir: paths.authDir, file: paths.authFileName } : undefined;
  return `set -u
mounted=${paths.configDir}/${paths.configFileName}
${auth ? `auth=${auth.dir}/${auth.file}` : 'auth='}
run=${paths.runDir}
active=${activeConfigDir(paths.runDir)}
candidate=$run/candidate
status=${configStatusFile(paths.runDir)}
# A stale pid file makes keepalived exit "already running" (the run dir outlives the container).
rm -f "$run"/*.pid
case " $* " in *" --vrrp "*) procs="keepalived vrrp" ;; *) procs="keepalived vrrp checkers" ;; esac

log() { echo "config-reloader: $*" >&2; }
# kubelet deletes the old data directory right after swapping ..data, so a copy can hit a vanished file: retry.
stage() {
  for try in 1 2 3 4 5; do
    rm -rf "$candidate" && mkdir -p "$candidate" && cp "$mounted" "$candidate/${paths.configFileName}" 2>/dev/null &&
      { [ -z "$auth" ] || cp "$auth" "$candidate/" 2>/dev/null; } && return 0
    sleep 1
  done
  return 1
}
same() {
  cmp -s "$candidate/${paths.configFileName}" "$active/${paths.configFileName}" &&
    ${auth ? `cmp -s "$candidate/${auth.file}" "$active/${auth.file}"` : 'true'}
}
# keepalived 2.2 returns 0 for some mistakes: any output of -t is a failure.
check() {
  out=$(keepalived -t -f "$candidate/${paths.configFileName}" -i "$NODE_NAME" 2>&1) && [ -z "$out" ]
}
revision() { sha256sum "$1/${paths.configFileName}" | cut -c1-${REVISION_LENGTH}; }
promote() {
  rm -rf "$active.old"
  if [ -d "$active" ]; then mv "$active" "$active.old"; fi
  mv "$candidate" "$active" && rm -rf "$active.old"
}
# report RUNNING_REVISION REJECTED_REVISION ERROR
report() {
  printf 'revision=%s\\nrejected=%s\\nerror=%s\\nupdated=%s\\n' "$1" "$2" "$3" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \\
    >"$status.tmp" && mv "$status.tmp" "$status"
}
first_line() { printf '%s\\n' "$1" | head -n 1; }
mounted_sum() { cat "$mounted" \${auth:+"$auth"} 2>/dev/null | cksum; }
# A signal before keepalived is up would kill it. keepalived takes signals through a signalfd: a process is
# ready once its pid file exists, SIGHUP (bit 0) is blocked and the signalfd is open. ready DIR PROCS...
ready() {
  dir=$1
  shift
  for p in "$@"; do
    pid=$(cat "$dir/$p.pid" 2>/dev/null) || return 1
    mask=$(sed -n 's/^SigBlk:.*\\(.\\)$/\\1/p' "/proc/$pid/status" 2>/dev/null)
    case "$mask" in 1 | 3 | 5 | 7 | 9 | b | d | f) ;; *) return 1 ;; esac
    ls -l "/proc/$pid/fd" 2>/dev/null | grep -q signalfd || return 1
  done
}

stage || { log "cannot read $mounted"; exit 1; }
if check; then
  promote
  report "$(revision "$active")" "" ""
elif [ -f "$active/${paths.configFileName}" ]; then
  # A container restart while the ConfigMap is broken: keep running the last good file.
  report "$(revision "$active")" "$(revision "$candidate")" "$(first_line "$out")"
  log "keepalived -t refused revision $(revision "$candidate"), starting the last good revision $(revision "$active"): $out"
else
  # Nothing better to run: keepalived starts with it and logs the same errors.
  promote
  report "$(revision "$active")" "" "$(first_line "$out")"
fi

(
  seen=$(mounted_sum)
  while kill -0 $$ 2>/dev/null; do
    sleep ${RELOADER_POLL_SECONDS}
    now=$(mounted_sum)
    [ "$now" = "$seen" ] && continue
    stage || { log "cannot read $mounted"; continue; }
    seen=$now
    if same; then
      # e.g. a refused file was reverted: nothing to reload
      report "$(revision "$active")" "" ""
      continue
    fi
    if ! check; then
      report "$(revision "$active")" "$(revision "$candidate")" "$(first_line "$out")"
      log "keepalived -t refused revision $(revision "$candidate"), still running $(revision "$active"): $out"
      continue
    fi
    until ready "$run" $procs; do
      sleep 1
      kill -0 $$ 2>/dev/null || exit 0
    done
    promote
    kill -HUP "$(cat "$run/keepalived.pid")"
    report "$(revision "$active")" "" ""
    log "reloaded revision $(revision "$active")"
  done
) &
${ipvsHandoverSeconds !== undefined ? renderIpvsHandoverTail(ipvsHandoverSeconds) : 'exec keepalived "$@"\n'}`;
}
