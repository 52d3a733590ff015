// A convergence run's summary as the server computes it (the run's result.convergence): per receiver
// and stream, each outage (from sequence gaps at a fixed rate, placed in time by the send times and
// the sender's clock offset), totals, join latency of a receiver that joined mid-run, and a timeline
// that lines the outages up with the events and snapshots recorded while the run lasted.
import Type, { type Static } from 'typebox';
import { Nullable } from '../api/common.ts';

export const OutageSchema = Type.Object({
  /** When the first missing frame was due to be sent, on the server's clock (ISO). */
  startAt: Type.String(),
  /** From the run's synchronised start, ms. */
  offsetMs: Type.Number(),
  /** Missing frames × the send interval (1 ms at 1,000 pps). */
  durationMs: Type.Number(),
  lost: Type.Integer({ minimum: 1 }),
  fromSeq: Type.Integer({ minimum: 0 }),
  toSeq: Type.Integer({ minimum: 0 }),
  /** Between the send times of the frames either side, less one interval: a check on the count; null at the edges. */
  sendTimeGapMs: Nullable(Type.Number()),
});
export type Outage = Static<typeof OutageSchema>;

export const ConvergenceLineSchema = Type.Object({
  receiver: Type.String(),
  sender: Nullable(Type.String()),
  streamId: Type.Integer(),
  sent: Nullable(Type.Integer()),
  received: Type.Integer(),
  duplicates: Type.Integer(),
  reordered: Type.Integer(),
  outages: Type.Array(OutageSchema),
  /** Gaps the agent did not itemise (beyond its limit); their loss is in lost, not in the outages. */
  outagesOmitted: Type.Integer(),
  /** Of the itemised outages (the agent keeps the longest when there are more than it reports). */
  totalOutageMs: Type.Number(),
  longestOutageMs: Type.Number(),
  lost: Nullable(Type.Integer()),
  /** A receiver that joined mid-run: its join on the server's clock, and from it to the first frame, ms. */
  joinedAt: Nullable(Type.String()),
  joinLatencyMs: Nullable(Type.Number()),
});
export type ConvergenceLine = Static<typeof ConvergenceLineSchema>;

export const TimelineEntrySchema = Type.Object({
  at: Type.String(),
  offsetMs: Type.Number(),
  what: Type.Union([
    Type.Literal('outage'),
    Type.Literal('join'),
    Type.Literal('event'),
    Type.Literal('snapshot'),
  ]),
  summary: Type.String(),
  receiver: Type.Optional(Type.String()),
  durationMs: Type.Optional(Type.Number()),
  eventId: Type.Optional(Type.String()),
  eventKind: Type.Optional(Type.String()),
  snapshotId: Type.Optional(Type.String()),
});
export type TimelineEntry = Static<typeof TimelineEntrySchema>;

export const ConvergenceSummarySchema = Type.Object({
  pps: Type.Integer(),
  /** One lost frame's worth of outage, ms (1000 / pps). */
  resolutionMs: Type.Number(),
  receivers: Type.Array(ConvergenceLineSchema),
  /** Outages, joins, events and snapshots of the run's window in time order. */
  timeline: Type.Array(TimelineEntrySchema),
  /** Events of the window beyond the timeline's limit. */
  eventsOmitted: Type.Integer(),
});
export type ConvergenceSummary = Static<typeof ConvergenceSummarySchema>;
