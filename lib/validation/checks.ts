/*
 * Shared prop checks for every construct (keepalived model, Traefik, EdgeIngress). Every check takes the
 * property path as the caller's user wrote it, reports into a Problems list and returns the usable value
 * (or undefined), so one construction reports all mistakes at once and later checks can skip values that
 * are already known to be broken instead of piling up follow-on errors.
 *
 * Internal: not re-exported from index.ts.
 */
import * as ipaddr from 'ipaddr.js';

/** Collected validation messages; each names the property path and the offending value. */
export class Problems {
  private readonly messages: string[] = [];

  public add(message: string): void {
    this.messages.push(message);
  }

  public get count(): number {
    return this.messages.length;
  }

  /** Throws one Error listing every problem, one per line. */
  public throwIfAny(): void {
    if (this.messages.length > 0) {
      throw new Error(this.messages.join('\n'));
    }
  }
}

/**
 * Runs a check that throws instead of reporting (the node-label and image helpers, which take the
 * property path too) and collects its message.
 */
export function collectThrown(p: Problems, check: () => void): void {
  try {
    check();
  } catch (error) {
    p.add((error as Error).message);
  }
}

/** Renders a value for a message: numbers bare, strings quoted. */
export function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (value === undefined) {
    return 'undefined';
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function rangeText(min: number, max: number): string {
  return min < 0 ? `${min} to ${max}` : `${min}-${max}`;
}

/** An integer in [min, max]. */
export function checkInteger(p: Problems, path: string, value: unknown, min: number, max: number): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    p.add(`${path} ${show(value)} is not an integer`);
    return undefined;
  }
  return checkNumber(p, path, value, min, max);
}

/** A finite number in [min, max]. */
export function checkNumber(p: Problems, path: string, value: unknown, min: number, max: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    p.add(`${path} ${show(value)} is not a number`);
    return undefined;
  }
  if (value < min || value > max) {
    p.add(`${path} ${value} is outside ${rangeText(min, max)}`);
    return undefined;
  }
  return value;
}

/** A boolean (JavaScript callers may pass anything). */
export function checkBoolean(p: Problems, path: string, value: unknown): boolean | undefined {
  if (typeof value !== 'boolean') {
    p.add(`${path} ${show(value)} is not a boolean`);
    return undefined;
  }
  return value;
}

/** One of the values of an enum; guards JavaScript callers that pass plain (possibly wrong-case) strings. */
export function checkEnum<T extends string | number>(
  p: Problems, path: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (!(allowed as readonly unknown[]).includes(value)) {
    p.add(`${path} ${show(value)} is not one of ${allowed.join(', ')}`);
    return undefined;
  }
  return value as T;
}

/** The string values of a string enum. */
export function enumValues<T extends string>(e: Record<string, T>): T[] {
  return Object.values(e);
}

/** A non-empty array (JavaScript callers may pass anything). */
export function checkArray<T>(p: Problems, path: string, value: unknown): T[] | undefined {
  if (!Array.isArray(value)) {
    p.add(`${path} ${show(value)} is not an array`);
    return undefined;
  }
  return value as T[];
}

/** A plain object (JavaScript callers may pass anything). */
export function checkObject<T>(p: Problems, path: string, value: unknown): T | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    p.add(`${path} ${show(value)} is not an object`);
    return undefined;
  }
  return value as T;
}

/**
 * Keyword-like names (instance, script): keepalived takes them as one word, and they appear in
 * `lvs_sync_daemon` and `track_script`, so keep them to characters its parser never treats specially.
 */
export function checkWord(p: Problems, path: string, value: unknown, maxLength: number): string | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(value) || value.length > maxLength) {
    p.add(`${path} ${show(value)} must be 1-${maxLength} characters of letters, digits, '_', '.' or '-' `
      + 'and start with a letter, digit or \'_\'');
    return undefined;
  }
  return value;
}

/**
 * A network interface name as the kernel accepts it (dev_valid_name: 1-15 bytes, not "." or "..",
 * no '/', ':' or whitespace), further limited to characters keepalived's parser and sh pass through as-is.
 */
export function checkInterfaceName(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 1 || value.length > 15 || value === '.' || value === '..'
    || !/^[A-Za-z0-9_.@+=-]+$/.test(value)) {
    p.add(`${path} ${show(value)} is not a valid interface name (1-15 characters, no whitespace, '/' or ':')`);
    return undefined;
  }
  return value;
}

/** Whether text contains an ASCII control character (C0 or DEL). */
export function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}

/**
 * Characters that keepalived's line parser interprets outside quotes: comments ('#', '!'),
 * parameter substitution ('$'), blocks ('{', '}'), quoting ('"') and line continuation ('\').
 */
const KEEPALIVED_SPECIAL = /[#!$"{}\\]/;

/** An absolute file path that keepalived reads as a single unquoted word. */
export function checkAbsolutePath(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length < 2 || /\s/.test(value) || hasControlChar(value)
    || KEEPALIVED_SPECIAL.test(value) || /[*?[\]]/.test(value)) {
    p.add(`${path} ${show(value)} must be an absolute path without whitespace, glob or keepalived special characters`);
    return undefined;
  }
  return value;
}

/**
 * A command line rendered inside double quotes (`script "..."`, `notify "..."`). keepalived runs it
 * without a shell when the first word is an executable, and script security needs an absolute path.
 */
export function checkCommand(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    p.add(`${path} ${show(value)} must be a non-empty command line`);
    return undefined;
  }
  if (hasControlChar(value)) {
    p.add(`${path} ${show(value)} must be a single line without control characters`);
    return undefined;
  }
  if (value.includes('"') || value.includes('\\')) {
    p.add(`${path} ${show(value)} must not contain '"' or '\\' (it is rendered as a double-quoted keepalived string)`);
    return undefined;
  }
  if (!value.startsWith('/')) {
    p.add(`${path} ${show(value)} must start with the absolute path of the program (script security checks it)`);
    return undefined;
  }
  return value;
}

/** A parsed IP address. */
export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** Address family name used in messages. */
export function familyOf(ip: IpAddress): string {
  return ip.kind() === 'ipv4' ? 'IPv4' : 'IPv6';
}

/** Host prefix length of the family (/32 or /128). */
export function hostPrefix(ip: IpAddress): number {
  return ip.kind() === 'ipv4' ? 32 : 128;
}

/** Canonical text of an address: dotted quad, or RFC 5952 for IPv6. */
export function canonical(ip: IpAddress): string {
  return ip.kind() === 'ipv4' ? ip.toString() : (ip as ipaddr.IPv6).toRFC5952String();
}

/** Parses a strict address: four-part decimal IPv4 or IPv6 without a zone index. */
function parseStrict(value: string): IpAddress | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) {
    return ipaddr.IPv4.parse(value);
  }
  // ipaddr.js also accepts '1.2.3' or '0x0a.0.0.1' as IPv4; only full dotted-quad and IPv6 are accepted here.
  if (!value.includes('.') || value.includes(':')) {
    if (ipaddr.IPv6.isValid(value)) {
      const v6 = ipaddr.IPv6.parse(value);
      return v6.zoneId === undefined ? v6 : undefined;
    }
  }
  return undefined;
}

/** Why an address cannot be a host address, or undefined when it can. */
function nonHostRange(ip: IpAddress): string | undefined {
  const range = ip.range();
  return range === 'unspecified' || range === 'loopback' || range === 'multicast' || range === 'broadcast'
    ? range : undefined;
}

/** A usable unicast host address (not unspecified, loopback, multicast or broadcast). */
export function checkIp(p: Problems, path: string, value: unknown): IpAddress | undefined {
  return checkHostAddress(p, path, value, typeof value === 'string' ? value : undefined);
}

/** `address` (the address part of `value`) as a unicast host address; problems quote the whole `value`. */
function checkHostAddress(p: Problems, path: string, value: unknown, address: string | undefined): IpAddress | undefined {
  const ip = address === undefined ? undefined : parseStrict(address);
  if (ip === undefined) {
    p.add(`${path} ${show(value)} is not a valid IP address`);
    return undefined;
  }
  const range = nonHostRange(ip);
  if (range !== undefined) {
    p.add(`${path} ${show(value)} is a ${range} address, not a host address`);
    return undefined;
  }
  return ip;
}

/** Splits `ADDR/PREFIX`; the prefix must be plain decimal. */
function splitPrefix(value: string): [string, number | undefined] | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) {
    return [value, undefined];
  }
  const prefix = value.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefix)) {
    return undefined;
  }
  return [value.slice(0, slash), Number(prefix)];
}

/** An address with an optional prefix (host prefix when absent). */
export interface AddressWithPrefix {
  readonly ip: IpAddress;
  readonly prefix: number;
}

/** `ADDR` or `ADDR/PREFIX`; a missing prefix means the host prefix (/32, /128). */
export function checkIpWithOptionalPrefix(p: Problems, path: string, value: unknown): AddressWithPrefix | undefined {
  const parts = typeof value === 'string' ? splitPrefix(value) : undefined;
  if (parts === undefined) {
    p.add(`${path} ${show(value)} is not a valid IP address or ADDRESS/PREFIX`);
    return undefined;
  }
  const ip = checkHostAddress(p, path, value, parts[0]);
  if (ip === undefined) {
    return undefined;
  }
  const prefix = parts[1] ?? hostPrefix(ip);
  if (prefix < 1 || prefix > hostPrefix(ip)) {
    p.add(`${path} ${show(value)} has prefix /${prefix} outside 1-${hostPrefix(ip)}`);
    return undefined;
  }
  return { ip, prefix };
}

/** A subnet in CIDR notation with no host bits set. */
export interface Subnet {
  readonly network: IpAddress;
  readonly prefix: number;
  /** Canonical `NETWORK/PREFIX`. */
  readonly text: string;
}

/** `NETWORK/PREFIX` with host bits zero. */
export function checkSubnet(p: Problems, path: string, value: unknown): Subnet | undefined {
  const parts = typeof value === 'string' ? splitPrefix(value) : undefined;
  const ip = parts !== undefined && parts[1] !== undefined ? parseStrict(parts[0]) : undefined;
  if (parts === undefined || parts[1] === undefined || ip === undefined || parts[1] > hostPrefix(ip)) {
    p.add(`${path} ${show(value)} is not a valid CIDR subnet (e.g. 172.20.0.0/17)`);
    return undefined;
  }
  const prefix = parts[1];
  const network = networkAddress(ip, prefix);
  if (canonical(network) !== canonical(ip)) {
    p.add(`${path} ${show(value)} has host bits set (did you mean ${canonical(network)}/${prefix})`);
    return undefined;
  }
  return { network, prefix, text: `${canonical(network)}/${prefix}` };
}

/** The network address of ip/prefix. */
export function networkAddress(ip: IpAddress, prefix: number): IpAddress {
  const cidr = `${ip.toString()}/${prefix}`;
  return ip.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
}

/** The IPv4 broadcast address of ip/prefix (undefined for IPv6, which has none). */
export function broadcastAddress(ip: IpAddress, prefix: number): IpAddress | undefined {
  return ip.kind() === 'ipv4' ? ipaddr.IPv4.broadcastAddressFromCIDR(`${ip.toString()}/${prefix}`) : undefined;
}

/** Whether ip lies inside the subnet (and has its family). */
export function inSubnet(ip: IpAddress, subnet: Subnet): boolean {
  return ip.kind() === subnet.network.kind() && ip.match(subnet.network, subnet.prefix);
}

/**
 * Checks that a host address fits the nodes' subnet: same family, inside it, and not its network or
 * (IPv4) broadcast address. Returns false after reporting a problem.
 */
export function checkInSubnet(
  p: Problems, path: string, ip: IpAddress, subnet: Subnet, subnetPath = 'instance.subnet'): boolean {
  const text = canonical(ip);
  if (ip.kind() !== subnet.network.kind()) {
    p.add(`${path} "${text}" is ${familyOf(ip)} but ${subnetPath} "${subnet.text}" is ${familyOf(subnet.network)}`);
    return false;
  }
  if (!inSubnet(ip, subnet)) {
    p.add(`${path} "${text}" is outside ${subnetPath} "${subnet.text}"`);
    return false;
  }
  const host = hostPrefix(ip);
  // /31 and /32 (/127, /128) have no network or broadcast address to avoid (RFC 3021).
  if (subnet.prefix < host - 1) {
    if (text === canonical(subnet.network)) {
      p.add(`${path} "${text}" is the network address of ${subnetPath} "${subnet.text}"`);
      return false;
    }
    const broadcast = broadcastAddress(subnet.network, subnet.prefix);
    if (broadcast !== undefined && text === canonical(broadcast)) {
      p.add(`${path} "${text}" is the broadcast address of ${subnetPath} "${subnet.text}"`);
      return false;
    }
  }
  return true;
}

/**
 * Formats seconds for keepalived: at most `decimals` fractional digits, no trailing zeros,
 * never exponent notation.
 */
export function formatSeconds(value: number, decimals: number): string {
  const scale = 10 ** decimals;
  const fixed = (Math.round(value * scale) / scale).toFixed(decimals);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/** Whether value is a whole multiple of step (tolerating binary floating point error). */
export function isMultipleOf(value: number, step: number): boolean {
  const q = value / step;
  return Math.abs(q - Math.round(q)) < 1e-6;
}

/**
 * A trusted-proxy entry as Traefik takes it (`forwardedHeaders.trustedIPs`, `proxyProtocol.trustedIPs`):
 * a single address, or a CIDR with no host bits set (a set host bit usually means a typo in the prefix).
 */
export function checkAddressOrCidr(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value === 'string' && !value.includes('/')) {
    const ip = parseStrict(value);
    if (ip === undefined) {
      p.add(`${path} ${show(value)} is not a valid IP address or CIDR (e.g. 10.0.0.0/8)`);
      return undefined;
    }
    return canonical(ip);
  }
  return checkSubnet(p, path, value)?.text;
}

/** keepalived truncates longer VRRPv2 passwords to 8 characters. */
export const MAX_VRRP_PASSWORD_LENGTH = 8;

/** A VRRPv2 PASS password that keepalived reads back exactly as given. */
export function checkVrrpPassword(p: Problems, path: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    p.add(`${path} must not be empty`);
    return undefined;
  }
  if (value.length > MAX_VRRP_PASSWORD_LENGTH) {
    // keepalived would silently use only the first 8 characters.
    p.add(`${path} has ${value.length} characters, at most ${MAX_VRRP_PASSWORD_LENGTH} are used by keepalived`);
    return undefined;
  }
  if (!/^[\x21-\x7e]+$/.test(value)) {
    p.add(`${path} must be printable ASCII without whitespace`);
    return undefined;
  }
  if (/[#!$"{}\\]/.test(value)) {
    // Comments, substitution, quoting and blocks would change what keepalived reads.
    p.add(`${path} must not contain # ! $ " { } or \\ (keepalived parses them)`);
    return undefined;
  }
  return value;
}
