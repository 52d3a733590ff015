// Tasks (a kind + typed arguments), running them now, and their runs.
import { Type } from 'typebox';
import {
  NewTaskBodySchema,
  RunSchema,
  RunsQuerySchema,
  TaskChangeBodySchema,
  TaskKindSchema,
  TaskSchema,
} from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { actor } from '../http/auth.ts';
import { listKinds } from '../tasks/registry.ts';
import {
  cancelRun,
  createTask,
  deleteTask,
  findRun,
  findTask,
  listRuns,
  listTasks,
  runTaskNow,
  toPublicRun,
  toPublicTask,
  updateTask,
} from '../services/tasks.ts';

export function taskRoutes(app: App, ctx: AppContext) {
  const { db } = ctx;

  app.get('/api/task-kinds', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary: 'Task kinds with the JSON Schema of their arguments',
      response: { 200: Type.Array(TaskKindSchema) },
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
    handler: async () => (await listTasks(db)).map(toPublicTask),
  });
  app.get('/api/tasks/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary: 'One task',
      params: IdParams,
      response: { 200: TaskSchema, ...errors(401, 404) },
    },
    handler: async (req) => toPublicTask(await findTask(db, req.params.id)),
  });
  app.post('/api/tasks', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Create a task; its args are checked against its kind’s schema',
      body: NewTaskBodySchema,
      response: { 201: TaskSchema, ...errors(400, 401, 403) },
    },
    handler: async (req, reply) =>
      reply.status(201).send(toPublicTask(await createTask(db, actor(req), req.body))),
  });
  app.patch('/api/tasks/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Rename a task or change its args',
      params: IdParams,
      body: TaskChangeBodySchema,
      response: { 200: TaskSchema, ...errors(400, 401, 403, 404) },
    },
    handler: async (req) => toPublicTask(await updateTask(db, actor(req), req.params.id, req.body)),
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
      await deleteTask(db, ctx.scheduler, actor(req), req.params.id);
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
    handler: async (req, reply) =>
      reply.status(202).send(toPublicRun(await runTaskNow(db, ctx.runner, actor(req), req.params.id))),
  });

  app.get('/api/runs', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary: 'Runs, newest first',
      querystring: RunsQuerySchema,
      response: { 200: Type.Array(RunSchema), ...errors(400, 401) },
    },
    handler: async (req) => (await listRuns(db, req.query)).map(toPublicRun),
  });
  app.get('/api/runs/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['tasks'],
      summary: 'One run with its progress and result',
      params: IdParams,
      response: { 200: RunSchema, ...errors(401, 404) },
    },
    handler: async (req) => toPublicRun(await findRun(db, req.params.id)),
  });
  app.post('/api/runs/:id/cancel', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['tasks'],
      summary: 'Cancel a queued or running run',
      params: IdParams,
      response: { 200: RunSchema, ...errors(401, 403, 404, 409) },
    },
    handler: async (req) => toPublicRun(await cancelRun(db, ctx.runner, actor(req), req.params.id)),
  });
}
