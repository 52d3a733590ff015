// Jobs (one agent's share of a run) and the results agents uploaded for them.
import { Type } from 'typebox';
import { Int32 } from '@netspotter/shared';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import type { Job, JobAttempt, JobResult } from '../db/generated/client.ts';
import { IdParams, Nullable, errors } from '../http/schemas.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { actor } from '../http/auth.ts';
import { audited } from '../services/audit.ts';
import { ACTIVE, endJobs } from '../agents/jobs.ts';

const JobState = Type.Union([
  Type.Literal('queued'),
  Type.Literal('leased'),
  Type.Literal('running'),
  Type.Literal('done'),
  Type.Literal('failed'),
  Type.Literal('expired'),
  Type.Literal('cancelled'),
]);
const JobSchema = Type.Object({
  id: Type.String(),
  runId: Type.String(),
  agentId: Type.String(),
  participant: Type.String(),
  state: Type.String(),
  plan: Type.Unknown(),
  startAt: Type.String(),
  leaseDeadline: Nullable(Type.String()),
  leasedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  message: Nullable(Type.String()),
  outcome: Type.Unknown(),
  clockOffsetMs: Nullable(Type.Number()),
  engine: Nullable(Type.String()),
  attempt: Type.Integer({ description: '1, plus one per re-queue after its agent was lost' }),
  requeueUntil: Nullable(
    Type.String({ description: 'end of the re-queue window (task requeueOnAgentLoss), else null' }),
  ),
  attempts: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      leasedAt: Type.String({ description: 'when the agent leased this attempt' }),
      startAt: Type.String(),
      lostAt: Nullable(
        Type.String({ description: 'when its agent was declared lost during this attempt, else null' }),
      ),
      lostReason: Nullable(Type.String()),
    }),
    {
      description:
        'the attempts leased so far, oldest first (empty for jobs leased before attempts were kept)',
    },
  ),
});
const ResultSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  at: Type.String(),
  data: Type.Unknown(),
  receivedAt: Type.String(),
  attempt: Type.Integer({
    description: 'the job attempt the result belongs to (1 for results stored before attempts were kept)',
  }),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
const withAttempts = { attempts: { orderBy: { attempt: 'asc' } } } as const;
const toAttempt = (a: JobAttempt) => ({
  attempt: a.attempt,
  leasedAt: a.leasedAt.toISOString(),
  startAt: a.startAt.toISOString(),
  lostAt: iso(a.lostAt),
  lostReason: a.lostReason,
});
export const toJob = (j: Job & { attempts: JobAttempt[] }) => ({
  id: j.id,
  runId: j.runId,
  agentId: j.agentId,
  participant: j.participant,
  state: j.state,
  plan: j.plan,
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
      querystring: Type.Object(
        {
          runId: Type.Optional(Type.String({ maxLength: 64 })),
          agentId: Type.Optional(Type.String({ maxLength: 64 })),
          state: Type.Optional(JobState),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        },
        { additionalProperties: false },
      ),
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
      querystring: Type.Object(
        {
          kind: Type.Optional(Type.String({ maxLength: 16 })),
          attempt: Type.Optional(Int32({ minimum: 1 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Array(ResultSchema), ...errors(400, 401, 404) },
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
      await audited(ctx.db, actor(req), async (tx, audit) => {
        await endJobs({ prisma: tx }, { id: job.id }, 'cancelled', `cancelled by ${actor(req).username}`);
        await audit('cancel', 'job', job.id);
      });
      return toJob(await findJob(job.id));
    },
  });
}
