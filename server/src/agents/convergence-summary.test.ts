import { describe, expect, it } from 'vitest';
import type { StreamGaps } from '@netspotter/shared/results';
import { summariseConvergence, type FinishedConvergenceJob } from './convergence-summary.ts';
import { convergenceTimeline } from './convergence-timeline.ts';

// The sender's clock runs 40 ms behind the server's (offset +40); seq n is sent at T0 + n ms (1,000 pps).
const START = Date.parse('2026-12-05T04:00:00.000Z');
const T0 = START - 40;
const sender = (sent: number): FinishedConvergenceJob => ({
  participant: 'a (sender)',
  clockOffsetMs: 40,
  outcome: {
    steps: [{ step: 0, op: 'stream', outcome: 'pass', sent }],
    streams: [{ role: 'sender', streamId: 1, sent }],
  },
});
const receiver = (
  gaps: Omit<StreamGaps, 'step' | 'streamId'>[],
  joinedAtMs?: number,
): FinishedConvergenceJob => ({
  participant: 'b (receiver)',
  clockOffsetMs: -10,
  outcome: {
    steps: [{ step: 0, op: 'receive', outcome: 'pass', ...(joinedAtMs !== undefined && { joinedAtMs }) }],
    gaps: gaps.map((g) => ({ step: 0, streamId: 1, ...g })),
  },
});
const at = (seq: number) => ({ seq, txMs: T0 + seq, rxMs: T0 + seq + 0.3 });
const stream = (over: Partial<StreamGaps>) => ({
  received: 0,
  duplicates: 0,
  reordered: 0,
  first: at(0),
  last: at(9999),
  gaps: [],
  gapsOmitted: 0,
  ...over,
});

describe('summariseConvergence', () => {
  it('a gap of missing frames is an outage of that many ms at 1,000 pps, placed by the send times on the server clock', () => {
    const gap = { fromSeq: 2000, toSeq: 2499, beforeTxMs: T0 + 1999, afterTxMs: T0 + 2500 };
    const [line] = summariseConvergence(
      [sender(10_000), receiver([stream({ received: 9500, gaps: [gap] })])],
      1000,
      START,
    );
    expect(line).toMatchObject({
      receiver: 'b (receiver)',
      sender: 'a (sender)',
      sent: 10_000,
      lost: 500,
      totalOutageMs: 500,
      longestOutageMs: 500,
      joinLatencyMs: null,
      outages: [
        {
          startAt: new Date(START + 2000).toISOString(),
          offsetMs: 2000,
          durationMs: 500,
          lost: 500,
          fromSeq: 2000,
          toSeq: 2499,
          sendTimeGapMs: 500,
        },
      ],
    });
  });

  it('at another rate each frame counts 1000/pps ms', () => {
    const gap = { fromSeq: 10, toSeq: 19, beforeTxMs: T0 + 9 * 5, afterTxMs: T0 + 20 * 5 };
    const [line] = summariseConvergence(
      [sender(1000), receiver([stream({ received: 990, last: { seq: 999, txMs: T0 + 4995 }, gaps: [gap] })])],
      200,
      START,
    );
    expect(line!.outages).toEqual([
      expect.objectContaining({ durationMs: 50, offsetMs: 50, sendTimeGapMs: 50 }),
    ]);
  });

  it('loss at the start and at the end counts, up to the sender count', () => {
    const [line] = summariseConvergence(
      [sender(10_000), receiver([stream({ received: 9000, first: at(300), last: at(9299) })])],
      1000,
      START,
    );
    expect(line!.outages.map((o) => [o.fromSeq, o.toSeq, o.offsetMs, o.durationMs, o.sendTimeGapMs])).toEqual(
      [
        [0, 299, 0, 300, null],
        [9300, 9999, 9300, 700, null],
      ],
    );
    expect(line).toMatchObject({ totalOutageMs: 1000, longestOutageMs: 700, lost: 1000 });
  });

  it('a receiver that joined mid-run reports join latency on its own clock, and its pre-join frames are not outage', () => {
    const joinedAtMs = T0 + 3000;
    const [line] = summariseConvergence(
      [
        sender(10_000),
        receiver(
          [stream({ received: 6950, first: { seq: 3050, txMs: T0 + 3050, rxMs: joinedAtMs + 51.5 } })],
          joinedAtMs,
        ),
      ],
      1000,
      START,
    );
    expect(line).toMatchObject({
      joinLatencyMs: 51.5,
      joinedAt: new Date(joinedAtMs - 10).toISOString(),
      outages: [],
      totalOutageMs: 0,
      lost: 0,
    });
  });

  it('a stream that never arrived is one outage over the whole run; at a mid-run join, no join latency', () => {
    const [line] = summariseConvergence([sender(5000), receiver([])], 1000, START);
    expect(line).toMatchObject({
      received: 0,
      lost: 5000,
      totalOutageMs: 5000,
      outages: [{ offsetMs: 0, lost: 5000 }],
    });
    const [late] = summariseConvergence([sender(5000), receiver([], T0 + 1000)], 1000, START);
    expect(late).toMatchObject({ received: 0, outages: [], joinLatencyMs: null });
  });

  it('the timeline lines outages, joins, events and snapshots up by time', () => {
    const gap = { fromSeq: 2000, toSeq: 2499, beforeTxMs: T0 + 1999, afterTxMs: T0 + 2500 };
    const lines = summariseConvergence(
      [sender(10_000), receiver([stream({ received: 9500, gaps: [gap] })])],
      1000,
      START,
    );
    const timeline = convergenceTimeline(
      lines,
      [
        {
          id: '7',
          at: new Date(START + 1990),
          kind: 'link-removed',
          subject: 'link:sw1/p2',
          summary: 'link down',
        },
      ],
      [{ id: 'snap', takenAt: new Date(START + 5000) }],
      START,
    );
    expect(timeline.map((e) => [e.offsetMs, e.what, e.summary])).toEqual([
      [1990, 'event', 'link:sw1/p2: link down'],
      [2000, 'outage', 'b (receiver): stream 1 lost for 500 ms (500 frames)'],
      [5000, 'snapshot', 'topology snapshot taken'],
    ]);
  });
});
