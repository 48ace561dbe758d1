/**
 * What day 2 on real pods measures, as pure functions of what it read: the config revision the reloader must
 * report, the pods' identities before and after a change, and the VIP's holders from the VIP monitors' events.
 */
import { createHash } from 'crypto';
import { REVISION_LENGTH } from '../../lib/keepalived/pod/config-reloader';
import { analyzeVip, effectiveHolders, NodeState, Timeline } from '../../lab/core/timeline';

/** The revision the reloader reports for `conf`: as `sha256sum keepalived.conf | cut -c1-12` inside the pod. */
export function configRevision(conf: string): string {
  return createHash('sha256').update(conf).digest('hex').slice(0, REVISION_LENGTH);
}

/** One `key=value` line of the reloader's status file, or null when the file has none (or an empty one). */
export function statusField(text: string, key: string): string | null {
  const line = text.split('\n').find((l) => l.startsWith(`${key}=`));
  const value = line?.slice(key.length + 1).trim();
  return value ? value : null;
}

/** The node a change leaves preferred: the highest priority (distinct per node, validated by the construct). */
export function preferredNode(nodes: ReadonlyArray<{ readonly name: string; readonly priority: number }>): string {
  if (!nodes.length) throw new Error('preferredNode: no nodes');
  return nodes.reduce((a, b) => (b.priority > a.priority ? b : a)).name;
}

export interface PodIdentity {
  readonly name: string;
  readonly uid: string;
  readonly node: string;
  /** Restarts of all its containers, as the kubelet reports them. */
  readonly restarts: number;
}

/** The identity of each pod in a `kubectl get pods -o json` list (terminating pods left out). */
export function podIdentities(list: any): PodIdentity[] {
  return (list.items ?? [])
    .filter((p: any) => !p.metadata.deletionTimestamp)
    .map((p: any) => ({
      name: p.metadata.name,
      uid: p.metadata.uid,
      node: p.spec.nodeName,
      restarts: (p.status?.containerStatuses ?? []).reduce((sum: number, c: any) => sum + (c.restartCount ?? 0), 0),
    }))
    .sort((a: PodIdentity, b: PodIdentity) => a.name.localeCompare(b.name));
}

/** What changed between two snapshots: pods gone, pods new, restart counts that moved; empty when none. */
export function podChanges(before: readonly PodIdentity[], after: readonly PodIdentity[]): string[] {
  const changes: string[] = [];
  for (const b of before) {
    const a = after.find((p) => p.uid === b.uid);
    if (!a) changes.push(`${b.name} (uid ${b.uid}) on ${b.node} is gone`);
    else if (a.restarts !== b.restarts) changes.push(`${b.name} on ${b.node} restarted: restartCount ${b.restarts} -> ${a.restarts}`);
  }
  for (const a of after) if (!before.some((b) => b.uid === a.uid)) changes.push(`${a.name} (uid ${a.uid}) on ${a.node} is new`);
  return changes;
}

export interface Interval {
  readonly from: number;
  readonly to: number;
}

/** The intervals in [from, to] in which no node held the VIP on a live link. */
export function noHolderIntervals(tl: Timeline, from: number, to: number): Interval[] {
  const state: Record<string, NodeState> = {};
  for (const n of tl.nodes) state[n] = { vip: tl.initial[n]?.vip ?? false, link: tl.initial[n]?.link ?? true };
  const out: Interval[] = [];
  let emptySince: number | null = null;
  const step = (t: number): void => {
    const empty = effectiveHolders(state).length === 0;
    if (empty && emptySince === null) emptySince = Math.max(t, from);
    if (!empty && emptySince !== null) {
      if (t > emptySince) out.push({ from: emptySince, to: t });
      emptySince = null;
    }
  };
  let i = 0;
  for (; i < tl.events.length && tl.events[i].t <= from; i++) applyEvent(state, tl.events[i]);
  step(from);
  for (; i < tl.events.length && tl.events[i].t <= to; i++) {
    applyEvent(state, tl.events[i]);
    step(tl.events[i].t);
  }
  if (emptySince !== null && to > emptySince) out.push({ from: emptySince, to });
  return out;
}

function applyEvent(state: Record<string, NodeState>, e: Timeline['events'][number]): void {
  const s = state[e.node] ?? (state[e.node] = { vip: false, link: true });
  if (e.kind === 'vip-add') s.vip = true;
  else if (e.kind === 'vip-del') s.vip = false;
  else s.link = e.kind === 'link-up';
}

export interface VipFigures {
  readonly moves: number;
  /** The holders in order, the one at `from` first (null: nobody held it then). */
  readonly holders: ReadonlyArray<string | null>;
  /** The longest time without a holder, and all such time, in ms. */
  readonly longestNoHolderMs: number;
  readonly noHolderMs: number;
  readonly doubleHoldingMs: number;
  readonly holderAtEnd: string | null;
}

/** The VIP over [from, to]: moves as lab/core/timeline.ts counts them, and the time it was on no node or on two. */
export function vipFigures(tl: Timeline, from: number, to: number): VipFigures {
  const a = analyzeVip(tl, from, to);
  const gaps = noHolderIntervals(tl, from, to).map((g) => g.to - g.from);
  const holders: Array<string | null> = [a.holderAtStart];
  for (const c of a.changes) if (c.holder !== null && c.holder !== holders[holders.length - 1]) holders.push(c.holder);
  return {
    moves: a.moves,
    holders,
    longestNoHolderMs: gaps.length ? Math.max(...gaps) : 0,
    noHolderMs: gaps.reduce((s, g) => s + g, 0),
    doubleHoldingMs: a.doubleHoldingMs,
    holderAtEnd: a.holderAtEnd,
  };
}

/** How `vipFigures` reads in a check's result. */
export function describeVip(f: VipFigures): string {
  const path = f.holders.map((h) => h ?? 'none').join(' -> ');
  return (
    `${f.moves} VIP move${f.moves === 1 ? '' : 's'} (${path}); on no node ${f.noHolderMs.toFixed(0)} ms ` +
    `(longest ${f.longestNoHolderMs.toFixed(0)} ms), on two ${f.doubleHoldingMs.toFixed(0)} ms`
  );
}

/** `kind/namespace/name` of every object that differs between two syntheses (added and removed ones too). */
export function changedObjects(before: readonly any[], after: readonly any[]): string[] {
  const key = (o: any): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const a = new Map(before.map((o) => [key(o), JSON.stringify(o)]));
  const b = new Map(after.map((o) => [key(o), JSON.stringify(o)]));
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
}
