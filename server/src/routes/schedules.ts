// Cron schedules of tasks.
import { Type } from 'typebox';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import type { Schedule } from '../db/generated/client.ts';
import { IdParams, Nullable, errors } from '../http/schemas.ts';
import { ApiError, badRequest } from '../http/errors.ts';
import { actor } from '../http/auth.ts';
import { audited } from '../services/audit.ts';
import { cronProblem, isValidTimezone, nextRuns } from '../scheduler/scheduler.ts';

const ScheduleSchema = Type.Object({
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

const toSchedule = (s: Schedule) => ({
  ...s,
  lastRunAt: s.lastRunAt?.toISOString() ?? null,
  nextRuns: s.enabled ? nextRuns(s.cron, s.timezone, 5).map((d) => d.toISOString()) : [],
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

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

/** The one cron and time-zone check: schedules and the preview both use it. */
export function checkSchedule(cron?: string, timezone?: string | null) {
  const problem = cron === undefined ? undefined : cronProblem(cron);
  if (problem) throw badRequest('cron', `invalid cron expression: ${problem}`);
  if (timezone && !isValidTimezone(timezone)) throw badRequest('timezone', `unknown time zone "${timezone}"`);
}

export function scheduleRoutes(app: App, ctx: AppContext) {
  const { prisma } = ctx.db;
  app.get('/api/schedules', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary: 'List schedules',
      querystring: Type.Object(
        { taskId: Type.Optional(Type.String({ maxLength: 64 })) },
        { additionalProperties: false },
      ),
      response: { 200: Type.Array(ScheduleSchema), ...errors(401) },
    },
    handler: async (req) =>
      (
        await prisma.schedule.findMany({
          where: { ...(req.query.taskId && { taskId: req.query.taskId }) },
          orderBy: { createdAt: 'asc' },
        })
      ).map(toSchedule),
  });
  app.post('/api/schedules', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Schedule a task with a cron expression',
      body: Type.Object(
        {
          taskId: Type.String({ minLength: 1, maxLength: 64 }),
          cron: Cron,
          timezone: Type.Optional(Timezone),
          enabled: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      response: { 201: ScheduleSchema, ...errors(400, 401, 403) },
    },
    handler: async (req, reply) => {
      checkSchedule(req.body.cron, req.body.timezone);
      if (!(await prisma.task.findUnique({ where: { id: req.body.taskId } })))
        throw badRequest('taskId', 'no such task');
      const s = await audited(ctx.db, actor(req), async (tx, audit) => {
        const created = await tx.schedule.create({
          data: {
            taskId: req.body.taskId,
            cron: req.body.cron,
            timezone: req.body.timezone ?? null,
            enabled: req.body.enabled ?? true,
          },
        });
        await audit('create', 'schedule', created.id, { taskId: created.taskId, cron: created.cron });
        return created;
      });
      await ctx.scheduler.reload();
      return reply.status(201).send(toSchedule(s));
    },
  });
  app.patch('/api/schedules/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Change a schedule',
      params: IdParams,
      body: Type.Object(
        {
          cron: Type.Optional(Cron),
          timezone: Type.Optional(Nullable(Timezone)),
          enabled: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
      response: { 200: ScheduleSchema, ...errors(400, 401, 403, 404) },
    },
    handler: async (req) => {
      checkSchedule(req.body.cron, req.body.timezone);
      if (!(await prisma.schedule.findUnique({ where: { id: req.params.id } })))
        throw new ApiError(404, 'not_found', 'schedule not found');
      const s = await audited(ctx.db, actor(req), async (tx, audit) => {
        const updated = await tx.schedule.update({ where: { id: req.params.id }, data: req.body });
        await audit('update', 'schedule', updated.id, req.body);
        return updated;
      });
      await ctx.scheduler.reload();
      return toSchedule(s);
    },
  });
  app.delete('/api/schedules/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Delete a schedule',
      params: IdParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404) },
    },
    handler: async (req, reply) => {
      const s = await prisma.schedule.findUnique({ where: { id: req.params.id } });
      if (!s) throw new ApiError(404, 'not_found', 'schedule not found');
      await audited(ctx.db, actor(req), async (tx, audit) => {
        await tx.schedule.delete({ where: { id: s.id } });
        await audit('delete', 'schedule', s.id, { taskId: s.taskId, cron: s.cron });
      });
      await ctx.scheduler.reload();
      return reply.status(204).send(null);
    },
  });
}
