// Jobs (one agent's share of a run) and the results agents uploaded for them, as the API shows them.
import Type, { type Static } from 'typebox';
import { PlanSchema } from '../agent-protocol/plan.ts';
import { Int32 } from './bounds.ts';
import { Nullable } from './common.ts';

export const JobStateSchema = Type.Union([
  Type.Literal('queued'),
  Type.Literal('leased'),
  Type.Literal('running'),
  Type.Literal('done'),
  Type.Literal('failed'),
  Type.Literal('expired'),
  Type.Literal('cancelled'),
]);

export const JobAttemptSchema = Type.Object({
  attempt: Type.Integer(),
  leasedAt: Type.String({ description: 'when the agent leased this attempt' }),
  startAt: Type.String(),
  lostAt: Nullable(
    Type.String({ description: 'when its agent was declared lost during this attempt, else null' }),
  ),
  lostReason: Nullable(Type.String()),
});
export type JobAttempt = Static<typeof JobAttemptSchema>;

export const JobSchema = Type.Object({
  id: Type.String(),
  runId: Type.String(),
  agentId: Type.String(),
  participant: Type.String(),
  state: Type.String(),
  plan: PlanSchema,
  startAt: Type.String(),
  leaseDeadline: Nullable(Type.String()),
  leasedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  message: Nullable(Type.String()),
  /**
   * The summary of the job's final result as the agent sent it (JobSummary of @netspotter/shared/results).
   */
  outcome: Type.Unknown(),
  clockOffsetMs: Nullable(Type.Number()),
  engine: Nullable(Type.String()),
  attempt: Type.Integer({ description: '1, plus one per re-queue after its agent was lost' }),
  requeueUntil: Nullable(
    Type.String({ description: 'end of the re-queue window (task requeueOnAgentLoss), else null' }),
  ),
  attempts: Type.Array(JobAttemptSchema, {
    description: 'the attempts leased so far, oldest first (empty for jobs leased before attempts were kept)',
  }),
});
export type Job = Static<typeof JobSchema>;

export const JobsQuerySchema = Type.Object(
  {
    runId: Type.Optional(Type.String({ maxLength: 64 })),
    agentId: Type.Optional(Type.String({ maxLength: 64 })),
    state: Type.Optional(JobStateSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

/**
 * A stored result. Its data is as the agent sent it: read it with resultsOfKind (@netspotter/shared/results).
 */
export const StoredResultSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  at: Type.String(),
  data: Type.Unknown(),
  receivedAt: Type.String(),
  attempt: Type.Integer({
    description: 'the job attempt the result belongs to (1 for results stored before attempts were kept)',
  }),
});
export type StoredResult = Static<typeof StoredResultSchema>;

export const ResultsQuerySchema = Type.Object(
  {
    kind: Type.Optional(Type.String({ maxLength: 16 })),
    attempt: Type.Optional(Int32({ minimum: 1 })),
  },
  { additionalProperties: false },
);
