/** Hand-written SVG timeline: one lane per node (VIP holding, link down, answers) plus the client lane. */
import { ClientSample, HoldInterval } from './timeline';

export interface TimelineMarker {
  readonly t: number;
  readonly label: string;
  /** The fault itself is drawn in red, other markers in grey. */
  readonly fault?: boolean;
}

export interface TimelineSvgInput {
  readonly title: string;
  readonly subtitle?: string;
  readonly nodes: readonly string[];
  /** Window shown, epoch ms. */
  readonly from: number;
  readonly to: number;
  /** Zero of the time axis (fault injection). */
  readonly t0: number;
  readonly holding: readonly HoldInterval[];
  readonly linkDown: readonly HoldInterval[];
  readonly samples: readonly ClientSample[];
  readonly markers: readonly TimelineMarker[];
  /** Label of the time axis; default "seconds after the fault". */
  readonly axisLabel?: string;
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Greedy word wrap at `width` characters. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Tick step (s) giving roughly 8-16 ticks over `spanS`. */
export function tickStep(spanS: number): number {
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];
  return steps.find((s) => spanS / s <= 16) ?? 300;
}

const W = 960;
const LEFT = 90;
const RIGHT = 20;
const TOP = 104;
const LANE = 34;
const BUCKET_PX = 3;

export function renderTimelineSvg(inp: TimelineSvgInput): string {
  const span = Math.max(1, inp.to - inp.from);
  const plotW = W - LEFT - RIGHT;
  const x = (t: number): number => LEFT + ((Math.min(Math.max(t, inp.from), inp.to) - inp.from) / span) * plotW;
  const lanes = [...inp.nodes, 'client'];
  const laneY = (i: number): number => TOP + i * LANE;
  const height = TOP + lanes.length * LANE + 64;
  const f = (n: number): string => n.toFixed(1);
  const out: string[] = [];

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}"` +
      ' font-family="sans-serif" font-size="12">',
    `<rect width="${W}" height="${height}" fill="#fff"/>`,
    `<text x="${LEFT}" y="20" font-size="15" font-weight="bold">${escapeXml(inp.title)}</text>`,
  );
  wrap(inp.subtitle ?? '', 130)
    .slice(0, 3)
    .forEach((line, k) => out.push(`<text x="${LEFT}" y="${38 + k * 15}" fill="#444">${escapeXml(line)}</text>`));

  // Lanes and labels.
  lanes.forEach((name, i) => {
    const y = laneY(i);
    out.push(
      `<rect x="${LEFT}" y="${y}" width="${plotW}" height="${LANE - 6}" fill="${i % 2 ? '#f7f7f7' : '#efefef'}"/>`,
      `<text x="${LEFT - 8}" y="${y + LANE / 2}" text-anchor="end">${escapeXml(name)}</text>`,
    );
  });

  const laneOf = (node: string): number => inp.nodes.indexOf(node);
  for (const d of inp.linkDown) {
    const i = laneOf(d.node);
    if (i < 0) continue;
    out.push(
      `<rect x="${f(x(d.from))}" y="${laneY(i)}" width="${f(Math.max(1, x(d.to) - x(d.from)))}" height="${LANE - 6}"` +
        ' fill="#bbb" opacity="0.8"><title>link down</title></rect>',
    );
  }
  for (const h of inp.holding) {
    const i = laneOf(h.node);
    if (i < 0) continue;
    out.push(
      `<rect x="${f(x(h.from))}" y="${laneY(i) + 4}" width="${f(Math.max(1, x(h.to) - x(h.from)))}" height="${LANE - 20}"` +
        ` fill="#2b6cb0"><title>${escapeXml(h.node)} holds the VIP</title></rect>`,
    );
  }

  // Client requests, bucketed per few pixels so long runs stay small: red if any request failed.
  const clientLane = lanes.length - 1;
  const buckets = new Map<number, { ok: number; fail: number }>();
  const answers = new Map<string, Set<number>>();
  for (const s of inp.samples) {
    if (s.start < inp.from || s.start > inp.to) continue;
    const b = Math.floor((x(s.start) - LEFT) / BUCKET_PX);
    const e = buckets.get(b) ?? { ok: 0, fail: 0 };
    if (s.ok) e.ok++;
    else e.fail++;
    buckets.set(b, e);
    if (s.ok && s.node) {
      if (!answers.has(s.node)) answers.set(s.node, new Set());
      answers.get(s.node)!.add(b);
    }
  }
  for (const [b, e] of [...buckets.entries()].sort((a, c) => a[0] - c[0])) {
    const cx = LEFT + b * BUCKET_PX + BUCKET_PX / 2;
    const color = e.fail > 0 ? '#d22' : '#2a2';
    out.push(`<circle cx="${f(cx)}" cy="${laneY(clientLane) + (LANE - 6) / 2}" r="2" fill="${color}"/>`);
  }
  for (const [node, bs] of answers) {
    const i = laneOf(node);
    if (i < 0) continue;
    for (const b of [...bs].sort((a, c) => a - c)) {
      out.push(`<rect x="${f(LEFT + b * BUCKET_PX)}" y="${laneY(i) + LANE - 13}" width="${BUCKET_PX - 1}" height="5" fill="#2a2"/>`);
    }
  }

  // Time axis, seconds relative to t0.
  const axisY = laneY(lanes.length) + 4;
  const step = tickStep(span / 1000);
  const first = Math.ceil((inp.from - inp.t0) / 1000 / step) * step;
  out.push(`<line x1="${LEFT}" y1="${axisY}" x2="${LEFT + plotW}" y2="${axisY}" stroke="#333"/>`);
  for (let s = first; inp.t0 + s * 1000 <= inp.to + 1e-6; s += step) {
    const tx = x(inp.t0 + s * 1000);
    const label = Number(s.toFixed(3)).toString();
    out.push(
      `<line x1="${f(tx)}" y1="${axisY}" x2="${f(tx)}" y2="${axisY + 5}" stroke="#333"/>`,
      `<text x="${f(tx)}" y="${axisY + 18}" text-anchor="middle">${label}</text>`,
    );
  }
  const axisLabel = escapeXml(inp.axisLabel ?? 'seconds after the fault');
  out.push(`<text x="${LEFT + plotW}" y="${axisY + 34}" text-anchor="end" fill="#444">${axisLabel}</text>`);

  // Markers last so they stay visible.
  inp.markers.forEach((m, k) => {
    if (m.t < inp.from || m.t > inp.to) return;
    const mx = x(m.t);
    const color = m.fault ? '#d22' : '#666';
    out.push(
      `<line x1="${f(mx)}" y1="${TOP - 12}" x2="${f(mx)}" y2="${axisY}" stroke="${color}" stroke-dasharray="4 3"/>`,
      `<text x="${f(mx + 3)}" y="${TOP - 14 - (k % 3) * 12}" fill="${color}">${escapeXml(m.label)}</text>`,
    );
  });

  // Legend.
  const ly = height - 14;
  out.push(
    `<rect x="${LEFT}" y="${ly - 9}" width="18" height="10" fill="#2b6cb0"/><text x="${LEFT + 24}" y="${ly}">holds VIP (link up)</text>`,
    `<rect x="${LEFT + 170}" y="${ly - 9}" width="18" height="10" fill="#bbb"/><text x="${LEFT + 194}" y="${ly}">link down</text>`,
    `<rect x="${LEFT + 290}" y="${ly - 6}" width="8" height="5" fill="#2a2"/>` +
      `<text x="${LEFT + 304}" y="${ly}">answered via this node</text>`,
    `<circle cx="${LEFT + 470}" cy="${ly - 4}" r="3" fill="#2a2"/><circle cx="${LEFT + 480}" cy="${ly - 4}" r="3" fill="#d22"/>` +
      `<text x="${LEFT + 490}" y="${ly}">client request ok / failed</text>`,
  );
  out.push('</svg>');
  return out.join('\n') + '\n';
}
