// A convergence receiver's sequence gaps per stream, as the agent reports them in its job summary: each
// run of missing sequence numbers with the send times of the frames either side, so the server can turn
// them into outage intervals (at N pps each lost frame is 1000/N ms of outage) on the sender's clock.
import Type, { type Static } from 'typebox';
import { Nullable } from '../api/common.ts';

/**
 * Most gaps a receiver reports per stream, the longest kept; more are counted in `gapsOmitted` (their loss
 * stays in the totals). Bounded so a job's final result stays well inside the server's 1 MiB body limit
 * (a gap is about 100 bytes of JSON; a job may receive up to 16 streams).
 */
export const MAX_REPORTED_GAPS = 200;

export const SeqGapSchema = Type.Object({
  /** First and last missing sequence number. */
  fromSeq: Type.Integer({ minimum: 0 }),
  toSeq: Type.Integer({ minimum: 0 }),
  /** Send time (sender's clock, ms since the epoch) of the frame just before the gap; null: the gap opens the stream. */
  beforeTxMs: Nullable(Type.Number()),
  /** Send time of the frame just after the gap. */
  afterTxMs: Type.Number(),
});
export type SeqGap = Static<typeof SeqGapSchema>;

export const StreamGapsSchema = Type.Object({
  /** The receive step (its number in the plan) and the stream. */
  step: Type.Integer({ minimum: 0 }),
  streamId: Type.Integer({ minimum: 0 }),
  /** Distinct sequence numbers received (frames before a mid-run join are not counted). */
  received: Type.Integer({ minimum: 0 }),
  duplicates: Type.Integer({ minimum: 0 }),
  reordered: Type.Integer({ minimum: 0 }),
  /** The lowest and highest sequence received, with their send times and the first one's receive time. */
  first: Nullable(
    Type.Object({ seq: Type.Integer({ minimum: 0 }), txMs: Type.Number(), rxMs: Type.Number() }),
  ),
  last: Nullable(Type.Object({ seq: Type.Integer({ minimum: 0 }), txMs: Type.Number() })),
  /** Runs of missing sequence numbers between first and last, ascending (the longest, when some were omitted). */
  gaps: Type.Array(SeqGapSchema),
  gapsOmitted: Type.Integer({ minimum: 0 }),
});
export type StreamGaps = Static<typeof StreamGapsSchema>;
