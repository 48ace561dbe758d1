import { ConfWriter } from './conf-writer';
import { VrrpState, VrrpVersion } from './enums';
import { ResolvedNode } from './node';
import {
  AddressWithPrefix, canonical, checkAbsolutePath, checkArray, checkBoolean, checkCommand, checkEnum,
  checkInSubnet, checkInteger, checkInterfaceName, checkIpWithOptionalPrefix, checkNumber, checkObject,
  checkSubnet, checkWord, formatSeconds, isMultipleOf, Problems, show, Subnet,
} from '../../validation/checks';
import { ResolvedScript } from './vrrp-script';

/**
 * The VRRP instance that holds the virtual IP addresses. One instance serves all nodes; per-node
 * values are rendered as `@<node>` conditional lines.
 */
export interface VrrpInstanceProps {
  /**
   * Instance name.
   * @default 'VI_EDGE'
   */
  readonly name?: string;
  /** Interface that carries VRRP and the VIPs: 1-15 characters, no whitespace, '/' or ':'. */
  readonly interface: string;
  /** VRRP router id 1-255, unique per instance on the L2 segment. */
  readonly virtualRouterId: number;
  /**
   * Virtual IP addresses: '172.20.0.119' (taken as /32, /128 for IPv6) or '172.20.0.119/32';
   * rendered as `ADDR/PREFIX dev IFACE`.
   */
  readonly virtualIpAddresses: string[];
  /** CIDR of the nodes' network, e.g. '172.20.0.0/17'; every node address and VIP must be inside it. */
  readonly subnet: string;
  /**
   * VRRP version.
   * @default VrrpVersion.V3
   */
  readonly version?: VrrpVersion;
  /**
   * Advertisement interval: with V3 0.01-40.95 in 10 ms steps, with V2 a whole number 1-255.
   * @default 0.2 with V3, 1 with V2
   */
  readonly advertIntervalSeconds?: number;
  /**
   * Initial state. MASTER renders `state MASTER` for the preferred master only (the others stay
   * BACKUP) and requires `preempt: true` without `preemptDelaySeconds`.
   * @default VrrpState.BACKUP
   */
  readonly initialState?: VrrpState;
  /**
   * Whether a higher-priority node takes the VIP back when it comes up. false renders `nopreempt`:
   * the VIP stays where it is until that node fails, avoiding a second move (flap-back).
   * @default false
   */
  readonly preempt?: boolean;
  /**
   * Seconds to wait before preempting (0-1000, 10 ms steps); only with `preempt: true` and BACKUP.
   * @default - none
   */
  readonly preemptDelaySeconds?: number;
  /**
   * Unicast adverts: `unicast_src_ip` per node and `unicast_peer` listing every other node; false uses
   * multicast. Unicast needs at least two nodes.
   * @default true
   */
  readonly unicast?: boolean;
  /**
   * Names of scripts of the config that this instance tracks.
   * @default - all scripts of the config
   */
  readonly trackScripts?: string[];
  /**
   * Command run on every state change (`notify`), starting with an absolute path.
   * @default - none
   */
  readonly notifyCommand?: string;
  /**
   * Absolute path, or bare file name (read from keepalived.conf's directory), of a file holding the
   * `authentication { ... }` block, rendered as `includea <path>` so keepalived refuses to start when the file is missing. Only with V2 (VRRPv3 has no
   * authentication in keepalived 2.2.7). See KeepalivedConfig.renderAuthenticationFile.
   * @default - no authentication
   */
  readonly authenticationFile?: string;
}

/** An instance after validation (internal). */
export interface ResolvedInstance {
  readonly name: string;
  readonly interfaceName: string;
  readonly virtualRouterId: number;
  readonly vips: AddressWithPrefix[];
  /** `ADDR/PREFIX`, canonical. */
  readonly vipTexts: string[];
  readonly subnet: Subnet;
  readonly version: VrrpVersion;
  readonly advertInterval: number;
  readonly initialState: VrrpState;
  readonly preempt: boolean;
  readonly preemptDelay?: number;
  readonly unicast: boolean;
  readonly trackScripts: string[];
  readonly notifyCommand?: string;
  readonly authenticationFile?: string;
}

/**
 * The path of an `includea`d authentication file: a bare file name (read from keepalived.conf's own directory, where
 * the DaemonSet copies the Secret next to the validated copy of keepalived.conf, so a new password is checked
 * together with the file that includes it) or an absolute path; VRRP version 2 only.
 */
export function resolveAuthenticationFile(p: Problems, path: string, value: string, version: VrrpVersion | undefined): string | undefined {
  const file = typeof value === 'string' && /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(value) ? value : checkAbsolutePath(p, path, value);
  if (version === VrrpVersion.V3) {
    p.add(`${path} ${show(value)} cannot be used with version 3 (VRRPv3 has no authentication in keepalived 2.2.7)`);
  }
  return file;
}

const VERSIONS: readonly VrrpVersion[] = [VrrpVersion.V2, VrrpVersion.V3];
const STATES: readonly VrrpState[] = [VrrpState.MASTER, VrrpState.BACKUP];

/** Validates the instance against the (already validated) nodes and scripts. */
export function resolveInstance(
  p: Problems, value: unknown, nodes: ResolvedNode[], scripts: ResolvedScript[], scriptsValid: boolean,
): ResolvedInstance | undefined {
  const inst = checkObject<VrrpInstanceProps>(p, 'instance', value);
  if (inst === undefined) {
    return undefined;
  }
  const before = p.count;
  const name = checkWord(p, 'instance.name', inst.name ?? 'VI_EDGE', 64);
  const interfaceName = checkInterfaceName(p, 'instance.interface', inst.interface);
  const virtualRouterId = checkInteger(p, 'instance.virtualRouterId', inst.virtualRouterId, 1, 255);
  const subnet = checkSubnet(p, 'instance.subnet', inst.subnet);
  const version = checkEnum(p, 'instance.version', inst.version ?? VrrpVersion.V3, VERSIONS);
  const initialState = checkEnum(p, 'instance.initialState', inst.initialState ?? VrrpState.BACKUP, STATES);
  const preempt = checkBoolean(p, 'instance.preempt', inst.preempt ?? false);
  const unicast = checkBoolean(p, 'instance.unicast', inst.unicast ?? true);

  if (subnet !== undefined) {
    for (const node of nodes) {
      checkInSubnet(p, `nodes[${node.index}].address`, node.ip, subnet);
    }
  }

  const vips = resolveVips(p, inst.virtualIpAddresses, nodes, subnet);
  const family = vips[0]?.ip.kind() ?? nodes[0]?.ip.kind() ?? subnet?.network.kind();

  if (version === VrrpVersion.V2 && family === 'ipv6') {
    p.add('instance.version 2 cannot be used with IPv6 addresses (keepalived always uses VRRPv3 for IPv6)');
  }

  let advertInterval: number | undefined;
  if (version === VrrpVersion.V3) {
    advertInterval = checkNumber(p, 'instance.advertIntervalSeconds', inst.advertIntervalSeconds ?? 0.2, 0.01, 40.95);
    if (advertInterval !== undefined && !isMultipleOf(advertInterval, 0.01)) {
      p.add(`instance.advertIntervalSeconds ${advertInterval} is not a multiple of 0.01 (VRRPv3 uses 10 ms units)`);
      advertInterval = undefined;
    } else if (advertInterval !== undefined) {
      // Drop binary noise (0.1 + 0.2) so the property equals what is rendered.
      advertInterval = Math.round(advertInterval * 100) / 100;
    }
  } else if (version === VrrpVersion.V2) {
    const raw = inst.advertIntervalSeconds ?? 1;
    if (typeof raw === 'number' && Number.isFinite(raw) && !Number.isInteger(raw)) {
      p.add(`instance.advertIntervalSeconds ${raw} is not a whole number of seconds (fractions need VrrpVersion.V3)`);
    } else {
      advertInterval = checkInteger(p, 'instance.advertIntervalSeconds', raw, 1, 255);
    }
  }

  let preemptDelay: number | undefined;
  if (inst.preemptDelaySeconds !== undefined) {
    preemptDelay = checkNumber(p, 'instance.preemptDelaySeconds', inst.preemptDelaySeconds, 0, 1000);
    if (preemptDelay !== undefined && !isMultipleOf(preemptDelay, 0.01)) {
      p.add(`instance.preemptDelaySeconds ${preemptDelay} is not a multiple of 0.01`);
    }
    if (preempt === false) {
      p.add(`instance.preemptDelaySeconds ${show(inst.preemptDelaySeconds)} requires instance.preempt true `
        + '(nopreempt never preempts)');
    }
    if (initialState === VrrpState.MASTER) {
      p.add(`instance.preemptDelaySeconds ${show(inst.preemptDelaySeconds)} does not work with instance.initialState `
        + 'MASTER (keepalived clears it)');
    }
  }
  if (initialState === VrrpState.MASTER && preempt === false) {
    p.add('instance.initialState "MASTER" does not work with nopreempt (instance.preempt false): keepalived '
      + 'clears nopreempt, so set preempt true or keep BACKUP');
  }

  if (unicast === true && nodes.length === 1) {
    // The only node would have no peer, and unicast_fault_no_peer keeps it in FAULT without the VIP.
    p.add('instance.unicast true needs at least 2 nodes (a single node has no unicast peer); '
      + 'set unicast false for a single node');
  }

  const trackScripts = resolveTrackScripts(p, inst.trackScripts, scripts, scriptsValid);
  if (preempt === false) {
    for (const script of scripts) {
      if (trackScripts.includes(script.name) && script.weight !== 0) {
        // With nopreempt a backup accepts adverts of any priority from the master, so a priority
        // change never moves the VIP: only FAULT (weight 0) makes a failing master give it up.
        const i = scripts.indexOf(script);
        p.add(`scripts[${i}].weight ${script.weight} has no effect with nopreempt (instance.preempt false): `
          + 'use weight 0 (FAULT on failure) or set preempt true');
      }
    }
  }

  const notifyCommand = inst.notifyCommand === undefined
    ? undefined : checkCommand(p, 'instance.notifyCommand', inst.notifyCommand);

  const authenticationFile = inst.authenticationFile === undefined
    ? undefined : resolveAuthenticationFile(p, 'instance.authenticationFile', inst.authenticationFile, version);

  if (p.count > before || name === undefined || interfaceName === undefined || virtualRouterId === undefined
    || subnet === undefined || version === undefined || advertInterval === undefined || initialState === undefined
    || preempt === undefined || unicast === undefined) {
    return undefined;
  }
  return {
    name, interfaceName, virtualRouterId, vips,
    vipTexts: vips.map((v) => `${canonical(v.ip)}/${v.prefix}`),
    subnet, version, advertInterval, initialState, preempt, preemptDelay, unicast, trackScripts,
    notifyCommand, authenticationFile,
  };
}

function resolveVips(
  p: Problems, value: unknown, nodes: ResolvedNode[], subnet: Subnet | undefined,
): AddressWithPrefix[] {
  const list = checkArray<string>(p, 'instance.virtualIpAddresses', value);
  if (list === undefined) {
    return [];
  }
  if (list.length === 0) {
    p.add('instance.virtualIpAddresses is empty: at least one VIP is required');
    return [];
  }
  const nodeByAddress = new Map(nodes.map((n) => [n.address, n]));
  const seen = new Map<string, number>();
  const vips: AddressWithPrefix[] = [];
  list.forEach((raw, i) => {
    const path = `instance.virtualIpAddresses[${i}]`;
    const vip = checkIpWithOptionalPrefix(p, path, raw);
    if (vip === undefined) {
      return;
    }
    const key = canonical(vip.ip);
    const other = seen.get(key);
    if (other !== undefined) {
      p.add(`${path} ${show(raw)} duplicates instance.virtualIpAddresses[${other}]`);
      return;
    }
    seen.set(key, i);
    const node = nodeByAddress.get(key);
    if (node !== undefined) {
      // keepalived would delete the node's own address when the VIP moves away.
      p.add(`${path} ${show(raw)} equals nodes[${node.index}].address`);
      return;
    }
    if (subnet !== undefined) {
      if (!checkInSubnet(p, path, vip.ip, subnet)) {
        return;
      }
      if (vip.prefix < subnet.prefix) {
        p.add(`${path} ${show(raw)} has prefix /${vip.prefix}, shorter than instance.subnet "${subnet.text}"`);
        return;
      }
    }
    vips.push(vip);
  });
  return vips;
}

function resolveTrackScripts(
  p: Problems, value: unknown, scripts: ResolvedScript[], scriptsValid: boolean,
): string[] {
  if (value === undefined) {
    return scripts.map((s) => s.name);
  }
  const names = checkArray<string>(p, 'instance.trackScripts', value) ?? [];
  const known = new Set(scripts.map((s) => s.name));
  const result: string[] = [];
  names.forEach((name, i) => {
    const path = `instance.trackScripts[${i}]`;
    if (result.includes(name)) {
      p.add(`${path} ${show(name)} is listed twice`);
    } else if (!known.has(name)) {
      // An invalid script was already reported; only claim "unknown" when all scripts were usable.
      if (scriptsValid) {
        p.add(`${path} ${show(name)} is not the name of a script in scripts`);
      }
    } else {
      result.push(name);
    }
  });
  return result;
}

/** Renders the `vrrp_instance` block; `nodes` are in render order (highest priority first). */
export function renderInstance(
  w: ConfWriter, inst: ResolvedInstance, nodes: ResolvedNode[], preferredMaster: ResolvedNode,
): void {
  w.block(`vrrp_instance ${inst.name}`, (b) => {
    if (inst.initialState === VrrpState.MASTER) {
      b.onlyFor(preferredMaster.name, 'state MASTER');
      b.exceptFor(preferredMaster.name, 'state BACKUP');
    } else {
      b.comment('every node starts as BACKUP: the priorities decide the election');
      b.line('state BACKUP');
    }
    b.line(`interface ${inst.interfaceName}`);
    b.line(`virtual_router_id ${inst.virtualRouterId}`);
    for (const node of nodes) {
      b.onlyFor(node.name, `priority ${node.priority}`);
    }
    b.line(`advert_int ${inst.version === VrrpVersion.V3 ? formatSeconds(inst.advertInterval, 2) : inst.advertInterval}`);
    if (!inst.preempt) {
      b.comment('keep the VIP where it is after a failover instead of moving it back');
      b.line('nopreempt');
    } else if (inst.preemptDelay !== undefined) {
      b.line(`preempt_delay ${formatSeconds(inst.preemptDelay, 2)}`);
    }
    if (inst.unicast) {
      for (const node of nodes) {
        b.onlyFor(node.name, `unicast_src_ip ${node.address}`);
      }
      b.comment('every node except itself');
      b.block('unicast_peer', (peers) => {
        for (const node of nodes) {
          peers.exceptFor(node.name, node.address);
        }
      });
      b.line('unicast_fault_no_peer');
    }
    if (inst.authenticationFile !== undefined) {
      b.comment('authentication block from a secret; includea refuses to start without it');
      b.line(`includea ${inst.authenticationFile}`);
    }
    b.block('virtual_ipaddress', (v) => {
      v.line(`${inst.vipTexts[0]} dev ${inst.interfaceName}`);
    });
    if (inst.vipTexts.length > 1) {
      // Adverts carry the virtual_ipaddress list and a backup drops adverts whose list differs from its own
      // (measured: "unexpected ip number count", then a second master). Excluded addresses are not advertised,
      // so adding or removing one reloads without a second VIP holder while nodes run old and new files.
      b.comment('more VIPs: they move with the first one but are not advertised, so changing them is a live reload');
      b.block('virtual_ipaddress_excluded', (v) => {
        for (const vip of inst.vipTexts.slice(1)) {
          v.line(`${vip} dev ${inst.interfaceName}`);
        }
      });
    }
    if (inst.trackScripts.length > 0) {
      b.block('track_script', (t) => {
        for (const name of inst.trackScripts) {
          t.line(name);
        }
      });
    }
    if (inst.notifyCommand !== undefined) {
      b.line(`notify "${inst.notifyCommand}"`);
    }
  });
}
