// One beacon sender as one receiver hears it, interval by interval (pure): received, lost, duplicates and
// reordered (sequence-counter.ts), one-way delay min/p50/p99, RFC 3550 jitter of transit times, hops,
// and join latency. A new epoch (the sender restarted) or a rejoin restarts the sequence accounting, so
// neither reads as loss.
import type { SourceFigures } from '@netspotter/shared/agent-protocol';
import { percentile } from '../load/stream-stats.ts';
import { SequenceCounter } from './sequence-counter.ts';

export class SourceTracker {
  #epoch = -1;
  readonly #sequence = new SequenceCounter();
  #jitter = 0;
  #prevTransit: number | undefined;
  #joinedAt: number | undefined;
  // This interval's figures.
  #received = 0;
  #delays: number[] = [];
  #hops: number | undefined;
  #joinLatency: number | undefined;

  constructor(
    readonly source: string,
    readonly address?: string,
  ) {}

  /** The receiver (re)joined at this time: the next beacon measures join latency; earlier gaps are not loss. */
  joined(atMs: number): void {
    this.#joinedAt = atMs;
    this.#sequence.rebase();
    this.#prevTransit = undefined;
  }

  /** One beacon: its epoch and sequence, transit time (receive minus send, both on the server clock) and hops. */
  add(epoch: number, seq: number, transitMs: number, hops: number, atMs: number): void {
    if (epoch < this.#epoch) return; // a straggler from before the sender restarted
    if (epoch > this.#epoch) {
      this.#epoch = epoch;
      this.#sequence.reset();
      this.#prevTransit = undefined;
    }
    if (!this.#sequence.add(seq)) return;
    this.#received++;
    this.#delays.push(transitMs);
    // RFC 3550 §6.4.1: J += (|D(i-1,i)| - J) / 16, D the difference of successive transit times.
    if (this.#prevTransit !== undefined)
      this.#jitter += (Math.abs(transitMs - this.#prevTransit) - this.#jitter) / 16;
    this.#prevTransit = transitMs;
    this.#hops = hops;
    if (this.#joinedAt !== undefined) {
      this.#joinLatency = Math.max(0, atMs - this.#joinedAt);
      this.#joinedAt = undefined;
    }
  }

  /** The interval's figures; starts the next interval. */
  take(): SourceFigures {
    const d = Float64Array.from(this.#delays).sort();
    const f: SourceFigures = {
      source: this.source,
      ...(this.address && { address: this.address }),
      ...(this.#epoch >= 0 && { epoch: this.#epoch }),
      received: this.#received,
      ...this.#sequence.take(),
      ...(d.length && {
        delayMinMs: round(d[0]!),
        delayP50Ms: round(percentile(d, 50)),
        delayP99Ms: round(percentile(d, 99)),
        jitterMs: round(this.#jitter),
      }),
      ...(this.#hops !== undefined && { hops: this.#hops }),
      ...(this.#joinLatency !== undefined && { joinLatencyMs: round(this.#joinLatency) }),
    };
    this.#received = 0;
    this.#delays = [];
    this.#joinLatency = undefined;
    return f;
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
