// The result of a run whose work agents did (sequence and load tasks): its start, each job's end, and
// the kind's own figures (a load or convergence run's summary).
import Type, { type Static } from 'typebox';
import { Nullable } from '../api/common.ts';
import { JobSummarySchema } from './job-results.ts';
import { LoadSummarySchema } from './load-summary.ts';
import { ConvergenceSummarySchema } from './convergence-summary.ts';

export const FinishedJobSchema = Type.Object({
  id: Type.String(),
  participant: Type.String(),
  agentId: Type.String(),
  state: Type.String(),
  attempt: Type.Integer(),
  message: Nullable(Type.String()),
  clockOffsetMs: Nullable(Type.Number()),
  engine: Nullable(Type.String()),
  outcome: Nullable(JobSummarySchema),
});
export type FinishedJob = Static<typeof FinishedJobSchema>;

export const AgentRunResultSchema = Type.Object({
  startAt: Type.String(),
  jobs: Type.Array(FinishedJobSchema),
  load: Type.Optional(LoadSummarySchema),
  convergence: Type.Optional(ConvergenceSummarySchema),
});
export type AgentRunResult = Static<typeof AgentRunResultSchema>;
