// One source of a passively watched stream as one receiver sees it, interval by interval (pure): packets
// and payload bytes (rate), silences (a gap without packets longer than silenceMs, counted once, when it
// ends or while it lasts at an interval's end) and the longest gap, inter-arrival jitter (RFC 3550's
// estimator over the differences of successive gaps), join latency, template mismatches, and lost,
// duplicates and reordered from the stream's sequence field when it has one.
import type { SourceFigures } from '@netspotter/shared/agent-protocol';
import type { StreamSequence } from './stream-sequence.ts';

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export class WatchTracker {
  #last: number | undefined;
  #prevGap: number | undefined;
  /** The current gap was already counted as a silence (at an interval's end). */
  #silenceCounted = false;
  #jitter = 0;
  #joinedAt: number | undefined;
  // This interval's figures.
  #received = 0;
  #bytes = 0;
  #silences = 0;
  #maxGap: number | undefined;
  #mismatches = 0;
  #joinLatency: number | undefined;

  constructor(
    /** The source address. */
    readonly source: string,
    private readonly silenceMs: number,
    private readonly sequence?: StreamSequence,
  ) {}

  /** The receiver (re)joined: the next packet measures join latency; the time away is no silence or loss. */
  joined(atMs: number): void {
    this.#joinedAt = atMs;
    this.#last = this.#prevGap = undefined;
    this.sequence?.rebase();
  }

  /** One datagram's UDP payload, arrived at `atMs`. */
  add(payload: Uint8Array, atMs: number): void {
    this.#received++;
    this.#bytes += payload.length;
    if (this.sequence && !this.sequence.add(payload)) this.#mismatches++;
    if (this.#last !== undefined) {
      const gap = Math.max(0, atMs - this.#last);
      this.#maxGap = Math.max(this.#maxGap ?? 0, gap);
      if (gap > this.silenceMs && !this.#silenceCounted) this.#silences++;
      if (this.#prevGap !== undefined) this.#jitter += (Math.abs(gap - this.#prevGap) - this.#jitter) / 16;
      this.#prevGap = gap;
    }
    this.#last = atMs;
    this.#silenceCounted = false;
    if (this.#joinedAt !== undefined) {
      this.#joinLatency = Math.max(0, atMs - this.#joinedAt);
      this.#joinedAt = undefined;
    }
  }

  /** The interval's figures at `nowMs` (its end); starts the next interval. */
  take(nowMs: number): SourceFigures {
    if (this.#last !== undefined) {
      // A silence still going on shows in the interval it is seen in.
      const open = nowMs - this.#last;
      if (open > this.silenceMs) {
        this.#maxGap = Math.max(this.#maxGap ?? 0, open);
        if (!this.#silenceCounted) this.#silences++;
        this.#silenceCounted = true;
      }
    }
    const seq = this.sequence?.take() ?? { lost: 0, duplicates: 0, reordered: 0 };
    const f: SourceFigures = {
      source: this.source,
      address: this.source,
      received: this.#received,
      ...seq,
      bytes: this.#bytes,
      silences: this.#silences,
      mismatches: this.#mismatches,
      ...(this.#maxGap !== undefined && { maxGapMs: round(this.#maxGap) }),
      ...(this.#received > 0 && this.#prevGap !== undefined && { jitterMs: round(this.#jitter) }),
      ...(this.#joinLatency !== undefined && { joinLatencyMs: round(this.#joinLatency) }),
    };
    this.#received = this.#bytes = this.#silences = this.#mismatches = 0;
    this.#maxGap = this.#joinLatency = undefined;
    return f;
  }
}
