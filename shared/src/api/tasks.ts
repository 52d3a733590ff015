// Tasks (a kind + typed arguments), their runs and their cron schedules as the API shows them.
import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';

export const TaskSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  /** Checked against the kind's schema (GET /api/task-kinds). */
  args: Type.Unknown(),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Task = Static<typeof TaskSchema>;

export const TaskKindSchema = Type.Object({
  kind: Type.String(),
  description: Type.String(),
  argsSchema: Type.Unknown(),
});
export type TaskKindInfo = Static<typeof TaskKindSchema>;

const TaskName = Type.String({ minLength: 1, maxLength: 200 });
export const NewTaskBodySchema = Type.Object(
  {
    name: TaskName,
    kind: Type.String({ minLength: 1, maxLength: 64 }),
    args: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
export const TaskChangeBodySchema = Type.Object(
  { name: Type.Optional(TaskName), args: Type.Optional(Type.Unknown()) },
  { additionalProperties: false, minProperties: 1 },
);

export const RunStateSchema = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);
export type RunStateName = Static<typeof RunStateSchema>;

export const RunSchema = Type.Object({
  id: Type.String(),
  taskId: Type.String(),
  scheduleId: Nullable(Type.String()),
  trigger: Type.String(),
  state: RunStateSchema,
  message: Nullable(Type.String()),
  progress: Type.Unknown(),
  /** By kind: agent runs (sequence, load) hold an AgentRunResult (@netspotter/shared/results). */
  result: Type.Unknown(),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  sequenceId: Nullable(
    Type.String({
      description:
        'sequence runs: the sequence the plans were compiled from (null for other kinds and runs before it was kept)',
    }),
  ),
  sequenceVersion: Nullable(
    Type.Integer({ description: 'sequence runs: the exact stored version compiled' }),
  ),
  sequenceName: Nullable(
    Type.String({ description: 'sequence runs: its name at the time (kept when the sequence is deleted)' }),
  ),
});
export type Run = Static<typeof RunSchema>;

export const RunsQuerySchema = Type.Object(
  {
    taskId: Type.Optional(Type.String({ maxLength: 64 })),
    state: Type.Optional(RunStateSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

export const ScheduleSchema = Type.Object({
  id: Type.String(),
  taskId: Type.String(),
  cron: Type.String(),
  timezone: Nullable(Type.String()),
  enabled: Type.Boolean(),
  lastRunAt: Nullable(Type.String()),
  nextRuns: Type.Array(Type.String(), { description: 'the next five fire times (empty when disabled)' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Schedule = Static<typeof ScheduleSchema>;

const Cron = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'cron expression, 5 or 6 fields (node-cron)',
});
const Timezone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'IANA time zone, e.g. Europe/Berlin',
});

export const NewScheduleBodySchema = Type.Object(
  {
    taskId: Type.String({ minLength: 1, maxLength: 64 }),
    cron: Cron,
    timezone: Type.Optional(Timezone),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const ScheduleChangeBodySchema = Type.Object(
  {
    cron: Type.Optional(Cron),
    timezone: Type.Optional(Nullable(Timezone)),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CronPreviewQuerySchema = Type.Object(
  {
    cron: Type.String({ minLength: 1, maxLength: 200 }),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 5 })),
  },
  { additionalProperties: false },
);
export const CronPreviewSchema = Type.Object({ nextRuns: Type.Array(Type.String()) });
export type CronPreview = Static<typeof CronPreviewSchema>;
