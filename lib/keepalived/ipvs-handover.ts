/**
 * How the keepalived container stops when keepalived directs IPVS traffic (LVS direct routing).
 *
 * On SIGTERM keepalived drops the VIP and sends a priority-0 advert, so another node takes over within a few
 * tens of milliseconds. Clients go on sending to the old node until the new master's gratuitous ARP reaches
 * them. Had keepalived removed its IPVS services, those packets would be delivered to the old node's own
 * Traefik, which knows nothing of the connections it was only directing to other nodes, and reset them. So
 * keepalived runs with `--dont-release-ipvs`; its exit also stops the connection sync daemon, which switches
 * off the `net.ipv4.vs.backup_only` loop guard on this node, and the node keeps directing. After the handover
 * the start command removes exactly keepalived's own services: a checker-only keepalived on the same file, whose
 * stop deletes each service in one step (`lvs_flush_on_stop VS`; never `lvs_flush`, which would take
 * kube-proxy's IPVS services too). The node is then a plain real server until the next keepalived starts. A keepalived that was
 * killed (no handover) leaves its services too: the next start releases them before keepalived runs.
 */

/** Longest handover: a long `vrrp_garp_master_delay` must not hold a stopping pod for minutes. */
export const MAX_IPVS_HANDOVER_SECONDS = 6;

/**
 * Seconds the stopped node keeps directing: the new master's gratuitous ARPs go out at once and again after
 * `vrrp_garp_master_delay`; one more second for the clients to act on the second round (2 s with the
 * default delay of 1 s), at most MAX_IPVS_HANDOVER_SECONDS.
 */
export function ipvsHandoverSeconds(garpMasterDelaySeconds: number): number {
  return Math.min(garpMasterDelaySeconds + 1, MAX_IPVS_HANDOVER_SECONDS);
}

/** Seconds the release may take: a checker-only keepalived starts, then stops and removes its services. */
export const IPVS_RELEASE_TIMEOUT_SECONDS = 5;

/**
 * The end of the start script with virtual servers: keepalived as a child (not `exec`), SIGTERM forwarded,
 * then the handover and the release. Needs the script's `ready DIR PROCS...` function and `$run`.
 */
export function renderIpvsHandoverTail(handoverSeconds: number): string {
  return `# LVS: keepalived is a child, not exec'd, so that this shell can finish its handover after it exits.
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
  keepalived --check --dont-fork --log-console --config-id "$config_id" --use-file "$config_file" \\
    --pid "$rel/keepalived.pid" --checkers_pid "$rel/checkers.pid" >"$rel/log" 2>&1 &
  rpid=$!
  waited=0
  until ready "$rel" keepalived checkers; do
    kill -0 "$rpid" 2>/dev/null || break
    sleep 0.1
    waited=$((waited + 1))
    [ "$waited" -lt ${IPVS_RELEASE_TIMEOUT_SECONDS * 10} ] || break
  done
  kill -TERM "$rpid" 2>/dev/null
  wait "$rpid"
  handover_log "released the IPVS services of $config_file"
}
# A keepalived killed without a graceful stop (OOM kill, SIGKILL) leaves its services with the weights they had;
# the next keepalived fails to add them ("already exists") and trusts its own idea of the weights, so a node
# that was inhibited could stay at weight 0. Release leftovers first (overridable for tests).
ipvs_table=\${IPVS_TABLE:-/proc/net/ip_vs}
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
  handover_log "keepalived stopped; directing for ${handoverSeconds} s more while clients follow the new VIP holder"
  sleep ${handoverSeconds}
  release_ipvs
fi
exit "$code"
`;
}
