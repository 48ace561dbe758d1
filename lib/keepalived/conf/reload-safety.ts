/**
 * Which keepalived.conf changes cannot be reloaded in place without moving the VIP.
 *
 * A changed ConfigMap reaches each node on its own kubelet sync (up to about a minute apart), so for a while some
 * nodes run the old file and some the new one. VRRP peers only accept each other's adverts while they agree on
 * the virtual router id, the interface, the VRRP version, the advert interval (VRRPv2), the advertised address list and
 * the authentication; while they disagree, a backup stops hearing the master and takes the VIP too (the day-2 lab's full run,
 * 0-90 s between the nodes' updates: a virtual_router_id change gave 22 s with two holders and 3 moves). Everything else (priorities,
 * nodes added, extra VIPs, health-check timing, LVS settings) reloads without a move.
 */

/** The settings VRRP peers must agree on, as they appear in a rendered keepalived.conf. */
function advertisedSettings(conf: string): Record<string, string> {
  const lines = conf.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const first = (re: RegExp): string => lines.map((l) => re.exec(l)).find((m) => m)?.[1] ?? '(none)';
  const vipStart = lines.indexOf('virtual_ipaddress {');
  const vipEnd = vipStart < 0 ? -1 : lines.indexOf('}', vipStart);
  const version = first(/^vrrp_version\s+(\S+)$/);
  return {
    virtual_router_id: first(/^virtual_router_id\s+(\S+)$/),
    interface: first(/^interface\s+(\S+)$/),
    vrrp_version: version,
    // A VRRPv3 backup adopts the master's advert interval; a VRRPv2 backup drops adverts with another interval.
    ...(version === '3' ? {} : { advert_int: first(/^advert_int\s+(\S+)$/) }),
    'advertised virtual_ipaddress': vipStart < 0 ? '(none)' : lines.slice(vipStart + 1, vipEnd).join(', '),
    'authentication include': first(/^includea\s+(\S+)$/),
  };
}

/**
 * One line per setting that differs between two rendered keepalived.conf files and cannot be reloaded
 * without a VIP move; empty when the change is a safe live reload.
 */
export function unsafeReloadChanges(before: string, after: string): string[] {
  const a = advertisedSettings(before);
  const b = advertisedSettings(after);
  return Object.keys(a).filter((k) => a[k] !== b[k])
    .map((k) => `${k} ${a[k]} -> ${b[k]}: nodes on the old and the new file ignore each other's adverts until every `
      + 'node reloaded, so the VIP can be on two nodes meanwhile and moves once');
}
