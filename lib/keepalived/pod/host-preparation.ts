import { LvsScheduler } from '../conf/enums';
import {
  canonical, checkArray, checkEnum, checkInterfaceName, checkIpWithOptionalPrefix, enumValues, hostPrefix, Problems,
} from '../../validation/checks';
import { HOST_PREPARATION_TOOLS, renderToolCheck } from './required-tools';
import { shellScript } from './shell-script';

/**
 * A kernel parameter in sysctl(8) notation: dots separate levels, and a dot inside one level (an
 * interface such as 'eth0.100') is written as '/', e.g. 'net.ipv4.conf.eth0/100.arp_ignore'.
 */
export interface Sysctl {
  /** Parameter name, e.g. 'net.ipv4.vs.backup_only'. */
  readonly name: string;
  /** Value to write. */
  readonly value: string;
}

/**
 * Properties of {@link HostPreparation}.
 */
export interface HostPreparationProps {
  /** The VRRP interface (gets the ARP sysctls like `all`). */
  readonly interface: string;
  /** VIPs served by direct routing; each goes on `lo` with a host prefix (/32, /128). */
  readonly loopbackAddresses: string[];
  /**
   * IPVS schedulers in use; each needs its `ip_vs_<name>` module.
   * @default - none besides ip_vs
   */
  readonly schedulers?: LvsScheduler[];
}

/**
 * What every node needs for IPVS direct routing when the directors are also the real servers:
 * the IPVS modules, the VIPs on `lo` (so a node accepts packets for the VIP that the master forwarded
 * by MAC), ARP sysctls (so only the VRRP master answers ARP for the VIP),
 * `net.ipv4.vs.backup_only=1` (so only the VRRP master balances, see `lvs_sync_daemon`), and the IPVS
 * settings that keep flows on the right node across a director change (`sloppy_tcp`) and a real server's
 * drain (`expire_nodest_conn`).
 */
export class HostPreparation {
  /** Kernel modules to load, 'ip_vs' first. */
  public readonly kernelModules: string[];
  /** Sysctls to set, in order. */
  public readonly sysctls: Sysctl[];
  /** Addresses to put on `lo`, `ADDR/32` or `ADDR/128`. */
  public readonly loopbackAddresses: string[];
  /** The VRRP interface. */
  public readonly interfaceName: string;

  constructor(props: HostPreparationProps) {
    const p = new Problems();
    const interfaceName = checkInterfaceName(p, 'interface', props.interface);
    const addresses = checkArray<string>(p, 'loopbackAddresses', props.loopbackAddresses) ?? [];
    if (Array.isArray(props.loopbackAddresses) && addresses.length === 0) {
      p.add('loopbackAddresses is empty: at least one VIP is required');
    }
    const loopback: string[] = [];
    let anyIpv4 = false;
    addresses.forEach((raw, i) => {
      const vip = checkIpWithOptionalPrefix(p, `loopbackAddresses[${i}]`, raw);
      if (vip !== undefined) {
        // Always a host prefix: a wider prefix on lo would make the node claim the whole network.
        const text = `${canonical(vip.ip)}/${hostPrefix(vip.ip)}`;
        if (!loopback.includes(text)) {
          loopback.push(text);
        }
        anyIpv4 = anyIpv4 || vip.ip.kind() === 'ipv4';
      }
    });
    const schedulers = (checkArray<LvsScheduler>(p, 'schedulers', props.schedulers ?? []) ?? [])
      .map((s, i) => checkEnum(p, `schedulers[${i}]`, s, enumValues(LvsScheduler)));
    p.throwIfAny();

    this.interfaceName = interfaceName!;
    this.loopbackAddresses = loopback;
    const modules = ['ip_vs'];
    for (const s of schedulers) {
      const module = `ip_vs_${s}`;
      if (!modules.includes(module)) {
        modules.push(module);
      }
    }
    this.kernelModules = modules;

    // net.ipv4.vs.* exists only once ip_vs is loaded; it covers IPv6 services too.
    const sysctls: Sysctl[] = [
      { name: 'net.ipv4.vs.backup_only', value: '1' },
      // A director that takes over the VIP never saw the SYN of the flows already open, and by default IPVS
      // creates connections only from a SYN: their next packet would be delivered locally and reset.
      // sloppy_tcp lets it schedule any packet of a flow; Maglev then picks the same real server as the old
      // director did, so the flow carries on.
      { name: 'net.ipv4.vs.sloppy_tcp', value: '1' },
      // IPVS keeps a closed flow's entry for minutes (FIN_WAIT, 120 s: with direct routing it never sees the
      // server's FIN), and a new SYN from the same client address and port reuses it, going to the same real
      // server even when its check has set it to weight 0 because that Traefik is draining or dead. With
      // expire_nodest_conn=1 such a SYN is scheduled afresh instead (as long as conn_reuse_mode is not 0);
      // packets of flows still open to a weight-0 node keep flowing, so draining still works.
      { name: 'net.ipv4.vs.expire_nodest_conn', value: '1' },
    ];
    if (anyIpv4) {
      // arp_ignore=1: answer ARP only for addresses on the receiving interface (not for the VIP on lo);
      // arp_announce=2: never use the VIP as ARP source. The kernel uses the larger of `all` and the
      // interface value, so both are set. The VRRP master still answers: keepalived puts the VIP on the
      // interface itself. (IPv6 neighbour discovery is per interface already.)
      const iface = this.interfaceName.replace(/\./g, '/');
      for (const scope of ['all', iface]) {
        sysctls.push({ name: `net.ipv4.conf.${scope}.arp_ignore`, value: '1' });
        sysctls.push({ name: `net.ipv4.conf.${scope}.arp_announce`, value: '2' });
      }
    }
    this.sysctls = sysctls;
  }

  /**
   * An idempotent POSIX sh script (scripts/prepare-host.sh, `set -eu`) that loads the modules, sets the sysctls and adds the
   * loopback addresses, in that order (ARP settings before the VIPs appear on lo). It needs root on the
   * host network namespace, the node's root file system at `HOST_ROOT` (default /host; modules not yet loaded
   * are loaded by the node's own modprobe, `chroot $HOST_ROOT /bin/sh -c 'exec modprobe ...'`), and `ip`.
   */
  public renderScript(): string {
    const steps = [
      ...this.kernelModules.map((m) => `load_module ${shellQuote(m)}`),
      ...this.sysctls.map((s) => `set_sysctl ${shellQuote(sysctlPath(s.name))} ${shellQuote(s.value)}`),
      ...this.loopbackAddresses.map((a) => `add_loopback_address ${shellQuote(a)}`),
    ];
    return shellScript('prepare-host.sh', {
      REQUIRE_TOOLS: renderToolCheck('prepare-host', HOST_PREPARATION_TOOLS),
      STEPS: steps.join('\n'),
    });
  }
}

/** sysctl(8) name to the path below /proc/sys ('/' inside a level stands for a dot). */
function sysctlPath(name: string): string {
  return name.split('.').map((level) => level.replace(/\//g, '.')).join('/');
}

/** Single-quotes a word for sh. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
