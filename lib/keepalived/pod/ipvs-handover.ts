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
import { shellScript } from './shell-script';

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
 * The end of the start script with virtual servers (scripts/ipvs-handover.sh): keepalived as a child (not `exec`), SIGTERM forwarded,
 * then the handover and the release. Needs the script's `ready DIR PROCS...` function and `$run`.
 */
export function renderIpvsHandoverTail(handoverSeconds: number): string {
  return shellScript('ipvs-handover.sh', {
    RELEASE_TIMEOUT_TENTHS: String(IPVS_RELEASE_TIMEOUT_SECONDS * 10),
    HANDOVER_SECONDS: String(handoverSeconds),
  });
}
