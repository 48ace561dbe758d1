import { ConfWriter } from './conf-writer';
import { LvsMethod, LvsProtocol, LvsScheduler } from './enums';
import { ResolvedInstance } from './vrrp-instance';
import {
  canonical, checkArray, checkEnum, checkInSubnet, checkInteger, checkIp, checkNumber, checkObject, enumValues,
  formatSeconds, IpAddress, Problems, show,
} from '../../validation/checks';

/**
 * A `TCP_CHECK`: the real server is healthy while a TCP connection succeeds.
 */
export interface TcpCheckProps {
  /**
   * Connection timeout in seconds.
   * @default 2
   */
  readonly connectTimeoutSeconds?: number;
  /**
   * Port to connect to.
   * @default - the real server port
   */
  readonly connectPort?: number;
  /**
   * Extra attempts before the real server is marked down.
   * @default 2
   */
  readonly retry?: number;
  /**
   * Seconds between attempts.
   * @default 1
   */
  readonly delayBeforeRetrySeconds?: number;
}

/**
 * An `HTTP_GET` check: the real server is healthy while the URL answers with the status code.
 */
export interface HttpGetCheckProps {
  /** URL path, e.g. '/ping'. */
  readonly path: string;
  /**
   * Expected HTTP status code.
   * @default 200
   */
  readonly statusCode?: number;
  /**
   * Port to connect to.
   * @default - the real server port
   */
  readonly connectPort?: number;
  /**
   * Connection timeout in seconds.
   * @default 2
   */
  readonly connectTimeoutSeconds?: number;
  /**
   * Extra attempts before the real server is marked down.
   * @default - keepalived's default for HTTP_GET: 1
   */
  readonly retry?: number;
  /**
   * Seconds between attempts.
   * @default - keepalived's default for HTTP_GET: 3
   */
  readonly delayBeforeRetrySeconds?: number;
}

/**
 * A real server behind a virtual server.
 */
export interface RealServerProps {
  /** Address of the real server (same family as the virtual server). */
  readonly address: string;
  /** Port 1-65535; with direct routing it must equal the virtual server port. */
  readonly port: number;
  /**
   * IPVS weight 0-65535 (0 drains the server).
   * @default 1
   */
  readonly weight?: number;
  /**
   * TCP health check (at most one of tcpCheck and httpGet).
   * @default - a TCP check with its defaults, unless httpGet is set
   */
  readonly tcpCheck?: TcpCheckProps;
  /**
   * HTTP health check (at most one of tcpCheck and httpGet).
   * @default - none
   */
  readonly httpGet?: HttpGetCheckProps;
  /**
   * On a failed check set the weight to 0 instead of removing the real server: no new connections, but the
   * director keeps forwarding the established ones (a draining Traefik finishes them).
   * @default false
   */
  readonly inhibitOnFailure?: boolean;
}

/**
 * An IPVS virtual server on one of the instance's VIPs.
 */
export interface VirtualServerProps {
  /** A VIP of the instance. */
  readonly address: string;
  /** Port 1-65535. */
  readonly port: number;
  /**
   * Protocol.
   * @default LvsProtocol.TCP
   */
  readonly protocol?: LvsProtocol;
  /**
   * Scheduler. Maglev hashing (with `mh-port`) gives every director the same client-to-server
   * mapping, so flows survive a VIP failover.
   * @default LvsScheduler.MAGLEV_HASHING
   */
  readonly scheduler?: LvsScheduler;
  /**
   * Forwarding method.
   * @default LvsMethod.DIRECT_ROUTING
   */
  readonly method?: LvsMethod;
  /**
   * Persistence timeout 1-2678400 seconds (0 is invalid in keepalived: leave unset to disable).
   * @default - no persistence
   */
  readonly persistenceTimeoutSeconds?: number;
  /**
   * Seconds between health check rounds.
   * @default 3
   */
  readonly delayLoopSeconds?: number;
  /** Real servers; with direct routing each port must equal the virtual server port. */
  readonly realServers: RealServerProps[];
}

/** Resolved TCP check (internal). */
export interface ResolvedTcpCheck {
  readonly connectTimeout: number;
  readonly connectPort?: number;
  readonly retry: number;
  readonly delayBeforeRetry: number;
}

/** Resolved HTTP check (internal). */
export interface ResolvedHttpCheck {
  readonly path: string;
  readonly statusCode: number;
  readonly connectPort?: number;
  readonly connectTimeout: number;
  readonly retry?: number;
  readonly delayBeforeRetry?: number;
}

/** Resolved health check: exactly one of the two is set (internal). */
export interface ResolvedCheck {
  readonly tcp?: ResolvedTcpCheck;
  readonly http?: ResolvedHttpCheck;
}

/** Resolved real server (internal). */
export interface ResolvedRealServer {
  readonly ip: IpAddress;
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  readonly check: ResolvedCheck;
  readonly inhibitOnFailure: boolean;
}

/** Resolved virtual server (internal). */
export interface ResolvedVirtualServer {
  readonly address: string;
  readonly port: number;
  readonly protocol: LvsProtocol;
  readonly scheduler: LvsScheduler;
  readonly method: LvsMethod;
  readonly persistenceTimeout?: number;
  readonly delayLoop: number;
  readonly realServers: ResolvedRealServer[];
}

/** `persistence_timeout` upper bound in keepalived 2.2.7 (LVS_MAX_TIMEOUT, 31 days). */
export const MAX_PERSISTENCE_SECONDS = 2678400;
/** keepalived's timer limit for connect_timeout and friends. */
const MAX_TIMER_SECONDS = 4294;

/** Validates the virtual servers against the resolved instance (VIPs, subnet). */
export function resolveVirtualServers(
  p: Problems, value: unknown, instance: ResolvedInstance | undefined,
): ResolvedVirtualServer[] {
  if (value === undefined) {
    return [];
  }
  const list = checkArray<VirtualServerProps>(p, 'virtualServers', value) ?? [];
  const vips = new Set(instance?.vips.map((v) => canonical(v.ip)));
  const seen = new Map<string, number>();
  const resolved: ResolvedVirtualServer[] = [];
  list.forEach((raw, i) => {
    const path = `virtualServers[${i}]`;
    const vs = checkObject<VirtualServerProps>(p, path, raw);
    if (vs === undefined) {
      return;
    }
    const before = p.count;
    const ip = checkIp(p, `${path}.address`, vs.address);
    if (ip !== undefined && instance !== undefined && !vips.has(canonical(ip))) {
      p.add(`${path}.address ${show(vs.address)} is not one of instance.virtualIpAddresses`);
    }
    const port = checkInteger(p, `${path}.port`, vs.port, 1, 65535);
    const protocol = checkEnum(p, `${path}.protocol`, vs.protocol ?? LvsProtocol.TCP, enumValues(LvsProtocol));
    const scheduler = checkEnum(p, `${path}.scheduler`, vs.scheduler ?? LvsScheduler.MAGLEV_HASHING,
      enumValues(LvsScheduler));
    const method = checkEnum(p, `${path}.method`, vs.method ?? LvsMethod.DIRECT_ROUTING, enumValues(LvsMethod));
    const persistenceTimeout = vs.persistenceTimeoutSeconds === undefined ? undefined
      : checkInteger(p, `${path}.persistenceTimeoutSeconds`, vs.persistenceTimeoutSeconds, 1, MAX_PERSISTENCE_SECONDS);
    const delayLoop = checkNumber(p, `${path}.delayLoopSeconds`, vs.delayLoopSeconds ?? 3, 0.001, 86400);
    if (ip !== undefined && port !== undefined && protocol !== undefined) {
      const key = `${canonical(ip)} ${port} ${protocol}`;
      const other = seen.get(key);
      if (other !== undefined) {
        p.add(`${path} ${protocol} ${show(vs.address)} port ${port} duplicates virtualServers[${other}]`);
      } else {
        seen.set(key, i);
      }
    }
    const realServers = resolveRealServers(p, path, vs.realServers, ip, port, method, instance);
    if (p.count > before || ip === undefined || port === undefined || protocol === undefined
      || scheduler === undefined || method === undefined || delayLoop === undefined) {
      return;
    }
    resolved.push({
      address: canonical(ip), port, protocol, scheduler, method, persistenceTimeout, delayLoop, realServers,
    });
  });
  return resolved;
}

function resolveRealServers(
  p: Problems, vsPath: string, value: unknown, vsIp: IpAddress | undefined, vsPort: number | undefined,
  method: LvsMethod | undefined, instance: ResolvedInstance | undefined,
): ResolvedRealServer[] {
  const path = `${vsPath}.realServers`;
  const list = checkArray<RealServerProps>(p, path, value);
  if (list === undefined) {
    return [];
  }
  if (list.length === 0) {
    p.add(`${path} is empty: at least one real server is required`);
    return [];
  }
  const vips = new Set(instance?.vips.map((v) => canonical(v.ip)));
  const seen = new Map<string, number>();
  const resolved: ResolvedRealServer[] = [];
  list.forEach((raw, i) => {
    const rsPath = `${path}[${i}]`;
    const rs = checkObject<RealServerProps>(p, rsPath, raw);
    if (rs === undefined) {
      return;
    }
    const ip = checkIp(p, `${rsPath}.address`, rs.address);
    const port = checkInteger(p, `${rsPath}.port`, rs.port, 1, 65535);
    const weight = checkInteger(p, `${rsPath}.weight`, rs.weight ?? 1, 0, 65535);
    const check = resolveCheck(p, rsPath, rs);
    const inhibitOnFailure = rs.inhibitOnFailure ?? false;
    if (typeof inhibitOnFailure !== 'boolean') {
      p.add(`${rsPath}.inhibitOnFailure ${show(rs.inhibitOnFailure)} must be true or false`);
    }
    if (ip !== undefined) {
      const key = canonical(ip);
      if (vsIp !== undefined && ip.kind() !== vsIp.kind()) {
        p.add(`${rsPath}.address ${show(rs.address)} is not in the family of ${vsPath}.address`);
      } else if (vips.has(key)) {
        p.add(`${rsPath}.address ${show(rs.address)} is a VIP, not a real server`);
      } else if (method === LvsMethod.DIRECT_ROUTING && instance !== undefined) {
        // DR only rewrites the destination MAC: real servers must share the directors' L2 network.
        checkInSubnet(p, `${rsPath}.address`, ip, instance.subnet);
      }
      if (port !== undefined) {
        const other = seen.get(`${key} ${port}`);
        if (other !== undefined) {
          p.add(`${rsPath} ${show(rs.address)} port ${port} duplicates ${path}[${other}]`);
        }
        seen.set(`${key} ${port}`, i);
      }
    }
    if (method === LvsMethod.DIRECT_ROUTING && port !== undefined && vsPort !== undefined && port !== vsPort) {
      p.add(`${rsPath}.port ${port} differs from ${vsPath}.port ${vsPort} (direct routing cannot change ports)`);
    }
    if (ip !== undefined && port !== undefined && weight !== undefined && check !== undefined) {
      resolved.push({ ip, address: canonical(ip), port, weight, check, inhibitOnFailure: inhibitOnFailure === true });
    }
  });
  if (resolved.length === list.length && resolved.every((rs) => rs.weight === 0)) {
    // keepalived warns that quorum 1 exceeds the total weight: the service could never be up.
    p.add(`${path} all have weight 0: at least one real server needs a positive weight`);
  }
  return resolved;
}

function resolveCheck(p: Problems, rsPath: string, rs: RealServerProps): ResolvedCheck | undefined {
  if (rs.tcpCheck !== undefined && rs.httpGet !== undefined) {
    p.add(`${rsPath} sets both tcpCheck and httpGet: choose one`);
    return undefined;
  }
  if (rs.httpGet !== undefined) {
    const path = `${rsPath}.httpGet`;
    const h = checkObject<HttpGetCheckProps>(p, path, rs.httpGet);
    if (h === undefined) {
      return undefined;
    }
    const before = p.count;
    if (typeof h.path !== 'string' || !h.path.startsWith('/') || !/^[\x21-\x7e]+$/.test(h.path)
      || /[#!$"{}\\]/.test(h.path)) {
      p.add(`${path}.path ${show(h.path)} must start with '/' and contain no whitespace or keepalived special characters`);
    }
    const statusCode = checkInteger(p, `${path}.statusCode`, h.statusCode ?? 200, 100, 599);
    const connectPort = h.connectPort === undefined ? undefined
      : checkInteger(p, `${path}.connectPort`, h.connectPort, 1, 65535);
    const connectTimeout = checkNumber(p, `${path}.connectTimeoutSeconds`, h.connectTimeoutSeconds ?? 2, 0.001,
      MAX_TIMER_SECONDS);
    const retry = h.retry === undefined ? undefined : checkInteger(p, `${path}.retry`, h.retry, 0, 1000);
    const delayBeforeRetry = h.delayBeforeRetrySeconds === undefined ? undefined
      : checkNumber(p, `${path}.delayBeforeRetrySeconds`, h.delayBeforeRetrySeconds, 0, MAX_TIMER_SECONDS);
    if (p.count > before || statusCode === undefined || connectTimeout === undefined) {
      return undefined;
    }
    return { http: { path: h.path, statusCode, connectPort, connectTimeout, retry, delayBeforeRetry } };
  }
  const path = `${rsPath}.tcpCheck`;
  const t = rs.tcpCheck === undefined ? {} : checkObject<TcpCheckProps>(p, path, rs.tcpCheck);
  if (t === undefined) {
    return undefined;
  }
  const connectTimeout = checkNumber(p, `${path}.connectTimeoutSeconds`, t.connectTimeoutSeconds ?? 2, 0.001,
    MAX_TIMER_SECONDS);
  const connectPort = t.connectPort === undefined ? undefined
    : checkInteger(p, `${path}.connectPort`, t.connectPort, 1, 65535);
  const retry = checkInteger(p, `${path}.retry`, t.retry ?? 2, 0, 1000);
  const delayBeforeRetry = checkNumber(p, `${path}.delayBeforeRetrySeconds`, t.delayBeforeRetrySeconds ?? 1, 0,
    MAX_TIMER_SECONDS);
  if (connectTimeout === undefined || retry === undefined || delayBeforeRetry === undefined
    || (t.connectPort !== undefined && connectPort === undefined)) {
    return undefined;
  }
  return { tcp: { connectTimeout, connectPort, retry, delayBeforeRetry } };
}

/** Timers with keepalived's microsecond resolution, without trailing zeros. */
function timer(seconds: number): string {
  return formatSeconds(seconds, 6);
}

/** Renders one `virtual_server` block. */
export function renderVirtualServer(w: ConfWriter, vs: ResolvedVirtualServer): void {
  w.block(`virtual_server ${vs.address} ${vs.port}`, (b) => {
    b.line(`delay_loop ${timer(vs.delayLoop)}`);
    b.line(`lvs_sched ${vs.scheduler}`);
    if (vs.scheduler === LvsScheduler.MAGLEV_HASHING) {
      // Hash on the source port too, so many clients behind one NAT address still spread out.
      b.line('mh-port');
      // Maglev keeps a real server of weight 0 (inhibit_on_failure, draining) in its table and, without
      // fallback, drops the new connections that hash to it; with fallback they go to the next server in
      // the flow's own order, the same on every director.
      b.line('mh-fallback');
    }
    b.line(`lvs_method ${vs.method}`);
    b.line(`protocol ${vs.protocol}`);
    if (vs.persistenceTimeout !== undefined) {
      b.line(`persistence_timeout ${vs.persistenceTimeout}`);
    }
    for (const rs of vs.realServers) {
      b.block(`real_server ${rs.address} ${rs.port}`, (r) => {
        r.line(`weight ${rs.weight}`);
        if (rs.inhibitOnFailure) {
          r.line('inhibit_on_failure');
        }
        renderCheck(r, rs.check);
      });
    }
  });
}

function renderCheck(w: ConfWriter, check: ResolvedCheck): void {
  const http = check.http;
  if (http !== undefined) {
    w.block('HTTP_GET', (h) => {
      h.block('url', (u) => {
        u.line(`path ${http.path}`);
        u.line(`status_code ${http.statusCode}`);
      });
      if (http.connectPort !== undefined) {
        h.line(`connect_port ${http.connectPort}`);
      }
      h.line(`connect_timeout ${timer(http.connectTimeout)}`);
      if (http.retry !== undefined) {
        h.line(`retry ${http.retry}`);
      }
      if (http.delayBeforeRetry !== undefined) {
        h.line(`delay_before_retry ${timer(http.delayBeforeRetry)}`);
      }
    });
  }
  const tcp = check.tcp;
  if (tcp !== undefined) {
    w.block('TCP_CHECK', (t) => {
      if (tcp.connectPort !== undefined) {
        t.line(`connect_port ${tcp.connectPort}`);
      }
      t.line(`connect_timeout ${timer(tcp.connectTimeout)}`);
      t.line(`retry ${tcp.retry}`);
      t.line(`delay_before_retry ${timer(tcp.delayBeforeRetry)}`);
    });
  }
}
