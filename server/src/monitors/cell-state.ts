// A cell's state from what its receiver (and, for beacons, its sender) last reported (pure).
//
// - stale: the receiver's next summary is overdue (one interval plus a grace after the last), or for
//   beacons the sender's is: an agent that is gone is stale, never lost, whichever side it was on;
// - never-seen: the sender sent (or a watch is silent) and no packet of the source ever reached the
//   receiver since the cell exists;
// - lost: nothing arrived in an interval the sender sent in, or loss at or above lostLossPct;
// - degraded: loss at or above degradedLossPct, delay p99 or jitter above their thresholds, a watch's
//   silences or template mismatches;
// - ok otherwise.
// Beacon figures are judged once the sender's summary for the same interval is in: a receiver that saw
// nothing from a sender that did not report (yet) is not yet lost.
import type { CellState } from '@netspotter/shared/api';
import type { Thresholds } from './definition.ts';
import { lossRatio, type CellFigures } from './record.ts';

export interface Verdict {
  state: CellState;
  /** The figures' interval end, or the moment a summary became overdue. */
  at: number;
  reason: string;
}

export interface CellView {
  kind: 'beacon' | 'watch';
  now: number;
  intervalMs: number;
  /** Time after a summary's due moment before it counts as missing. */
  graceMs: number;
  /** No stale verdicts before this (the server itself was away: agents need time to reach it again). */
  staleNotBefore: number;
  receiverName: string;
  senderName: string;
  /** Start of the receiver's newest summary, if any. */
  receiverLatest?: number;
  /** Beacons: start of the sender's newest summary, if any. */
  senderLatest?: number;
  /** The interval judged (beacons: the newest one both sides reported) and the cell's figures in it. */
  judged?: { start: number; figures?: CellFigures; sent?: number };
  everSeen: boolean;
  thresholds: Thresholds;
}

const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;

/** When a summary that began at `start` (none yet: undefined) is overdue: no stale verdict before staleNotBefore. */
function dueAfter(v: CellView, start: number | undefined): number {
  return start === undefined
    ? v.staleNotBefore
    : Math.max(start + 2 * v.intervalMs + v.graceMs, v.staleNotBefore);
}

/** When the cell would turn stale with no new summary (Infinity: it already is, until a summary comes). */
export function staleDeadline(v: CellView): number {
  // Judged for every cell each second while summaries stream in: no arrays or closures per call.
  const receiver = dueAfter(v, v.receiverLatest);
  const sender = v.kind === 'beacon' ? dueAfter(v, v.senderLatest) : Infinity;
  return Math.min(receiver > v.now ? receiver : Infinity, sender > v.now ? sender : Infinity);
}

/** A stale verdict when `who`'s summary after the one that began at `start` is overdue. */
function late(v: CellView, who: string, start: number | undefined): Verdict | undefined {
  const at = dueAfter(v, start);
  if (v.now < at) return undefined;
  return {
    state: 'stale',
    at,
    reason:
      start === undefined
        ? `no summary from ${who} yet`
        : `no summary from ${who} since ${new Date(start + v.intervalMs).toISOString()}`,
  };
}

function overdue(v: CellView): Verdict | undefined {
  return (
    late(v, v.receiverName, v.receiverLatest) ??
    (v.kind === 'beacon' ? late(v, v.senderName, v.senderLatest) : undefined)
  );
}

export function judgeCell(v: CellView): Verdict | undefined {
  const stale = overdue(v);
  if (stale) return stale;
  const j = v.judged;
  if (!j) return undefined;
  const at = j.start + v.intervalMs;
  const f = j.figures;
  const received = f?.received ?? 0;
  if (received === 0) {
    if (v.kind === 'beacon' && !j.sent)
      return { state: 'stale', at, reason: `${v.senderName} sent no beacons in the interval` };
    const what = v.kind === 'beacon' ? `${v.senderName}'s ${j.sent} beacons` : 'the stream';
    return v.everSeen
      ? { state: 'lost', at, reason: `nothing of ${what} arrived${f?.left ? ' (the receiver left)' : ''}` }
      : { state: 'never-seen', at, reason: `nothing of ${what} ever arrived at ${v.receiverName}` };
  }
  const t = v.thresholds;
  const loss = lossRatio(f!) ?? 0;
  if (loss * 100 >= t.lostLossPct)
    return { state: 'lost', at, reason: `loss ${pct(loss)} ≥ ${t.lostLossPct}%` };
  const why: string[] = [];
  if (loss * 100 >= t.degradedLossPct && loss > 0) why.push(`loss ${pct(loss)} ≥ ${t.degradedLossPct}%`);
  if (t.degradedDelayMs !== null && (f!.delayP99Ms ?? 0) > t.degradedDelayMs)
    why.push(`delay p99 ${f!.delayP99Ms!.toFixed(2)} ms > ${t.degradedDelayMs} ms`);
  if (t.degradedJitterMs !== null && (f!.jitterMs ?? 0) > t.degradedJitterMs)
    why.push(`jitter ${f!.jitterMs!.toFixed(2)} ms > ${t.degradedJitterMs} ms`);
  if (f!.silences > 0) why.push(`${f!.silences} silence${f!.silences > 1 ? 's' : ''}`);
  if (f!.mismatches > 0) why.push(`${f!.mismatches} packets did not fit the template`);
  if (why.length) return { state: 'degraded', at, reason: why.join('; ') };
  return { state: 'ok', at, reason: `${received} received${f!.lost ? `, ${f!.lost} lost` : ''}` };
}
