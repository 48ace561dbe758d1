// EdgeIngress validates each of its own props where it reads them, with the shared checks and its own
// property paths (`virtualIp`, `healthCheck.fall`, `nodes[1].name`, `traefik.webPort`), before it builds
// the parts. The parts check again with their own names; after this pass they find nothing.
// Internal: not re-exported from index.ts.
import { validatePinnedImage } from '../image';
import { LvsScheduler, VrrpVersion } from '../keepalived/conf/enums';
import { KeepalivedPrivilege } from '../keepalived/pod/keepalived-daemon-set';
import { resolveNodes } from '../keepalived/conf/node';
import { MAX_PERSISTENCE_SECONDS } from '../keepalived/conf/virtual-server';
import { MAX_SCRIPT_FALL_RISE, MAX_SCRIPT_SECONDS } from '../keepalived/conf/vrrp-script';
import { resolveTraefikProps, TraefikPropPath } from '../traefik/_props';
import { TraefikDaemonSetProps } from '../traefik/traefik-daemon-set';
import type { TraefikOptions } from '../traefik/traefik-options';
import {
  AddressWithPrefix, canonical, checkArray, checkBoolean, checkEnum, checkInSubnet, checkInteger, checkInterfaceName,
  checkIp, checkIpWithOptionalPrefix, checkNumber, checkObject, checkSubnet, checkVrrpPassword, collectThrown,
  enumValues, inSubnet, isMultipleOf, Problems, show, Subnet,
} from '../validation/checks';
import { checkNodeName } from '../validation/kubernetes';
import type { EdgeIngressProps, EdgeNode } from './edge-ingress';

/**
 * Where each TraefikDaemonSet prop that is not a shared TraefikOptions setting comes from in EdgeIngressProps
 * (a shared setting `x` is `traefik.x`). A Record over exactly those props, so a new one does not compile until
 * it says how EdgeIngress names it.
 */
const EDGE_DERIVED_PATHS: Record<Exclude<keyof TraefikDaemonSetProps, keyof TraefikOptions>, string> = {
  namespace: 'namespace',
  name: 'traefik.name',
  nodeSelectorLabel: 'nodeLabel',
  metricsPort: 'traefik.metricsPort',
  healthPort: 'traefik.healthPort',
  ingressEndpointIp: 'virtualIp',
  // Derived from the health check (how long keepalived needs to move the VIP away).
  terminationGracePeriodSeconds: 'healthCheck',
  requestAcceptGraceSeconds: 'healthCheck',
  tolerations: 'tolerations',
};

export const EDGE_TRAEFIK_PATHS: TraefikPropPath = (prop) =>
  (prop in EDGE_DERIVED_PATHS ? EDGE_DERIVED_PATHS[prop as keyof typeof EDGE_DERIVED_PATHS] : `traefik.${prop}`);

/**
 * Checks every EdgeIngress prop and the Traefik props derived from them; throws one Error listing all
 * problems, each naming the EdgeIngressProps path and the value.
 */
export function validateEdgeProps(props: EdgeIngressProps, traefik: TraefikDaemonSetProps, nodes: EdgeNode[]): void {
  const p = new Problems();
  // Node names are Kubernetes node names: keepalived's config-id is spec.nodeName, so a name the API
  // server would never accept leaves that node without its priority.
  if (Array.isArray(nodes)) nodes.forEach((node, i) => checkNodeName(p, `nodes[${i}].name`, node?.name));
  // Addresses, priorities, duplicates and families: the keepalived model's checks use the same paths.
  const resolvedNodes = resolveNodes(p, nodes);

  const subnet = checkSubnet(p, 'subnet', props.subnet);
  if (subnet !== undefined) {
    for (const node of resolvedNodes) {
      checkInSubnet(p, `nodes[${node.index}].address`, node.ip, subnet, 'subnet');
    }
  }
  const nodeAddresses = new Map(resolvedNodes.map((n) => [n.address, n.index]));
  const vip = checkIp(p, 'virtualIp', props.virtualIp);
  const vips: Array<[string, AddressWithPrefix | undefined]> = [
    ['virtualIp', vip === undefined ? undefined : { ip: vip, prefix: vip.kind() === 'ipv4' ? 32 : 128 }],
  ];
  if (props.additionalVirtualIps !== undefined) {
    (checkArray<string>(p, 'additionalVirtualIps', props.additionalVirtualIps) ?? []).forEach((raw, i) => {
      const path = `additionalVirtualIps[${i}]`;
      vips.push([path, checkIpWithOptionalPrefix(p, path, raw)]);
    });
  }
  checkVips(p, vips, nodeAddresses, subnet);

  checkInterfaceName(p, 'interface', props.interface ?? 'eth0');
  checkInteger(p, 'virtualRouterId', props.virtualRouterId ?? 51, 1, 255);
  const version = checkEnum(p, 'vrrpVersion', props.vrrpVersion ?? VrrpVersion.V3, [VrrpVersion.V2, VrrpVersion.V3]);
  if (version === VrrpVersion.V2 && (vip?.kind() === 'ipv6' || subnet?.network.kind() === 'ipv6')) {
    p.add('vrrpVersion 2 cannot be used with IPv6 addresses (keepalived always uses VRRPv3 for IPv6)');
  }
  checkAdvertInterval(p, version, props.advertIntervalSeconds);
  if (props.preempt !== undefined) checkBoolean(p, 'preempt', props.preempt);

  if (props.vrrpAuthPassword !== undefined) {
    if (version !== VrrpVersion.V2) {
      p.add(`vrrpAuthPassword needs vrrpVersion 2: keepalived ignores authentication with VRRP version ${version}`);
    }
    checkVrrpPassword(p, 'vrrpAuthPassword', props.vrrpAuthPassword);
  }

  const health = props.healthCheck === undefined ? {} : checkObject<object>(p, 'healthCheck', props.healthCheck);
  if (props.healthCheck !== undefined && props.loadBalancing !== undefined) {
    p.add('healthCheck applies without loadBalancing only: with loadBalancing the VIP does not follow the local Traefik'
      + ' (the directors check every node\'s Traefik and stop sending it new connections); remove healthCheck');
  }
  if (health !== undefined) {
    const check = props.healthCheck ?? {};
    checkInteger(p, 'healthCheck.intervalSeconds', check.intervalSeconds ?? 1, 1, MAX_SCRIPT_SECONDS);
    checkInteger(p, 'healthCheck.fall', check.fall ?? 2, 1, MAX_SCRIPT_FALL_RISE);
    checkInteger(p, 'healthCheck.rise', check.rise ?? 2, 1, MAX_SCRIPT_FALL_RISE);
  }

  if (props.loadBalancing !== undefined && checkObject<object>(p, 'loadBalancing', props.loadBalancing) !== undefined) {
    checkEnum(p, 'loadBalancing.scheduler', props.loadBalancing.scheduler ?? LvsScheduler.MAGLEV_HASHING, enumValues(LvsScheduler));
    if (props.loadBalancing.persistenceTimeoutSeconds !== undefined) {
      checkInteger(p, 'loadBalancing.persistenceTimeoutSeconds', props.loadBalancing.persistenceTimeoutSeconds, 1,
        MAX_PERSISTENCE_SECONDS);
    }
  }

  if (props.traefik !== undefined) checkObject<object>(p, 'traefik', props.traefik);
  if (props.keepalived !== undefined) checkObject<object>(p, 'keepalived', props.keepalived);
  if (props.keepalived?.image !== undefined) collectThrown(p, () => validatePinnedImage(props.keepalived!.image!, 'keepalived.image'));
  if (props.keepalived?.privilege !== undefined) {
    checkEnum(p, 'keepalived.privilege', props.keepalived.privilege, enumValues(KeepalivedPrivilege));
  }

  if (subnet !== undefined) checkTrustNotEdgeSubnet(p, props, subnet);

  // The Traefik props, including namespace and nodeLabel (shared by both DaemonSets). The VIP was
  // checked above: an invalid one is not reported a second time as Traefik's ingress endpoint.
  resolveTraefikProps(p, { ...traefik, ingressEndpointIp: vip === undefined ? undefined : traefik.ingressEndpointIp },
    EDGE_TRAEFIK_PATHS);
  p.throwIfAny();
}

/** The VIPs: inside the subnet, not a node's address, not listed twice, prefix not shorter than the subnet. */
function checkVips(
  p: Problems, vips: Array<[string, AddressWithPrefix | undefined]>, nodeAddresses: Map<string, number>,
  subnet: Subnet | undefined,
): void {
  const seen = new Map<string, string>();
  for (const [path, vip] of vips) {
    if (vip === undefined) continue;
    const key = canonical(vip.ip);
    const other = seen.get(key);
    if (other !== undefined) {
      p.add(`${path} "${key}" duplicates ${other}`);
      continue;
    }
    seen.set(key, path);
    const node = nodeAddresses.get(key);
    if (node !== undefined) {
      // keepalived would delete the node's own address when the VIP moves away.
      p.add(`${path} "${key}" equals nodes[${node}].address`);
      continue;
    }
    if (subnet !== undefined && checkInSubnet(p, path, vip.ip, subnet, 'subnet') && vip.prefix < subnet.prefix) {
      p.add(`${path} "${key}/${vip.prefix}" has a prefix shorter than subnet "${subnet.text}"`);
    }
  }
}

/**
 * Trusting a range that holds the whole edge subnet (the subnet itself, a supernet, 0.0.0.0/0) lets any host
 * there forge client addresses. Single proxies inside the subnet are fine.
 */
function checkTrustNotEdgeSubnet(p: Problems, props: EdgeIngressProps, subnet: Subnet): void {
  const lists: Array<[string, string[] | undefined]> = [];
  for (const entryPoint of ['webTrustedProxies', 'websecureTrustedProxies'] as const) {
    const trust = props.traefik?.[entryPoint];
    lists.push([`traefik.${entryPoint}.forwardedHeaders`, trust?.forwardedHeaders]);
    lists.push([`traefik.${entryPoint}.proxyProtocol`, trust?.proxyProtocol]);
  }
  for (const [path, list] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => {
      // Malformed entries are reported by the Traefik checks; only well-formed CIDRs are compared here.
      const cidr = typeof entry === 'string' && entry.includes('/') ? checkSubnet(new Problems(), path, entry) : undefined;
      if (cidr !== undefined && cidr.prefix <= subnet.prefix && inSubnet(subnet.network, cidr)) {
        p.add(`${path}[${i}] ${show(entry)} contains the whole edge subnet "${subnet.text}": every host there could `
          + 'forge client addresses; list only the proxies in front of the edge');
      }
    });
  }
}

/** VRRPv3 counts in 10 ms units up to 40.95 s; VRRPv2 in whole seconds up to 255. */
function checkAdvertInterval(p: Problems, version: VrrpVersion | undefined, value: number | undefined): void {
  if (version === VrrpVersion.V3) {
    const interval = checkNumber(p, 'advertIntervalSeconds', value ?? 0.2, 0.01, 40.95);
    if (interval !== undefined && !isMultipleOf(interval, 0.01)) {
      p.add(`advertIntervalSeconds ${interval} is not a multiple of 0.01 (VRRPv3 uses 10 ms units)`);
    }
  } else if (version === VrrpVersion.V2) {
    if (typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value)) {
      p.add(`advertIntervalSeconds ${value} is not a whole number of seconds (fractions need VrrpVersion.V3)`);
    } else {
      checkInteger(p, 'advertIntervalSeconds', value ?? 1, 1, 255);
    }
  }
}

