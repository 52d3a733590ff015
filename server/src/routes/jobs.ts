// Jobs (one agent's share of a run) and the results agents uploaded for them.
import { Type } from 'typebox';
import {
  JobSchema,
  JobsQuerySchema,
  ResultsQuerySchema,
  StoredResultSchema,
  type Job as JobOut,
} from '@netspotter/shared/api';
import { PlanSchema } from '@netspotter/shared/agent-protocol';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import type { Job, JobAttempt, JobResult } from '../db/generated/client.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { readJson } from '../db/json-column.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { actor } from '../http/auth.ts';
import { recordAudit } from '../services/audit.ts';
import { ACTIVE, endJobs } from '../agents/jobs.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;
const withAttempts = { attempts: { orderBy: { attempt: 'asc' } } } as const;
const toAttempt = (a: JobAttempt) => ({
  attempt: a.attempt,
  leasedAt: a.leasedAt.toISOString(),
  startAt: a.startAt.toISOString(),
  lostAt: iso(a.lostAt),
  lostReason: a.lostReason,
});
const toJob = (j: Job & { attempts: JobAttempt[] }): JobOut => ({
  id: j.id,
  runId: j.runId,
  agentId: j.agentId,
  participant: j.participant,
  state: j.state,
  plan: readJson(PlanSchema, j.plan, 'job.plan'),
  startAt: j.startAt.toISOString(),
  leaseDeadline: iso(j.leaseDeadline),
  leasedAt: iso(j.leasedAt),
  finishedAt: iso(j.finishedAt),
  message: j.message,
  outcome: j.outcome,
  clockOffsetMs: j.clockOffsetMs,
  engine: j.engine,
  attempt: j.attempt,
  requeueUntil: iso(j.requeueUntil),
  attempts: j.attempts.map(toAttempt),
});
const toResult = (r: JobResult) => ({
  id: r.id,
  kind: r.kind,
  at: r.at.toISOString(),
  data: r.data,
  receivedAt: r.receivedAt.toISOString(),
  attempt: r.attempt,
});

export function jobRoutes(app: App, ctx: AppContext) {
  const { prisma } = ctx.db;
  const findJob = async (id: string) => {
    const j = await prisma.job.findUnique({ where: { id }, include: withAttempts });
    if (!j) throw notFound('job');
    return j;
  };
  app.get('/api/jobs', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['jobs'],
      summary: 'Jobs, newest first',
      querystring: JobsQuerySchema,
      response: { 200: Type.Array(JobSchema), ...errors(400, 401) },
    },
    handler: async (req) => {
      const { runId, agentId, state, limit } = req.query;
      const rows = await prisma.job.findMany({
        where: { ...(runId && { runId }), ...(agentId && { agentId }), ...(state && { state }) },
        orderBy: { createdAt: 'desc' },
        take: limit ?? 100,
        include: withAttempts,
      });
      return rows.map(toJob);
    },
  });
  app.get('/api/jobs/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['jobs'],
      summary: 'One job',
      params: IdParams,
      response: { 200: JobSchema, ...errors(401, 404) },
    },
    handler: async (req) => toJob(await findJob(req.params.id)),
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
    handler: async (req) => {
      const job = await findJob(req.params.id);
      const rows = await prisma.jobResult.findMany({
        where: {
          jobId: job.id,
          ...(req.query.kind && { kind: req.query.kind }),
          ...(req.query.attempt && { attempt: req.query.attempt }),
        },
        orderBy: [{ at: 'asc' }, { receivedAt: 'asc' }],
      });
      return rows.map(toResult);
    },
  });
  app.post('/api/jobs/:id/cancel', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['jobs'],
      summary: 'Cancel an active job (its agent stops it at the next beat)',
      params: IdParams,
      response: { 200: JobSchema, ...errors(401, 403, 404, 409) },
    },
    handler: async (req) => {
      const job = await findJob(req.params.id);
      if (!ACTIVE.includes(job.state))
        throw new ApiError(409, 'conflict', `job already ${job.state}`, 'state');
      await endJobs(ctx.db, { id: job.id }, 'cancelled', `cancelled by ${actor(req).username}`);
      await recordAudit(ctx.db, actor(req), 'cancel', 'job', job.id);
      return toJob(await findJob(job.id));
    },
  });
}
