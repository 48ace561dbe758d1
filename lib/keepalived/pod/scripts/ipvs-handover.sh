# shellcheck shell=sh
#: The end of the start script when keepalived has virtual servers. ipvs-handover.ts fills in the @@NAME@@ values
#: (numbers) and drops this header (the `#:` and `# shellcheck` lines, and one empty line). It uses the start
#: script's `ready DIR PROCS...` function and `$run`.
# shellcheck disable=SC2154,SC2170

# LVS: keepalived is a child, not exec'd, so that this shell can finish its handover after it exits.
handover_log() { echo "ipvs-handover: $*" >&2; }
config_file=
config_id=
prev=
for a in "$@"; do
  case "$prev" in --use-file | -f) config_file=$a ;; --config-id | -i) config_id=$a ;; esac
  prev=$a
done
# keepalived left its services (--dont-release-ipvs): a checker-only keepalived on the same file adds them
# again (they exist: it logs that and carries on) and removes them when it stops.
release_ipvs() {
  rel=$run/release
  rm -rf "$rel" && mkdir -p "$rel"
  keepalived --check --dont-fork --log-console --config-id "$config_id" --use-file "$config_file" \
    --pid "$rel/keepalived.pid" --checkers_pid "$rel/checkers.pid" >"$rel/log" 2>&1 &
  rpid=$!
  waited=0
  until ready "$rel" keepalived checkers; do
    kill -0 "$rpid" 2>/dev/null || break
    sleep 0.1
    waited=$((waited + 1))
    [ "$waited" -lt @@RELEASE_TIMEOUT_TENTHS@@ ] || break
  done
  kill -TERM "$rpid" 2>/dev/null
  wait "$rpid"
  handover_log "released the IPVS services of $config_file"
}
# A keepalived killed without a graceful stop (OOM kill, SIGKILL) leaves its services with the weights they had;
# the next keepalived fails to add them ("already exists") and trusts its own idea of the weights, so a node
# that was inhibited could stay at weight 0. Release leftovers first (overridable for tests).
ipvs_table=${IPVS_TABLE:-/proc/net/ip_vs}
if grep -qE '^(TCP|UDP|SCTP|FWM) ' "$ipvs_table" 2>/dev/null; then
  handover_log "IPVS services left by an earlier keepalived: releasing them first"
  release_ipvs
fi
stopping=
kpid=
trap 'stopping=1; [ -z "$kpid" ] || kill -TERM "$kpid" 2>/dev/null' TERM INT
keepalived "$@" &
kpid=$!
[ -z "$stopping" ] || kill -TERM "$kpid" 2>/dev/null
# wait returns early for every trapped signal: wait again until keepalived itself has exited.
while :; do
  wait "$kpid"
  code=$?
  kill -0 "$kpid" 2>/dev/null || break
done
if [ -n "$stopping" ]; then
  handover_log "keepalived stopped; directing for @@HANDOVER_SECONDS@@ s more while clients follow the new VIP holder"
  sleep @@HANDOVER_SECONDS@@
  release_ipvs
fi
exit "$code"
