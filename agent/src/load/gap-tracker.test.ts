import { describe, expect, it } from 'vitest';
import { GapTracker } from './gap-tracker.ts';

/** Frames of a 1,000 pps stream: seq n sent at t0 + n ms, received 0.5 ms later. */
const T0 = 1_700_000_000_000;
const feed = (t: GapTracker, seqs: number[]) => seqs.forEach((s) => t.add(s, T0 + s, T0 + s + 0.5));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('GapTracker', () => {
  it('a run of missing frames is one gap with the send times of the frames either side', () => {
    const t = new GapTracker(1);
    feed(t, [...range(0, 99), ...range(600, 999)]);
    const r = t.report();
    expect(r.gaps).toEqual([{ fromSeq: 100, toSeq: 599, beforeTxMs: T0 + 99, afterTxMs: T0 + 600 }]);
    expect(r).toMatchObject({
      received: 500,
      duplicates: 0,
      reordered: 0,
      first: { seq: 0 },
      last: { seq: 999 },
    });
  });

  it('a reordered frame fills its place in a gap, splitting it; a duplicate changes nothing', () => {
    const t = new GapTracker(1);
    feed(t, [0, 1, 2, 6, 7, 4, 4, 7, 1]);
    const r = t.report();
    expect(r.gaps).toEqual([
      { fromSeq: 3, toSeq: 3, beforeTxMs: T0 + 2, afterTxMs: T0 + 4 },
      { fromSeq: 5, toSeq: 5, beforeTxMs: T0 + 4, afterTxMs: T0 + 6 },
    ]);
    expect(r).toMatchObject({ received: 6, duplicates: 3, reordered: 1 });
    // Filling a gap from either end, then the last hole: nothing is missing any more.
    feed(t, [3, 5]);
    expect(t.report()).toMatchObject({ gaps: [], received: 8, reordered: 3 });
  });

  it('a frame older than the first one received moves the start back, leaving the gap before the old first', () => {
    const t = new GapTracker(1);
    feed(t, [10, 11, 2]);
    expect(t.report()).toMatchObject({
      first: { seq: 2, txMs: T0 + 2 },
      gaps: [{ fromSeq: 3, toSeq: 9, beforeTxMs: T0 + 2, afterTxMs: T0 + 10 }],
      reordered: 1,
    });
  });

  it('sequence numbers past 2^32 (where a 32-bit counter would wrap) stay continuous', () => {
    const t = new GapTracker(1);
    const base = 2 ** 32 - 3;
    for (const s of [0, 1, 2, 6, 7]) t.add(base + s, T0 + s, T0 + s);
    expect(t.report().gaps).toEqual([
      { fromSeq: base + 3, toSeq: base + 5, beforeTxMs: T0 + 2, afterTxMs: T0 + 6 },
    ]);
  });

  it('itemises at most its limit of gaps, keeping the longest, and counts the rest', () => {
    const t = new GapTracker(1, 2);
    // Gaps of 1, 1, 500 and 1 frames: the 500-frame outage is kept whenever it came.
    feed(t, [0, 2, 4, 505, 507]);
    expect(t.report()).toMatchObject({ gapsOmitted: 2, received: 5 });
    expect(t.report().gaps.map((g) => [g.fromSeq, g.toSeq])).toEqual([
      [3, 3],
      [5, 504],
    ]);
  });

  it('reports nothing received as no first or last frame, no gap, and every count 0', () => {
    expect(new GapTracker(3).report()).toEqual({
      streamId: 3,
      first: null,
      last: null,
      gaps: [],
      received: 0,
      duplicates: 0,
      reordered: 0,
      gapsOmitted: 0,
    });
  });
});
