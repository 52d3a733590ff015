// A load run's summary as the server computes it from the jobs' final results (the run's result.load):
// per receiver and stream, what the sender sent against what arrived, with clock-corrected latency.
import Type, { type Static } from 'typebox';
import { Nullable } from '../api/common.ts';
import { LatencySummarySchema } from './stream-totals.ts';

export const ReceiverLineSchema = Type.Object({
  receiver: Type.String(),
  sender: Nullable(Type.String()),
  streamId: Type.Integer(),
  sent: Nullable(Type.Integer()),
  /** Distinct frames received. */
  received: Type.Integer(),
  /** sent − received, so sent = received + lost holds. */
  lost: Nullable(Type.Integer()),
  duplicates: Type.Integer(),
  reordered: Type.Integer(),
  late: Type.Integer(),
  /** One-way latency corrected by both agents' clock offsets. */
  latencyMs: Nullable(LatencySummarySchema),
  /**
   * The correction applied (receiver offset − sender offset) and the raw figures, so an offset error shows.
   */
  clockCorrectionMs: Type.Number(),
  latencyUncorrectedMs: Type.Optional(Nullable(LatencySummarySchema)),
  /**
   * What the uncorrected figures can be off by on one host; null when an end did not report its stamping
   * error.
   */
  latencyResolutionMs: Type.Optional(Nullable(Type.Number())),
  jitterMs: Type.Number(),
  /**
   * Frames the receiving host's capture dropped during the receive step (all its streams): lost on the
   * host, not in the network. Null when the agent did not report it; a lower bound when `cap` captured,
   * which cannot see the kernel's drops.
   */
  receiverDropped: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
});
export type ReceiverLine = Static<typeof ReceiverLineSchema>;

export const LoadSummarySchema = Type.Object({
  senders: Type.Array(
    Type.Object({ streamId: Type.Integer(), participant: Type.String(), sent: Type.Integer() }),
  ),
  receivers: Type.Array(ReceiverLineSchema),
});
export type LoadSummary = Static<typeof LoadSummarySchema>;
