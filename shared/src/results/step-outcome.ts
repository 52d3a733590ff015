// What an agent reports for one plan step: pass, fail or timeout, the mismatching field of an expect,
// and the step's counters.
import Type, { type Static } from 'typebox';
import { BarrierOriginSchema } from '../agent-protocol/plan.ts';

export const OutcomeSchema = Type.Union([
  Type.Literal('pass'),
  Type.Literal('fail'),
  Type.Literal('timeout'),
]);
export type Outcome = Static<typeof OutcomeSchema>;

export const StepOutcomeSchema = Type.Object({
  /**
   * The plan step's number (its index in the plan), and the definition step it came from (sequence plans).
   */
  step: Type.Integer({ minimum: 0 }),
  definitionStep: Type.Optional(Type.Integer({ minimum: 0 })),
  op: Type.String(),
  /** Barriers of sequence plans: the definition's own, or one the compiler added at a handover. */
  origin: Type.Optional(BarrierOriginSchema),
  outcome: OutcomeSchema,
  detail: Type.Optional(Type.String()),
  /** An expect that saw a near miss: the field that differed, what was expected and what came. */
  field: Type.Optional(Type.String()),
  expected: Type.Optional(Type.String()),
  actual: Type.Optional(Type.String()),
  /** send, stream: frames sent. */
  sent: Type.Optional(Type.Integer({ minimum: 0 })),
  /** expect, expect-none: frames that matched. */
  matched: Type.Optional(Type.Integer({ minimum: 0 })),
  /** expect: when the last matching frame came, from the start. */
  latencyFromStartMs: Type.Optional(Type.Number()),
  /** receive: streams seen, and frames that matched the filter without a signature. */
  streams: Type.Optional(Type.Integer({ minimum: 0 })),
  foreign: Type.Optional(Type.Integer({ minimum: 0 })),
  /** receive joining mid-run: when it joined, on the agent's clock (ms since the epoch). */
  joinedAtMs: Type.Optional(Type.Number()),
});
export type StepOutcome = Static<typeof StepOutcomeSchema>;
