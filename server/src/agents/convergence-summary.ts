// A convergence run's per-receiver outages from the agents' sequence gaps (pure). At a fixed rate each
// missing frame is one send interval of outage (1 ms at 1,000 pps); an outage is placed in time by the
// send times of the frames either side (the sender's clock, read as server time through its offset).
// Loss before the first frame counts for a receiver joined from the start (the join of a mid-run
// receiver is its join latency instead), and loss after the last frame up to the sender's count counts.
import type { ConvergenceLine, FinishedJob, Outage, StreamGaps } from '@netspotter/shared/results';

export type FinishedConvergenceJob = Pick<FinishedJob, 'participant' | 'clockOffsetMs' | 'outcome'>;

interface SenderOf {
  participant: string;
  sent: number;
  offsetMs: number;
}

export function summariseConvergence(
  jobs: FinishedConvergenceJob[],
  pps: number,
  startAtMs: number,
): ConvergenceLine[] {
  const period = 1000 / pps;
  const senders = new Map<number, SenderOf>();
  for (const j of jobs)
    for (const s of j.outcome?.streams ?? [])
      if (s.role === 'sender')
        senders.set(s.streamId, { participant: j.participant, sent: s.sent, offsetMs: j.clockOffsetMs ?? 0 });
  const lines: ConvergenceLine[] = [];
  for (const j of jobs) {
    const receives = (j.outcome?.steps ?? []).filter((s) => s.op === 'receive');
    for (const step of receives) {
      const reported = new Map(
        (j.outcome?.gaps ?? []).filter((g) => g.step === step.step).map((g) => [g.streamId, g]),
      );
      const receiver = receives.length > 1 ? `${j.participant} step ${step.step + 1}` : j.participant;
      // A stream that never arrived has no gaps report: it is all outage (or, mid-run, no join latency).
      for (const streamId of new Set([...senders.keys(), ...reported.keys()]))
        lines.push(
          lineOf(
            receiver,
            j.clockOffsetMs ?? 0,
            step.joinedAtMs,
            reported.get(streamId) ?? nothing(step.step, streamId),
            senders.get(streamId),
          ),
        );
    }
  }
  return lines;

  function lineOf(
    receiver: string,
    rxOffsetMs: number,
    joinedAtMs: number | undefined,
    g: StreamGaps,
    tx: SenderOf | undefined,
  ): ConvergenceLine {
    const txOffset = tx?.offsetMs ?? 0;
    const outage = (
      fromSeq: number,
      toSeq: number,
      startTxMs: number,
      sendTimeGapMs: number | null,
    ): Outage => {
      const at = startTxMs + txOffset;
      return {
        startAt: new Date(at).toISOString(),
        offsetMs: round(at - startAtMs),
        durationMs: round((toSeq - fromSeq + 1) * period),
        lost: toSeq - fromSeq + 1,
        fromSeq,
        toSeq,
        sendTimeGapMs: sendTimeGapMs === null ? null : round(sendTimeGapMs),
      };
    };
    const midRun = joinedAtMs !== undefined;
    const outages: Outage[] = [];
    const { first, last } = g;
    if (!first || !last) {
      if (!midRun && tx && tx.sent > 0) outages.push(outage(0, tx.sent - 1, startAtMs - txOffset, null));
    } else {
      if (!midRun && first.seq > 0)
        outages.push(outage(0, first.seq - 1, first.txMs - first.seq * period, null));
      for (const x of g.gaps) {
        const startTx =
          x.beforeTxMs === null ? x.afterTxMs - (x.toSeq - x.fromSeq + 1) * period : x.beforeTxMs + period;
        outages.push(
          outage(
            x.fromSeq,
            x.toSeq,
            startTx,
            x.beforeTxMs === null ? null : x.afterTxMs - x.beforeTxMs - period,
          ),
        );
      }
      if (tx && last.seq < tx.sent - 1)
        outages.push(outage(last.seq + 1, tx.sent - 1, last.txMs + period, null));
    }
    const durations = outages.map((o) => o.durationMs);
    // From the first frame a mid-run receiver got, else from the stream's first frame.
    const expected = tx ? tx.sent - (midRun ? (first?.seq ?? tx.sent) : 0) : null;
    return {
      receiver,
      sender: tx?.participant ?? null,
      streamId: g.streamId,
      sent: tx?.sent ?? null,
      received: g.received,
      duplicates: g.duplicates,
      reordered: g.reordered,
      outages,
      outagesOmitted: g.gapsOmitted,
      totalOutageMs: round(durations.reduce((a, b) => a + b, 0)),
      longestOutageMs: durations.length ? Math.max(...durations) : 0,
      lost: expected === null ? null : Math.max(0, expected - g.received),
      joinedAt: midRun ? new Date(joinedAtMs + rxOffsetMs).toISOString() : null,
      joinLatencyMs: midRun && first ? round(first.rxMs - joinedAtMs) : null,
    };
  }
}

const nothing = (step: number, streamId: number): StreamGaps => ({
  step,
  streamId,
  received: 0,
  duplicates: 0,
  reordered: 0,
  first: null,
  last: null,
  gaps: [],
  gapsOmitted: 0,
});

/** To the µs: finer figures only carry clock noise. */
const round = (ms: number) => Math.round(ms * 1000) / 1000;
