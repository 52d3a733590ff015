// A load stream's figures as the agents report them: the sender's totals, the receiver's totals and its
// per-second series. The one receiver-totals type: the agent's receiver builds it, the uploaded `stream`
// result and the job's summary carry it, the server's load summary reads it.
import Type, { type Static } from 'typebox';

export const LatencySummarySchema = Type.Object({
  min: Type.Number(),
  mean: Type.Number(),
  p50: Type.Number(),
  p99: Type.Number(),
  max: Type.Number(),
});
export type LatencySummary = Static<typeof LatencySummarySchema>;

/**
 * How far an end's stamps may read from the system clock, ms (0: kernel-stamped); absent from older agents.
 */
const StampError = Type.Optional(Type.Number({ minimum: 0 }));

export const SenderTotalsSchema = Type.Object({
  role: Type.Literal('sender'),
  streamId: Type.Integer({ minimum: 0 }),
  sent: Type.Integer({ minimum: 0 }),
  sendErrors: Type.Optional(Type.Integer({ minimum: 0 })),
  durationMs: Type.Optional(Type.Number()),
  achievedPps: Type.Optional(Type.Number()),
  stampErrorMs: StampError,
});
export type SenderTotals = Static<typeof SenderTotalsSchema>;

export const ReceiverTotalsSchema = Type.Object({
  role: Type.Literal('receiver'),
  streamId: Type.Integer({ minimum: 0 }),
  received: Type.Integer({ minimum: 0 }),
  /** Distinct sequence numbers received. */
  unique: Type.Integer({ minimum: 0 }),
  duplicates: Type.Integer({ minimum: 0 }),
  /** Frames that arrived after a frame with a higher sequence number. */
  reordered: Type.Integer({ minimum: 0 }),
  /** Frames whose one-way latency exceeded the late threshold. */
  late: Type.Integer({ minimum: 0 }),
  /** Highest sequence seen; lost is estimated up to it (the sender's count settles trailing losses). */
  maxSeq: Type.Optional(Type.Integer()),
  lostEstimate: Type.Optional(Type.Integer()),
  /** One-way latency on the receiver's clock minus the sender's stamps (no clock correction). */
  latencyMs: Type.Union([LatencySummarySchema, Type.Null()]),
  /** RFC 3550 interarrival jitter, ms. */
  jitterMs: Type.Number(),
  stampErrorMs: StampError,
  /**
   * The receive step's engine drops (frames that reached the host but not the counter: a full capture ring
   * or queue, for every stream of the step), and whether the kernel's ring drops are in them.
   */
  engineDropped: Type.Optional(Type.Integer({ minimum: 0 })),
  kernelDropsVisible: Type.Optional(Type.Boolean()),
});
export type ReceiverTotals = Static<typeof ReceiverTotalsSchema>;

export const StreamTotalsSchema = Type.Union([SenderTotalsSchema, ReceiverTotalsSchema]);
export type StreamTotals = Static<typeof StreamTotalsSchema>;

/** A receiver's figures for one second of the run (second 0 starts at the synchronised start). */
export const SecondStatsSchema = Type.Object({
  second: Type.Integer(),
  received: Type.Integer({ minimum: 0 }),
  latencyMeanMs: Type.Union([Type.Number(), Type.Null()]),
  /** Absent from agents older than the per-second percentiles. */
  latencyP50Ms: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  latencyP99Ms: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
});
export type SecondStats = Static<typeof SecondStatsSchema>;

/** The `series` result: one stream's per-second figures at one receiver. */
export const StreamSeriesSchema = Type.Object({
  streamId: Type.Integer({ minimum: 0 }),
  perSecond: Type.Array(SecondStatsSchema),
});
export type StreamSeries = Static<typeof StreamSeriesSchema>;
