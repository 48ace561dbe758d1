import {
  canonical, checkArray, checkInteger, checkIp, checkObject, IpAddress, Problems, show,
} from '../../validation/checks';

/**
 * One node taking part in the VRRP election (and, with IPVS, one director and real server).
 */
export interface KeepalivedNode {
  /**
   * keepalived config-id of the node, normally the Kubernetes node name. keepalived must be started
   * with `-i <name>`: its default config-id is the hostname cut at the first '.', which breaks names
   * that are IP addresses (e.g. '172.20.0.113') or FQDNs.
   */
  readonly name: string;
  /** Address of the node on the VRRP interface (unicast_src_ip, unicast peer, real server), IPv4 or IPv6. */
  readonly address: string;
  /** VRRP priority 1-254, distinct per node (255 is reserved for the address owner). */
  readonly priority: number;
}

/** A node after validation (internal). */
export interface ResolvedNode {
  /** Position in the `nodes` prop, for messages. */
  readonly index: number;
  readonly name: string;
  readonly ip: IpAddress;
  /** Canonical address text. */
  readonly address: string;
  readonly priority: number;
}

/** keepalived cannot use more nodes than distinct priorities 1..254. */
export const MAX_NODES = 254;

/** Kubernetes' limit for a node name (DNS subdomain). */
const MAX_NAME_LENGTH = 253;

/**
 * Checks a config-id. keepalived compares the word right after '@' with `-i`, so the name must be one
 * word; '^' at the start would invert the condition, and '#', '!', '$', '{', '}', '"' and '\' are
 * interpreted by the parser. Kubernetes node names (DNS subdomains, also IP addresses) always fit the
 * allowed set of letters, digits, '.', '-' and '_'.
 */
export function checkConfigId(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') {
    p.add(`${path} ${show(value)} must be a non-empty keepalived config-id`);
    return undefined;
  }
  if (value.length > MAX_NAME_LENGTH || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) {
    p.add(`${path} ${show(value)} cannot be used as a keepalived config-id: use at most ${MAX_NAME_LENGTH} `
      + 'letters, digits, \'.\', \'-\' or \'_\', starting with a letter or digit');
    return undefined;
  }
  return value;
}

/** Validates the node list: names, addresses (family and duplicates), priorities. */
export function resolveNodes(p: Problems, value: unknown): ResolvedNode[] {
  const nodes = checkArray<KeepalivedNode>(p, 'nodes', value);
  if (nodes === undefined) {
    return [];
  }
  if (nodes.length === 0) {
    p.add('nodes is empty: at least one node is required');
    return [];
  }
  if (nodes.length > MAX_NODES) {
    p.add(`nodes has ${nodes.length} entries, at most ${MAX_NODES} are allowed (one distinct priority 1-254 each)`);
    return [];
  }
  const resolved: ResolvedNode[] = [];
  const names = new Map<string, number>();
  const addresses = new Map<string, number>();
  const priorities = new Map<number, number>();
  nodes.forEach((raw, i) => {
    const path = `nodes[${i}]`;
    const node = checkObject<KeepalivedNode>(p, path, raw);
    if (node === undefined) {
      return;
    }
    const name = checkConfigId(p, `${path}.name`, node.name);
    const ip = checkIp(p, `${path}.address`, node.address);
    const priority = checkInteger(p, `${path}.priority`, node.priority, 1, 254);
    if (name !== undefined) {
      const other = names.get(name);
      if (other !== undefined) {
        p.add(`${path}.name "${name}" duplicates nodes[${other}].name`);
      } else {
        names.set(name, i);
      }
    }
    if (ip !== undefined) {
      const key = canonical(ip);
      const other = addresses.get(key);
      if (other !== undefined) {
        p.add(`${path}.address "${node.address}" duplicates nodes[${other}].address`);
      } else {
        addresses.set(key, i);
      }
    }
    if (priority !== undefined) {
      const other = priorities.get(priority);
      if (other !== undefined) {
        // Equal priorities make the election depend on IP order and stop preemption between them.
        p.add(`${path}.priority ${priority} duplicates nodes[${other}].priority (priorities must be distinct)`);
      } else {
        priorities.set(priority, i);
      }
    }
    if (name !== undefined && ip !== undefined && priority !== undefined) {
      resolved.push({ index: i, name, ip, address: canonical(ip), priority });
    }
  });
  const families = new Set(resolved.map((n) => n.ip.kind()));
  if (families.size > 1) {
    p.add(`nodes mix IPv4 and IPv6 addresses (${resolved.map((n) => n.address).join(', ')}): use one family`);
  }
  return resolved;
}
