/**
 * The VIP's handovers in a stretch of time, and which failed requests fall in them. In VRRP a graceful handover
 * leaves the VIP on no node for the backup's skew time ((256 - priority) / 256 advert intervals, about 0.1 s
 * here): a connection attempt sent then can be lost, whatever the ingress does. A request still open on the old
 * holder when the VIP leaves it is lost too: the client's next packets reach the new holder, which has no socket for
 * that connection.
 */
import { ClientSample } from '../../lab/core/timeline';

export interface Handover {
  /** When the old holder gave the VIP up (or the last holder's change, for a direct move). */
  readonly from: number;
  /** When the new holder took it. */
  readonly to: number;
}

/** The handovers in a holder sequence (lab/core/timeline.ts analyzeVip's `changes`, null = no holder). */
export function handovers(changes: ReadonlyArray<{ t: number; holder: string | null }>): Handover[] {
  const out: Handover[] = [];
  let noneSince: number | null = null;
  for (const c of changes) {
    if (c.holder === null) noneSince ??= c.t;
    else {
      out.push({ from: noneSince ?? c.t, to: c.t });
      noneSince = null;
    }
  }
  return out;
}

/** Failed requests sent outside every handover (`slackMs` before one counts as in it: the ARP update races). */
export function failedOutside(
  samples: readonly ClientSample[],
  windows: readonly Handover[],
  from: number,
  to: number,
  slackMs = 50,
): number {
  return samples.filter(
    (s) => !s.ok && s.start >= from && s.start <= to && !windows.some((w) => s.start >= w.from - slackMs && s.start <= w.to),
  ).length;
}

/** Failed requests in the handovers, by when they were sent: just before the VIP left (open on the old holder) or while no node held it. */
export function failedInHandovers(
  samples: readonly ClientSample[],
  windows: readonly Handover[],
  from: number,
  to: number,
  slackMs = 50,
): { beforeRelease: number; inGap: number } {
  const failed = samples.filter((s) => !s.ok && s.start >= from && s.start <= to);
  return {
    beforeRelease: failed.filter((s) => windows.some((w) => s.start >= w.from - slackMs && s.start < w.from)).length,
    inGap: failed.filter((s) => windows.some((w) => s.start >= w.from && s.start <= w.to)).length,
  };
}
