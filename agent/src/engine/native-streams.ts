// The native receiver's per-stream figures (ns, its own names) as the agent's stream report: the same
// fields the JS counter (../load/stream-stats.ts) gives, in ms.
import type { RxStreamStats } from '@netspotter/native';
import type { StreamReport } from '../load/stream-stats.ts';

/** ns as ms: exact to well under a ns for any latency (transits are small integers of ns). */
const ms = (ns: number): number => ns / 1e6;

export function streamReport(s: RxStreamStats): StreamReport {
  const lat = s.latency;
  return {
    streamId: s.streamId,
    received: s.frames,
    unique: s.received,
    duplicates: s.duplicates,
    reordered: s.reordered,
    late: s.late,
    maxSeq: s.maxSeq,
    // Load streams start at seq 0, so loss is counted from there, as the JS counter does.
    lostEstimate: s.maxSeq + 1 - s.received,
    latencyMs: lat.count
      ? {
          min: ms(lat.minNs),
          mean: ms(lat.meanNs),
          p50: ms(lat.p50Ns),
          p99: ms(lat.p99Ns),
          max: ms(lat.maxNs),
        }
      : null,
    jitterMs: ms(lat.jitterNs),
    perSecond: (s.perSecond ?? []).map((x) => ({
      second: x.second,
      received: x.received,
      latencyMeanMs: x.latencyCount ? ms(x.meanNs) : null,
      latencyP50Ms: x.latencyCount ? ms(x.p50Ns) : null,
      latencyP99Ms: x.latencyCount ? ms(x.p99Ns) : null,
    })),
  };
}
