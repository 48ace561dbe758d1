/**
 * EdgeIngress builds its parts (the keepalived model, the two DaemonSets) from its own props. Their errors
 * name their own props; these tables put them back into the terms the EdgeIngress user wrote, so that
 * `instance.virtualIpAddresses[0] "x" …` reads `virtualIp "x" …`.
 */
export type Rename = [RegExp, (...groups: string[]) => string];

export const TRAEFIK_PROP_NAMES: Rename[] = [
  [/\bingressEndpointIp\b/g, () => 'virtualIp'],
  [/(?<![.\w])(image|webPort|websecurePort|adminPort|healthPort|ingressClassName)\b/g, (_m, name) => `traefik.${name}`],
];

export const KEEPALIVED_MODEL_PROP_NAMES: Rename[] = [
  [/\binstance\.virtualIpAddresses\[0\]/g, () => 'virtualIp'],
  [/\binstance\.virtualIpAddresses\[(\d+)\]/g, (_m, i) => `additionalVirtualIps[${Number(i) - 1}]`],
  [/\binstance\.(subnet|interface|virtualRouterId|advertIntervalSeconds|preempt)\b/g, (_m, name) => name],
  [/\binstance\.version\b/g, () => 'vrrpVersion'],
  [/\bscripts\[0\]\.(intervalSeconds|fall|rise)\b/g, (_m, name) => `healthCheck.${name}`],
  [/\bvirtualServers\[\d+\]\.(scheduler|persistenceTimeoutSeconds)\b/g, (_m, name) => `loadBalancing.${name}`],
];

export const KEEPALIVED_DAEMON_SET_PROP_NAMES: Rename[] = [
  [/(?<![.\w])(image|privilege)\b/g, (_m, name) => `keepalived.${name}`],
];

/** Runs `build`; an error it throws is re-thrown with its property names renamed by `renames`. */
export function inEdgeTerms<T>(renames: Rename[], build: () => T): T {
  try {
    return build();
  } catch (error) {
    let message = (error as Error).message;
    for (const [pattern, rename] of renames) {
      message = message.replace(pattern, (...match) => rename(...(match.slice(0, -2) as string[])));
    }
    throw new Error(message);
  }
}
