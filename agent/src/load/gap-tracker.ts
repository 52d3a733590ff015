// A convergence receiver's sequence accounting for one stream: the runs of missing sequence numbers
// (gaps) with the send times of the frames either side, kept as a sorted list so a late (reordered)
// frame fills its place in a gap and a duplicate is told apart from it. Memory grows with the gaps,
// not with the frames. Sequence numbers are the signature's u64 counted from 0 (exact as doubles up
// to 2^53, so they never wrap in a run).
import { MAX_REPORTED_GAPS, type SeqGap, type StreamGaps } from '@netspotter/shared/results';

export class GapTracker {
  #first: { seq: number; txMs: number; rxMs: number } | null = null;
  #last: { seq: number; txMs: number } | null = null;
  /** Missing runs between first and last, ascending and disjoint. */
  readonly #gaps: SeqGap[] = [];
  #omitted = 0;
  #received = 0;
  #duplicates = 0;
  #reordered = 0;

  constructor(
    readonly streamId: number,
    private readonly maxGaps = MAX_REPORTED_GAPS,
  ) {}

  /** One frame: its sequence number, send time (sender's clock) and receive time (ours), ms since the epoch. */
  add(seq: number, txMs: number, rxMs: number): void {
    const first = this.#first;
    const last = this.#last;
    if (!first || !last) {
      this.#first = { seq, txMs, rxMs };
      this.#last = { seq, txMs };
      this.#received = 1;
      return;
    }
    if (seq > last.seq) {
      if (seq > last.seq + 1)
        this.#open({ fromSeq: last.seq + 1, toSeq: seq - 1, beforeTxMs: last.txMs, afterTxMs: txMs });
      this.#last = { seq, txMs };
      this.#received++;
      return;
    }
    if (seq < first.seq) {
      // Earlier than anything so far: the stream's start moves back, leaving a gap up to the old first.
      if (seq < first.seq - 1)
        this.#gaps.unshift({
          fromSeq: seq + 1,
          toSeq: first.seq - 1,
          beforeTxMs: txMs,
          afterTxMs: first.txMs,
        });
      this.#first = { seq, txMs, rxMs };
      this.#received++;
      this.#reordered++;
      return;
    }
    const i = this.#gapHolding(seq);
    if (i < 0) {
      this.#duplicates++;
      return;
    }
    // A late frame fills its place: the gap shrinks from an end or splits in two around it.
    const g = this.#gaps[i]!;
    const parts: SeqGap[] = [];
    if (g.fromSeq < seq)
      parts.push({ fromSeq: g.fromSeq, toSeq: seq - 1, beforeTxMs: g.beforeTxMs, afterTxMs: txMs });
    if (seq < g.toSeq)
      parts.push({ fromSeq: seq + 1, toSeq: g.toSeq, beforeTxMs: txMs, afterTxMs: g.afterTxMs });
    this.#gaps.splice(i, 1, ...parts);
    this.#received++;
    this.#reordered++;
  }

  /**
   * Past the limit the shortest gap gives way to a longer one (a loaded host's odd lost frame must not crowd
   * out the outage under test); a late frame of a gap given up is then counted as a duplicate.
   */
  #open(g: SeqGap): void {
    if (this.#gaps.length < this.maxGaps) {
      this.#gaps.push(g);
      return;
    }
    this.#omitted++;
    const len = (x: SeqGap) => x.toSeq - x.fromSeq;
    let shortest = 0;
    for (let i = 1; i < this.#gaps.length; i++)
      if (len(this.#gaps[i]!) < len(this.#gaps[shortest]!)) shortest = i;
    if (len(g) <= len(this.#gaps[shortest]!)) return;
    // The new gap lies past every kept one, so the list stays in order.
    this.#gaps.splice(shortest, 1);
    this.#gaps.push(g);
  }

  /** The index of the gap that holds `seq`, or -1 (binary search: the gaps are sorted and disjoint). */
  #gapHolding(seq: number): number {
    let lo = 0;
    let hi = this.#gaps.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const g = this.#gaps[mid]!;
      if (seq < g.fromSeq) hi = mid - 1;
      else if (seq > g.toSeq) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /** The stream's figures (the run adds its receive step). */
  report(): Omit<StreamGaps, 'step'> {
    return {
      streamId: this.streamId,
      received: this.#received,
      duplicates: this.#duplicates,
      reordered: this.#reordered,
      first: this.#first && { ...this.#first },
      last: this.#last && { ...this.#last },
      gaps: this.#gaps.map((g) => ({ ...g })),
      gapsOmitted: this.#omitted,
    };
  }
}
