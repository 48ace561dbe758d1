/** IPv4 helpers for picking lab addresses (pure). */

export function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`bad IPv4 address ${ip}`);
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3];
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function sameSubnet(a: string, b: string, prefix: number): boolean {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (ipToInt(a) & mask) >>> 0 === (ipToInt(b) & mask) >>> 0;
}

/** A host address in the VIP's subnet that nobody else uses, searched downwards from the top. */
export function pickFreeAddress(vip: string, prefix: number, used: readonly string[]): string {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const net = (ipToInt(vip) & mask) >>> 0;
  const size = 2 ** (32 - prefix);
  const taken = new Set([vip, ...used].map(ipToInt));
  // Prefer .200-ish in a /24, avoiding network and broadcast addresses.
  for (let off = Math.min(200, size - 2); off >= 1; off--) {
    const cand = net + off;
    if (!taken.has(cand)) return intToIp(cand);
  }
  throw new Error(`no free address in ${intToIp(net)}/${prefix}`);
}
