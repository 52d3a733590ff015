// The data of each kind of job result an agent uploads, and a validated reader for stored results:
// results are the agents' journal as they sent it, so a reader takes those of the shape it needs.
import Type, { type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { StepOutcomeSchema } from './step-outcome.ts';
import { StreamSeriesSchema, StreamTotalsSchema } from './stream-totals.ts';
import { StreamGapsSchema } from './stream-gaps.ts';

/** A job's summary in its final result: every step's outcome and stream's totals, or why it was refused. */
export const JobSummarySchema = Type.Object({
  steps: Type.Optional(Type.Array(StepOutcomeSchema)),
  streams: Type.Optional(Type.Array(StreamTotalsSchema)),
  /** Convergence receivers: each stream's sequence gaps with send times. */
  gaps: Type.Optional(Type.Array(StreamGapsSchema)),
  refused: Type.Optional(Type.Array(Type.String())),
});
export type JobSummary = Static<typeof JobSummarySchema>;

/** The data of a `final` result: it closes the job. */
export const FinalResultSchema = Type.Object({
  ok: Type.Boolean(),
  message: Type.String(),
  /** The agent's clock offset (server − agent, ms) when it ran the job. */
  clockOffsetMs: Type.Optional(Type.Number()),
  engine: Type.Optional(Type.String()),
  summary: Type.Optional(JobSummarySchema),
});
export type FinalResult = Static<typeof FinalResultSchema>;

/** The data of a `barrier` result: the server records each arrival. */
export const BarrierArrivalSchema = Type.Object({ name: Type.String() });
/** The data of an `event` result: something the agent noted while running the job. */
export const JobEventSchema = Type.Object({ message: Type.String() });

export const ResultDataSchemas = {
  step: StepOutcomeSchema,
  stream: StreamTotalsSchema,
  series: StreamSeriesSchema,
  event: JobEventSchema,
  barrier: BarrierArrivalSchema,
  final: FinalResultSchema,
} as const;
export type ResultDataKind = keyof typeof ResultDataSchemas;
export type ResultData<K extends ResultDataKind> = Static<(typeof ResultDataSchemas)[K]>;

/** The data of the results of one kind that have that kind's shape, in order. */
export function resultsOfKind<K extends ResultDataKind>(
  results: ReadonlyArray<{ kind: string; data: unknown }>,
  kind: K,
): ResultData<K>[] {
  const schema: TSchema = ResultDataSchemas[kind];
  return results.flatMap((r) =>
    r.kind === kind && Value.Check(schema, r.data) ? [r.data as ResultData<K>] : [],
  );
}
