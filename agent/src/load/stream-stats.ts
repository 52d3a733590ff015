// Per-stream receive statistics from signed frames (stream id, sequence, send time): received,
// duplicates, reordered, late, an estimate of lost, one-way latency min/mean/p50/p99/max,
// RFC 3550 interarrival jitter, and a per-second series with its own latency mean, p50 and p99.
import type { ReceiverTotals, SecondStats } from '@netspotter/shared/results';

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * One stream's receiver totals as counted here (the run adds its role and stamping error), with its series.
 */
export type StreamReport = Required<
  Omit<ReceiverTotals, 'role' | 'stampErrorMs' | 'engineDropped' | 'kernelDropsVisible'>
> & { perSecond: SecondStats[] };

export class StreamStats {
  #received = 0;
  #dups = 0;
  #reordered = 0;
  #late = 0;
  #maxSeq = -1;
  readonly #seen = new Set<number>();
  #lat = new Float64Array(1024);
  #latN = 0;
  #latSum = 0;
  #jitter = 0;
  #prevTransit: number | undefined;
  readonly #seconds = new Map<number, { n: number; sum: number; latencies: number[] }>();

  constructor(
    readonly streamId: number,
    private readonly startMs: number,
    private readonly lateMs: number,
  ) {}

  /** One frame: its sequence number, send time and receive time (ms since the epoch). */
  add(seq: number, txMs: number, rxMs: number): void {
    this.#received++;
    if (this.#seen.has(seq)) {
      this.#dups++;
      return;
    }
    this.#seen.add(seq);
    if (seq < this.#maxSeq) this.#reordered++;
    else this.#maxSeq = seq;
    const latency = rxMs - txMs;
    if (latency > this.lateMs) this.#late++;
    if (this.#latN === this.#lat.length) {
      const bigger = new Float64Array(this.#lat.length * 2);
      bigger.set(this.#lat);
      this.#lat = bigger;
    }
    this.#lat[this.#latN++] = latency;
    this.#latSum += latency;
    // RFC 3550 §6.4.1: J += (|D(i-1,i)| - J) / 16, D from the difference of transit times.
    if (this.#prevTransit !== undefined)
      this.#jitter += (Math.abs(latency - this.#prevTransit) - this.#jitter) / 16;
    this.#prevTransit = latency;
    const sec = Math.floor((rxMs - this.startMs) / 1000);
    const s = this.#seconds.get(sec) ?? { n: 0, sum: 0, latencies: [] };
    s.n++;
    s.sum += latency;
    s.latencies.push(latency);
    this.#seconds.set(sec, s);
  }

  report(): StreamReport {
    const lat = this.#lat.subarray(0, this.#latN).slice().sort();
    return {
      streamId: this.streamId,
      received: this.#received,
      unique: this.#seen.size,
      duplicates: this.#dups,
      reordered: this.#reordered,
      late: this.#late,
      maxSeq: this.#maxSeq,
      lostEstimate: this.#maxSeq + 1 - this.#seen.size,
      latencyMs: lat.length
        ? {
            min: lat[0]!,
            mean: this.#latSum / lat.length,
            p50: percentile(lat, 50),
            p99: percentile(lat, 99),
            max: lat[lat.length - 1]!,
          }
        : null,
      jitterMs: this.#jitter,
      perSecond: [...this.#seconds.entries()]
        .sort(([a], [b]) => a - b)
        .map(([second, s]) => {
          const sorted = Float64Array.from(s.latencies).sort();
          return {
            second,
            received: s.n,
            latencyMeanMs: s.n ? s.sum / s.n : null,
            latencyP50Ms: s.n ? percentile(sorted, 50) : null,
            latencyP99Ms: s.n ? percentile(sorted, 99) : null,
          };
        }),
    };
  }
}
