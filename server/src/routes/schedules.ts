// Cron schedules of tasks.
import { Type } from 'typebox';
import { NewScheduleBodySchema, ScheduleChangeBodySchema, ScheduleSchema } from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { actor } from '../http/auth.ts';
import {
  createSchedule,
  deleteSchedule,
  listSchedules,
  toPublicSchedule,
  updateSchedule,
} from '../services/schedules.ts';

export function scheduleRoutes(app: App, ctx: AppContext) {
  const { db, scheduler } = ctx;
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
    handler: async (req) => (await listSchedules(db, req.query)).map(toPublicSchedule),
  });
  app.post('/api/schedules', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Schedule a task with a cron expression',
      body: NewScheduleBodySchema,
      response: { 201: ScheduleSchema, ...errors(400, 401, 403) },
    },
    handler: async (req, reply) =>
      reply.status(201).send(toPublicSchedule(await createSchedule(db, scheduler, actor(req), req.body))),
  });
  app.patch('/api/schedules/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Change a schedule',
      params: IdParams,
      body: ScheduleChangeBodySchema,
      response: { 200: ScheduleSchema, ...errors(400, 401, 403, 404) },
    },
    handler: async (req) =>
      toPublicSchedule(await updateSchedule(db, scheduler, actor(req), req.params.id, req.body)),
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
      await deleteSchedule(db, scheduler, actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  });
}
