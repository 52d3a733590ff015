// Tasks (a kind + typed arguments), running them now, and their runs.
import { Type } from 'typebox';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import type { Task, TaskRun } from '../db/generated/client.ts';
import { IdParams, Nullable, errors } from '../http/schemas.ts';
import { ApiError } from '../http/errors.ts';
import { actor } from '../http/auth.ts';
import { audited } from '../services/audit.ts';
import { cancelRun, queueRun } from '../tasks/runner.ts';
import { checkArgs, listKinds } from '../tasks/registry.ts';

const TaskSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  args: Type.Unknown(),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const RunState = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);
export const RunSchema = Type.Object({
  id: Type.String(),
  taskId: Type.String(),
  scheduleId: Nullable(Type.String()),
  trigger: Type.String(),
  state: RunState,
  message: Nullable(Type.String()),
  progress: Type.Unknown(),
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

const toTask = (t: Task) => ({
  ...t,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});
export const toRun = (r: TaskRun) => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  startedAt: r.startedAt?.toISOString() ?? null,
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

const Name = Type.String({ minLength: 1, maxLength: 200 });

export function taskRoutes(app: App, ctx: AppContext) {
  const { prisma } = ctx.db;
  const findTask = async (id: string) => {
    const t = await prisma.task.findUnique({ where: { id } });
    if (!t) throw new ApiError(404, 'not_found', 'task not found');
    return t;
  };

  app.get('/api/task-kinds', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary: 'Task kinds with the JSON Schema of their arguments',
      response: {
        200: Type.Array(
          Type.Object({ kind: Type.String(), description: Type.String(), argsSchema: Type.Unknown() }),
        ),
      },
    },
    handler: async () =>
      listKinds().map(({ kind, description, argsSchema }) => ({ kind, description, argsSchema })),
  });
  app.get('/api/tasks', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary: 'List tasks',
      response: { 200: Type.Array(TaskSchema), ...errors(401) },
    },
    handler: async () => (await prisma.task.findMany({ orderBy: { createdAt: 'desc' } })).map(toTask),
  });
  app.get('/api/tasks/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary: 'One task',
      params: IdParams,
      response: { 200: TaskSchema, ...errors(401, 404) },
    },
    handler: async (req) => toTask(await findTask(req.params.id)),
  });
  app.post('/api/tasks', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Create a task; its args are checked against its kind’s schema',
      body: Type.Object(
        {
          name: Name,
          kind: Type.String({ minLength: 1, maxLength: 64 }),
          args: Type.Optional(Type.Unknown()),
        },
        { additionalProperties: false },
      ),
      response: { 201: TaskSchema, ...errors(400, 401, 403) },
    },
    handler: async (req, reply) => {
      const args = checkArgs(req.body.kind, req.body.args) as object;
      const me = actor(req);
      const t = await audited(ctx.db, me, async (tx, audit) => {
        const created = await tx.task.create({
          data: { name: req.body.name, kind: req.body.kind, args, createdBy: me.username },
        });
        await audit('create', 'task', created.id, { name: created.name, kind: created.kind });
        return created;
      });
      return reply.status(201).send(toTask(t));
    },
  });
  app.patch('/api/tasks/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Rename a task or change its args',
      params: IdParams,
      body: Type.Object(
        { name: Type.Optional(Name), args: Type.Optional(Type.Unknown()) },
        { additionalProperties: false, minProperties: 1 },
      ),
      response: { 200: TaskSchema, ...errors(400, 401, 403, 404) },
    },
    handler: async (req) => {
      const existing = await findTask(req.params.id);
      const args =
        req.body.args === undefined ? undefined : (checkArgs(existing.kind, req.body.args) as object);
      const t = await audited(ctx.db, actor(req), async (tx, audit) => {
        const updated = await tx.task.update({
          where: { id: existing.id },
          data: { ...(req.body.name && { name: req.body.name }), ...(args && { args }) },
        });
        await audit('update', 'task', updated.id, { name: updated.name });
        return updated;
      });
      return toTask(t);
    },
  });
  app.delete('/api/tasks/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Delete a task with its schedules and runs',
      params: IdParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404) },
    },
    handler: async (req, reply) => {
      const t = await findTask(req.params.id);
      await audited(ctx.db, actor(req), async (tx, audit) => {
        await tx.task.delete({ where: { id: t.id } });
        await audit('delete', 'task', t.id, { name: t.name });
      });
      await ctx.scheduler.reload();
      return reply.status(204).send(null);
    },
  });
  app.post('/api/tasks/:id/run', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Run a task now',
      params: IdParams,
      response: { 202: RunSchema, ...errors(401, 403, 404) },
    },
    handler: async (req, reply) => {
      const t = await findTask(req.params.id);
      const run = await audited(ctx.db, actor(req), async (tx, audit) => {
        const queued = await queueRun(tx, t.id, 'manual');
        await audit('run', 'task', t.id, { runId: queued.id });
        return queued;
      });
      ctx.runner.kick();
      return reply.status(202).send(toRun(run));
    },
  });

  app.get('/api/runs', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary: 'Runs, newest first',
      querystring: Type.Object(
        {
          taskId: Type.Optional(Type.String({ maxLength: 64 })),
          state: Type.Optional(RunState),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Array(RunSchema), ...errors(400, 401) },
    },
    handler: async (req) =>
      (
        await prisma.taskRun.findMany({
          where: {
            ...(req.query.taskId && { taskId: req.query.taskId }),
            ...(req.query.state && { state: req.query.state }),
          },
          orderBy: { createdAt: 'desc' },
          take: req.query.limit ?? 100,
        })
      ).map(toRun),
  });
  app.get('/api/runs/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary: 'One run with its progress and result',
      params: IdParams,
      response: { 200: RunSchema, ...errors(401, 404) },
    },
    handler: async (req) => {
      const r = await prisma.taskRun.findUnique({ where: { id: req.params.id } });
      if (!r) throw new ApiError(404, 'not_found', 'run not found');
      return toRun(r);
    },
  });
  app.post('/api/runs/:id/cancel', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Cancel a queued or running run',
      params: IdParams,
      response: { 200: RunSchema, ...errors(401, 403, 404, 409) },
    },
    handler: async (req) => {
      const run = await audited(ctx.db, actor(req), async (tx, audit) => {
        const cancelled = await cancelRun(tx, req.params.id);
        await audit('cancel', 'run', cancelled.id);
        return cancelled;
      });
      ctx.runner.abort(run.id);
      return toRun(run);
    },
  });
}
