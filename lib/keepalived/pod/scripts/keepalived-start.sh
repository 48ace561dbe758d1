# shellcheck shell=sh
#: The keepalived container's start command, run as `sh -c SCRIPT keepalived ARGS...`. config-reloader.ts fills in
#: the @@NAME@@ values and drops this header (the `#:` and `# shellcheck` lines, and one empty line).
#: Deliberate: the unused retry counter, the word split of $procs, `ls -l` of /proc/PID/fd.
# shellcheck disable=SC2034,SC2086,SC2010

set -u
@@REQUIRE_TOOLS@@
mounted=@@CONFIG_DIR@@/@@CONFIG_FILE@@
auth=@@AUTH_FILE@@
run=@@RUN_DIR@@
active=@@ACTIVE_DIR@@
candidate=$run/candidate
status=@@STATUS_FILE@@
# A stale pid file makes keepalived exit "already running" (the run dir outlives the container).
rm -f "$run"/*.pid
case " $* " in *" --vrrp "*) procs="keepalived vrrp" ;; *) procs="keepalived vrrp checkers" ;; esac

log() { echo "config-reloader: $*" >&2; }
# kubelet deletes the old data directory right after swapping ..data, so a copy can hit a vanished file: retry.
stage() {
  for try in 1 2 3 4 5; do
    rm -rf "$candidate" && mkdir -p "$candidate" && cp "$mounted" "$candidate/@@CONFIG_FILE@@" 2>/dev/null &&
      { [ -z "$auth" ] || cp "$auth" "$candidate/" 2>/dev/null; } && return 0
    sleep 1
  done
  return 1
}
same() {
  cmp -s "$candidate/@@CONFIG_FILE@@" "$active/@@CONFIG_FILE@@" &&
    @@AUTH_SAME@@
}
# keepalived 2.2 returns 0 for some mistakes: any output of -t is a failure.
check() {
  out=$(keepalived -t -f "$candidate/@@CONFIG_FILE@@" -i "$NODE_NAME" 2>&1) && [ -z "$out" ]
}
revision() { sha256sum "$1/@@CONFIG_FILE@@" | cut -c1-@@REVISION_LENGTH@@; }
promote() {
  rm -rf "$active.old"
  if [ -d "$active" ]; then mv "$active" "$active.old"; fi
  mv "$candidate" "$active" && rm -rf "$active.old"
}
# report RUNNING_REVISION REJECTED_REVISION ERROR
report() {
  printf 'revision=%s\nrejected=%s\nerror=%s\nupdated=%s\n' "$1" "$2" "$3" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    >"$status.tmp" && mv "$status.tmp" "$status"
}
first_line() { printf '%s\n' "$1" | head -n 1; }
# sha256sum, not cksum: Debian's busybox-static has no cksum, and a pipe into a missing program prints nothing on
# both sides of the comparison, so no change would ever be seen.
mounted_sum() { cat "$mounted" ${auth:+"$auth"} 2>/dev/null | sha256sum; }
# A signal before keepalived is up would kill it. keepalived takes signals through a signalfd: a process is
# ready once its pid file exists, SIGHUP (bit 0) is blocked and the signalfd is open. ready DIR PROCS...
ready() {
  dir=$1
  shift
  for p in "$@"; do
    pid=$(cat "$dir/$p.pid" 2>/dev/null) || return 1
    mask=$(sed -n 's/^SigBlk:.*\(.\)$/\1/p' "/proc/$pid/status" 2>/dev/null)
    case "$mask" in 1 | 3 | 5 | 7 | 9 | b | d | f) ;; *) return 1 ;; esac
    ls -l "/proc/$pid/fd" 2>/dev/null | grep -q signalfd || return 1
  done
}

stage || { log "cannot read $mounted"; exit 1; }
if check; then
  promote
  report "$(revision "$active")" "" ""
elif [ -f "$active/@@CONFIG_FILE@@" ]; then
  # A container restart while the ConfigMap is broken: keep running the last good file.
  report "$(revision "$active")" "$(revision "$candidate")" "$(first_line "$out")"
  log "keepalived -t refused revision $(revision "$candidate"), starting the last good revision $(revision "$active"): $out"
else
  # Nothing better to run: keepalived starts with it and logs the same errors.
  promote
  report "$(revision "$active")" "" "$(first_line "$out")"
fi

# The shell's pid as ${$}, never as a doubled dollar: Kubernetes reduces that to one dollar in a container's command,
# and "kill -0 $" fails, which ended the reloader silently in every real pod before its first look.
(
  seen=$(mounted_sum)
  while kill -0 ${$} 2>/dev/null; do
    sleep @@POLL_SECONDS@@
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
      kill -0 ${$} 2>/dev/null || exit 0
    done
    promote
    kill -HUP "$(cat "$run/keepalived.pid")"
    report "$(revision "$active")" "" ""
    log "reloaded revision $(revision "$active")"
  done
) &
@@MAIN@@
