// Load-test results per receiver, as plotted: frames per second received against the senders' rate,
// frames lost per second, and one-way latency per second (the agents' per-second mean, and for a
// single-stream receiver its per-second p50/p99, shifted by the clock correction the server applied to
// the totals), with the run's p50/p99.

import type { Step } from '@netspotter/shared/agent-protocol';
import type { ReceiverLine, StreamSeries } from '@netspotter/shared/results';

type StreamStep = Extract<Step, { op: 'stream' }>;

/** What the plots read of a load job: its plan's streams (rate and duration) and its uploaded series. */
export interface LoadJob {
  participant: string;
  plan: {
    steps: ReadonlyArray<
      Pick<StreamStep, 'op' | 'streamId' | 'pps' | 'durationMs'> | { op: Exclude<Step['op'], 'stream'> }
    >;
  };
  series: StreamSeries[];
}

export interface ReceiverSeries {
  receiver: string;
  seconds: number[];
  received: number[];
  expected: number[];
  lost: number[];
  latencyMs: Array<number | null>;
  /** Per-second percentiles: only for a receiver of one stream (percentiles do not add up across streams). */
  latencyP50Ms?: Array<number | null>;
  latencyP99Ms?: Array<number | null>;
  totals: { sent: number | null; received: number; lost: number | null; lossRatio: number | null };
  p50?: number;
  p99?: number;
  jitterMs?: number;
}

interface Stream {
  pps: number;
  durationMs: number;
}

/** Frames a stream sends within second `s` of the run (the last second may be partial). */
const expectedIn = (st: Stream, s: number) => st.pps * Math.max(0, Math.min(1, st.durationMs / 1000 - s));

export function receiverSeries(jobs: LoadJob[], summary: ReceiverLine[]): ReceiverSeries[] {
  const streams = new Map<number, Stream>();
  for (const j of jobs)
    for (const st of j.plan.steps)
      if (st.op === 'stream') streams.set(st.streamId, { pps: st.pps, durationMs: st.durationMs });
  const out: ReceiverSeries[] = [];
  for (const j of jobs) {
    if (!j.plan.steps.some((st) => st.op === 'receive')) continue;
    const lines = summary.filter((r) => r.receiver === j.participant);
    const secondsSet = new Set<number>();
    for (const st of j.series) for (const p of st.perSecond) secondsSet.add(p.second);
    const longest = Math.max(0, ...[...streams.values()].map((s) => Math.ceil(s.durationMs / 1000)));
    for (let s = 0; s < longest; s++) secondsSet.add(s);
    const seconds = [...secondsSet].filter((s) => s >= 0).sort((a, b) => a - b);
    const shift = (id: number) => lines.find((l) => l.streamId === id)?.clockCorrectionMs ?? 0;
    const received = seconds.map((s) =>
      j.series.reduce((n, st) => n + (st.perSecond.find((p) => p.second === s)?.received ?? 0), 0),
    );
    const ids = lines.length ? lines.map((l) => l.streamId) : [...streams.keys()];
    const expected = seconds.map((s) =>
      ids.reduce((n, id) => n + (streams.has(id) ? expectedIn(streams.get(id)!, s) : 0), 0),
    );
    const latencyMs = seconds.map((s) => {
      let n = 0;
      let sum = 0;
      for (const st of j.series) {
        const p = st.perSecond.find((x) => x.second === s);
        if (p?.latencyMeanMs == null || p.received === 0) continue;
        n += p.received;
        sum += (p.latencyMeanMs + shift(st.streamId)) * p.received;
      }
      return n ? sum / n : null;
    });
    const sent = lines.every((l) => l.sent !== null) ? lines.reduce((n, l) => n + l.sent!, 0) : null;
    const lost = lines.every((l) => l.lost !== null) ? lines.reduce((n, l) => n + l.lost!, 0) : null;
    const got = lines.reduce((n, l) => n + l.received, 0);
    // Percentiles do not add up across streams: shown for a receiver of a single stream.
    const only = lines.length === 1 ? lines[0]!.latencyMs : null;
    const single = lines.length === 1 && j.series.length === 1 ? j.series[0]! : undefined;
    const perSecondPct = (key: 'latencyP50Ms' | 'latencyP99Ms') =>
      seconds.map((s) => {
        const v = single!.perSecond.find((p) => p.second === s)?.[key];
        return v == null ? null : v + shift(single!.streamId);
      });
    const hasPct = single?.perSecond.some((p) => p.latencyP50Ms != null) ?? false;
    out.push({
      receiver: j.participant,
      seconds,
      received,
      expected,
      lost: lossPerSecond(expected, received, lost),
      latencyMs,
      totals: { sent, received: got, lost, lossRatio: sent ? (lost ?? 0) / sent : null },
      ...(only && { p50: only.p50, p99: only.p99 }),
      ...(hasPct && {
        latencyP50Ms: perSecondPct('latencyP50Ms'),
        latencyP99Ms: perSecondPct('latencyP99Ms'),
      }),
      ...(lines.length === 1 && { jitterMs: lines[0]!.jitterMs }),
    });
  }
  return out;
}

/**
 * Frames lost per second, agreeing with the total lost: a frame sent at a second's edge arrives in the
 * next second, so a second's shortfall is first made up from the next second's surplus (frames in
 * flight, not lost). When the receiver's total is known the seconds are brought to add up to it (the
 * planned rate is not what was sent to the frame): the difference is settled from the last second back.
 */
export function lossPerSecond(expected: number[], received: number[], totalLost: number | null): number[] {
  const short = expected.map((e, i) => e - received[i]!);
  const lost = short.map((d, i) => Math.max(0, Math.round(d - Math.max(0, -(short[i + 1] ?? 0)))));
  if (totalLost === null) return lost;
  let rest = totalLost - lost.reduce((a, b) => a + b, 0);
  const last = Math.max(
    0,
    expected.findLastIndex((e) => e > 0),
  );
  if (rest > 0 && lost.length) lost[last] = lost[last]! + rest;
  for (let i = lost.length - 1; i >= 0 && rest < 0; i--) {
    const take = Math.min(lost[i]!, -rest);
    lost[i] = lost[i]! - take;
    rest += take;
  }
  return lost;
}

/** A colour from green (no loss) through amber to red (5 % or more lost), for tables and the topology. */
export function lossColour(ratio: number | null): string {
  if (ratio === null) return '#9aa5b1';
  if (ratio <= 0) return '#2e8540';
  if (ratio < 0.01) return '#c9a227';
  if (ratio < 0.05) return '#e07b00';
  return '#c62828';
}
