// Jobs (one agent's share of a run) and the results agents uploaded for them.
import { Type } from 'typebox';
import { JobSchema, JobsQuerySchema, ResultsQuerySchema, StoredResultSchema } from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { actor } from '../http/auth.ts';
import { cancelJob, findJob, jobResults, listJobs, toPublicJob } from '../services/jobs.ts';

export function jobRoutes(app: App, ctx: AppContext) {
  const { db } = ctx;
  app.get('/api/jobs', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['jobs'],
      summary: 'Jobs, newest first',
      querystring: JobsQuerySchema,
      response: { 200: Type.Array(JobSchema), ...errors(400, 401) },
    },
    handler: async (req) => (await listJobs(db, req.query)).map(toPublicJob),
  });
  app.get('/api/jobs/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['jobs'],
      summary: 'One job',
      params: IdParams,
      response: { 200: JobSchema, ...errors(401, 404) },
    },
    handler: async (req) => toPublicJob(await findJob(db, req.params.id)),
  });
  app.get('/api/jobs/:id/results', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['jobs'],
      summary:
        'Results an agent uploaded for a job (every attempt, each result naming its own), in agent time order',
      params: IdParams,
      querystring: ResultsQuerySchema,
      response: { 200: Type.Array(StoredResultSchema), ...errors(400, 401, 404) },
    },
    handler: async (req) => jobResults(db, req.params.id, req.query),
  });
  app.post('/api/jobs/:id/cancel', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['jobs'],
      summary: 'Cancel an active job (its agent stops it at the next beat)',
      params: IdParams,
      response: { 200: JobSchema, ...errors(401, 403, 404, 409) },
    },
    handler: async (req) => toPublicJob(await cancelJob(db, actor(req), req.params.id)),
  });
}
