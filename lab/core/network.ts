/**
 * The lab's network: namespaces hanging off one bridge namespace (`br0`), veth pairs created inside lab namespaces
 * only, never in the host's.
 */
import { ipn, run } from './sys';

/** Creates `namespaces` with lo up; IPv4-only unless asked (fewer moving parts: no DAD, no v6 noise in the monitors). */
export function addNamespaces(namespaces: readonly string[], opts: { ipv6?: boolean } = {}): void {
  for (const ns of namespaces) {
    run('ip', ['netns', 'add', ns]);
    ipn(ns, ['link', 'set', 'lo', 'up']);
    if (!opts.ipv6) run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1'], { allowFail: true });
  }
}

/** The bridge `br0` in `brNs` (which must exist). */
export function addBridge(brNs: string): void {
  ipn(brNs, ['link', 'add', 'br0', 'type', 'bridge']);
  ipn(brNs, ['link', 'set', 'br0', 'up']);
}

/**
 * A veth pair from bridge `br0` of `brNs` (host side named `port`) into `ns` (named `ifname` there, holding
 * `address/prefix`, link up). Both ends are created inside lab namespaces, never in the host's.
 */
export function attachToBridge(brNs: string, port: string, ns: string, ifname: string, address: string, prefix: number): void {
  ipn(brNs, ['link', 'add', port, 'type', 'veth', 'peer', 'name', ifname, 'netns', ns]);
  ipn(brNs, ['link', 'set', port, 'master', 'br0']);
  ipn(brNs, ['link', 'set', port, 'up']);
  ipn(ns, ['addr', 'add', `${address}/${prefix}`, 'dev', ifname]);
  ipn(ns, ['link', 'set', ifname, 'up']);
}
