/**
 * Pure timeline logic: parsing `ip -ts monitor` / keepalived output and turning VIP events into
 * holders, moves and double-holding. All times are epoch milliseconds (fractions allowed).
 */

export type NodeEventKind = 'vip-add' | 'vip-del' | 'link-up' | 'link-down';

export interface NodeEvent {
  readonly t: number;
  readonly node: string;
  readonly kind: NodeEventKind;
}

export interface NodeState {
  vip: boolean;
  link: boolean;
}

export interface Timeline {
  readonly nodes: readonly string[];
  /** State of every node before the first event. */
  readonly initial: Readonly<Record<string, NodeState>>;
  /** Sorted by t (ties keep insertion order). */
  readonly events: readonly NodeEvent[];
}

export interface ClientSample {
  /** When the request was sent. */
  readonly start: number;
  /** When it answered or gave up. */
  readonly end: number;
  readonly ok: boolean;
  /** Node name from the answer body, null on failure. */
  readonly node: string | null;
}

export interface HoldInterval {
  readonly node: string;
  readonly from: number;
  readonly to: number;
}

export interface VipAnalysis {
  /** Times the VIP appeared on a node other than the one that took it last. */
  readonly moves: number;
  /** Milliseconds during which two or more nodes held the VIP on a live link. */
  readonly doubleHoldingMs: number;
  /** First time the VIP appeared on a node other than the holder at `from`; null if never. */
  readonly firstNewHolderAt: number | null;
  readonly firstNewHolder: string | null;
  readonly holderAtStart: string | null;
  readonly holderAtEnd: string | null;
  readonly holdersAtEnd: string[];
  /** Sequence of effective-holder changes inside the window (null = nobody). */
  readonly changes: ReadonlyArray<{ t: number; holder: string | null }>;
}

// ---------------------------------------------------------------------------------------------
// Parsing

const TS_RE = /^\[(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{1,9})\]\s?(.*)$/;

/** `[2026-11-26T14:21:21.403818]` as printed by `ip -ts` with TZ=UTC -> epoch ms. */
export function parseIpTimestamp(line: string): { t: number; rest: string } | null {
  const m = TS_RE.exec(line);
  if (!m) return null;
  const frac = Number(`0.${m[7]}`);
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) + frac * 1000;
  return { t, rest: m[8] };
}

/**
 * One line of `ip -ts monitor address link` inside a node namespace -> VIP/link event, or null
 * for lines that do not concern the VIP or the node's interface (IPv6, continuation lines, ...).
 */
export function parseMonitorLine(line: string, node: string, vip: string, iface: string): NodeEvent | null {
  const p = parseIpTimestamp(line);
  if (!p) return null;
  let rest = p.rest;
  let deleted = false;
  if (rest.startsWith('Deleted ')) {
    deleted = true;
    rest = rest.slice('Deleted '.length);
  }
  // address: "2: eth0    inet 10.77.0.100/32 scope global eth0"
  const addr = /^\d+:\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+\.\d+)\/\d+/.exec(rest);
  if (addr) {
    if (addr[2] !== vip) return null;
    return { t: p.t, node, kind: deleted ? 'vip-del' : 'vip-add' };
  }
  // link: "2: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ..."
  const link = /^\d+:\s+([^:@\s]+)(?:@[^:]+)?:\s+<([^>]*)>/.exec(rest);
  if (link) {
    if (link[1] !== iface) return null;
    if (deleted) return { t: p.t, node, kind: 'link-down' };
    return { t: p.t, node, kind: linkFlagsUp(link[2]) ? 'link-up' : 'link-down' };
  }
  return null;
}

/** A link carries traffic only when administratively UP and with carrier (LOWER_UP). */
export function linkFlagsUp(flags: string): boolean {
  const f = flags.split(',');
  return f.includes('UP') && f.includes('LOWER_UP');
}

export type VrrpState = 'MASTER' | 'BACKUP' | 'FAULT';

/** keepalived console line -> VRRP state it entered, or null. */
export function parseKeepalivedState(line: string): VrrpState | null {
  const m = /\) Entering (MASTER|BACKUP|FAULT) STATE/.exec(line);
  return m ? (m[1] as VrrpState) : null;
}

/** One line printed by lab/core/client.ts: "<start> <end> <0|1> <node|->". */
export function parseClientLine(line: string): ClientSample | null {
  const parts = line.trim().split(/\s+/);
  if (parts.length !== 4) return null;
  const start = Number(parts[0]);
  const end = Number(parts[1]);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
  const ok = parts[2] === '1';
  return { start, end, ok, node: ok && parts[3] !== '-' ? parts[3] : null };
}

// ---------------------------------------------------------------------------------------------
// Analysis

function cloneInitial(tl: Timeline): Record<string, NodeState> {
  const s: Record<string, NodeState> = {};
  for (const n of tl.nodes) s[n] = { vip: tl.initial[n]?.vip ?? false, link: tl.initial[n]?.link ?? true };
  return s;
}

function apply(state: Record<string, NodeState>, e: NodeEvent): void {
  const s = state[e.node] ?? (state[e.node] = { vip: false, link: true });
  if (e.kind === 'vip-add') s.vip = true;
  else if (e.kind === 'vip-del') s.vip = false;
  else if (e.kind === 'link-up') s.link = true;
  else s.link = false;
}

/** Nodes that hold the VIP on a live link, i.e. can actually answer for it. */
export function effectiveHolders(state: Readonly<Record<string, NodeState>>): string[] {
  return Object.keys(state)
    .filter((n) => state[n].vip && state[n].link)
    .sort();
}

export function stateAt(tl: Timeline, t: number): Record<string, NodeState> {
  const state = cloneInitial(tl);
  for (const e of tl.events) {
    if (e.t > t) break;
    apply(state, e);
  }
  return state;
}

/**
 * Sweeps the window. A VIP *move* is the VIP appearing (on a live link) on a node other than the
 * one that took it last, so a flap A→B→A counts twice and two masters appearing together count
 * once each. The *current holder* is the effective holder that took the VIP last (its gratuitous
 * ARPs are the latest the LAN has seen).
 */
export function analyzeVip(tl: Timeline, from: number, to: number): VipAnalysis {
  const state = cloneInitial(tl);
  const acquired: Record<string, number> = {};
  const effective = (): string[] => effectiveHolders(state);
  const current = (): string | null => {
    const h = effective();
    if (h.length === 0) return null;
    return h.reduce((a, b) => ((acquired[b] ?? -Infinity) > (acquired[a] ?? -Infinity) ? b : a));
  };
  /** Applies one event and returns the nodes that started holding the VIP with it. */
  const step = (e: NodeEvent): string[] => {
    const before = new Set(effective());
    apply(state, e);
    const gained = effective().filter((n) => !before.has(n));
    for (const n of gained) acquired[n] = e.t;
    return gained;
  };

  let i = 0;
  for (; i < tl.events.length && tl.events[i].t <= from; i++) step(tl.events[i]);

  const holderAtStart = current();
  let lastAcquirer = holderAtStart;
  let cur = holderAtStart;
  let moves = 0;
  let doubleMs = 0;
  let firstNewHolderAt: number | null = null;
  let firstNewHolder: string | null = null;
  let lastT = from;
  const changes: Array<{ t: number; holder: string | null }> = [];

  for (; i < tl.events.length && tl.events[i].t <= to; i++) {
    const e = tl.events[i];
    if (effective().length >= 2) doubleMs += e.t - lastT;
    lastT = e.t;
    for (const n of step(e)) {
      if (lastAcquirer !== null && n !== lastAcquirer) moves++;
      if (firstNewHolderAt === null && n !== holderAtStart) {
        firstNewHolderAt = e.t;
        firstNewHolder = n;
      }
      lastAcquirer = n;
    }
    const next = current();
    if (next !== cur) {
      changes.push({ t: e.t, holder: next });
      cur = next;
    }
  }
  if (effective().length >= 2) doubleMs += to - lastT;

  return {
    moves,
    doubleHoldingMs: doubleMs,
    firstNewHolderAt,
    firstNewHolder,
    holderAtStart,
    holderAtEnd: cur,
    holdersAtEnd: effective(),
    changes,
  };
}

/** Effective holding intervals clipped to [from, to], for drawing. */
export function holdingIntervals(tl: Timeline, from: number, to: number): HoldInterval[] {
  const state = cloneInitial(tl);
  const open: Record<string, number> = {};
  const out: HoldInterval[] = [];
  let i = 0;
  for (; i < tl.events.length && tl.events[i].t <= from; i++) apply(state, tl.events[i]);
  for (const n of effectiveHolders(state)) open[n] = from;
  for (; i < tl.events.length && tl.events[i].t <= to; i++) {
    const e = tl.events[i];
    apply(state, e);
    const now = new Set(effectiveHolders(state));
    for (const n of Object.keys(open)) {
      if (!now.has(n)) {
        if (e.t > open[n]) out.push({ node: n, from: open[n], to: e.t });
        delete open[n];
      }
    }
    for (const n of now) if (!(n in open)) open[n] = e.t;
  }
  for (const n of Object.keys(open)) if (to > open[n]) out.push({ node: n, from: open[n], to });
  return out.sort((a, b) => a.from - b.from || a.node.localeCompare(b.node));
}

/**
 * Time from which at most one node held the VIP until `to` (searching from `from`): `from` itself
 * if there was never more than one holder, null if two or more still hold it at `to`.
 */
export function singleHolderSince(tl: Timeline, from: number, to: number): number | null {
  const state = cloneInitial(tl);
  let i = 0;
  for (; i < tl.events.length && tl.events[i].t <= from; i++) apply(state, tl.events[i]);
  let since: number | null = effectiveHolders(state).length <= 1 ? from : null;
  for (; i < tl.events.length && tl.events[i].t <= to; i++) {
    apply(state, tl.events[i]);
    const n = effectiveHolders(state).length;
    if (n >= 2) since = null;
    else if (since === null) since = tl.events[i].t;
  }
  return since;
}

/** Intervals in which a node's link was down, clipped to [from, to]. */
export function linkDownIntervals(tl: Timeline, from: number, to: number): HoldInterval[] {
  const state = cloneInitial(tl);
  const out: HoldInterval[] = [];
  const down: Record<string, number> = {};
  let i = 0;
  for (; i < tl.events.length && tl.events[i].t <= from; i++) apply(state, tl.events[i]);
  for (const n of Object.keys(state)) if (!state[n].link) down[n] = from;
  for (; i < tl.events.length && tl.events[i].t <= to; i++) {
    const e = tl.events[i];
    apply(state, e);
    if (!state[e.node].link && !(e.node in down)) down[e.node] = e.t;
    if (state[e.node].link && e.node in down) {
      out.push({ node: e.node, from: down[e.node], to: e.t });
      delete down[e.node];
    }
  }
  for (const n of Object.keys(down)) out.push({ node: n, from: down[n], to });
  return out;
}

/**
 * Largest interval in [from, to] without a successful answer (ms). The interval before the first
 * success in the window starts at the last success before `from` (or `from`), and the window end
 * closes the last interval, so a VIP that never comes back shows up as a gap until `to`.
 */
export function clientGapMs(samples: readonly ClientSample[], from: number, to: number): number {
  const ok = samples
    .filter((s) => s.ok)
    .map((s) => s.end)
    .sort((a, b) => a - b);
  let prev = from;
  for (const t of ok) if (t <= from) prev = t;
  let gap = 0;
  for (const t of ok) {
    if (t <= from || t > to) continue;
    gap = Math.max(gap, t - prev);
    prev = t;
  }
  return Math.max(gap, to - prev);
}

/**
 * True when the last `k` requests sent after `after` all succeeded, i.e. the client is served again
 * (a VIP that moved but whose clients still ARP to the old node does not count as recovered).
 */
export function clientRecovered(samples: readonly ClientSample[], after: number, k: number, maxReorderMs = 1000): boolean {
  // Samples arrive in completion order; a timed-out request completes late, so look a bit further back.
  const recent: ClientSample[] = [];
  for (let i = samples.length - 1; i >= 0 && samples[i].start > after - maxReorderMs; i--) {
    if (samples[i].start > after) recent.push(samples[i]);
  }
  if (recent.length < k) return false;
  recent.sort((a, b) => a.start - b.start);
  return recent.slice(-k).every((s) => s.ok);
}

/** Requests sent in [from, to] that did not get an answer. */
export function failedRequests(samples: readonly ClientSample[], from: number, to: number): number {
  return samples.filter((s) => !s.ok && s.start >= from && s.start <= to).length;
}

export function requestsIn(samples: readonly ClientSample[], from: number, to: number): number {
  return samples.filter((s) => s.start >= from && s.start <= to).length;
}

/**
 * Number of VIP moves a rolling restart must cause at least, with preemption off: a restart of
 * the current holder moves the VIP to the highest-priority node still running; a restarted node
 * rejoins as backup and never takes the VIP back.
 */
export function structuralRolloutMoves(
  order: readonly string[],
  priorities: Readonly<Record<string, number>>,
  initialHolder: string,
): number {
  let holder = initialHolder;
  let moves = 0;
  for (const restarting of order) {
    if (restarting !== holder) continue;
    const candidates = Object.keys(priorities).filter((n) => n !== restarting);
    if (candidates.length === 0) continue;
    holder = candidates.reduce((a, b) => (priorities[b] > priorities[a] ? b : a));
    moves++;
  }
  return moves;
}
