// Agents: enrolment tokens, the agent list and sessions for people (admin/viewer), and the agent-facing
// protocol (enrol, heartbeat, lease, results, barriers) authenticated with the agent's own key.
import { Type } from 'typebox';
import {
  BarrierRequestSchema,
  BarrierResponseSchema,
  EnrolRequestSchema,
  EnrolResponseSchema,
  HeartbeatRequestSchema,
  HeartbeatResponseSchema,
  LeaseRequestSchema,
  LeaseResponseSchema,
  UploadRequestSchema,
  UploadResponseSchema,
  nowMs,
} from '@netspotter/agent/protocol/index';
import type { FastifyRequest } from 'fastify';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import type { Agent, AgentSession, EnrolmentToken } from '../db/generated/client.ts';
import { IdParams, Nullable, errors } from '../http/schemas.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { actor } from '../http/auth.ts';
import { audited } from '../services/audit.ts';
import { authenticateAgent, requireTransport } from '../agents/agent-auth.ts';
import { recordBeat } from '../agents/beats.ts';
import { createEnrolmentToken, enrol, enrolmentBlocked, setEnrolmentBlocked } from '../agents/enrolment.ts';
import { barrier, endJobs, leaseJob, storeResults, toLease } from '../agents/jobs.ts';
import { liveness } from '../agents/liveness.ts';
import { Sweeper } from '../agents/sweeper.ts';

const AgentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  state: Type.String(),
  hostname: Nullable(Type.String()),
  version: Nullable(Type.String()),
  facts: Type.Unknown(),
  lastSeenAt: Nullable(Type.String()),
  lastAddress: Nullable(Type.String()),
  clockOffsetMs: Nullable(Type.Number()),
  clockRttMs: Nullable(Type.Number()),
  disconnectedAt: Nullable(Type.String()),
  enrolledAt: Type.String(),
});
const SessionSchema = Type.Object({
  id: Type.String(),
  agentId: Type.String(),
  agentName: Type.String(),
  address: Nullable(Type.String()),
  version: Nullable(Type.String()),
  startedAt: Type.String(),
  lastSeenAt: Type.String(),
  endedAt: Nullable(Type.String()),
  endReason: Nullable(Type.String()),
});
const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  usedAt: Nullable(Type.String()),
  agentId: Nullable(Type.String()),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
const toToken = (t: EnrolmentToken) => ({
  ...t,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt.toISOString(),
  usedAt: iso(t.usedAt),
});
const toSession = (s: AgentSession & { agent: { name: string } }) => ({
  id: s.id,
  agentId: s.agentId,
  agentName: s.agent.name,
  address: s.address,
  version: s.version,
  startedAt: s.startedAt.toISOString(),
  lastSeenAt: s.lastSeenAt.toISOString(),
  endedAt: iso(s.endedAt),
  endReason: s.endReason,
});

/** The client address, without the IPv4-mapped prefix (unknown once a client went away mid-request). */
const clientAddress = (req: FastifyRequest) => (req.ip ?? 'unknown').replace(/^::ffff:(?=\d+\.)/, '');

export function agentRoutes(app: App, ctx: AppContext) {
  const { prisma } = ctx.db;
  const { config } = ctx;
  const sweeper = new Sweeper(ctx.db, config, app.log);
  // Long-polls end when the server closes, so shutdown does not wait out a 25 s lease.
  const closing = new AbortController();
  app.addHook('onReady', async () => sweeper.start());
  app.addHook('preClose', async () => closing.abort());
  app.addHook('onClose', async () => sweeper.stop());
  const untilGone = (reply: { raw: { once(e: 'close', f: () => void): unknown } }) => {
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort());
    return AbortSignal.any([gone.signal, closing.signal]);
  };

  // The state shown is computed now, so it is exact even between two sweeps.
  const toAgent = (a: Agent) => ({
    id: a.id,
    name: a.name,
    state: a.disconnectedAt
      ? 'disconnected'
      : liveness(a.lastSeenAt, Date.now(), config.agentHeartbeatSeconds),
    hostname: a.hostname,
    version: a.version,
    facts: a.facts,
    lastSeenAt: iso(a.lastSeenAt),
    lastAddress: a.lastAddress,
    clockOffsetMs: a.clockOffsetMs,
    clockRttMs: a.clockRttMs,
    disconnectedAt: iso(a.disconnectedAt),
    enrolledAt: a.enrolledAt.toISOString(),
  });
  const findAgent = async (id: string) => {
    const a = await prisma.agent.findUnique({ where: { id } });
    if (!a) throw notFound('agent');
    return a;
  };

  // ---- people ---------------------------------------------------------------------------------
  app.post('/api/agents/enrolment-tokens', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary: 'Create a one-time enrolment token (shown once; carries the server certificate fingerprint)',
      body: Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 200 }),
          ttlMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 24 * 60, default: 60 })),
        },
        { additionalProperties: false },
      ),
      response: {
        201: Type.Intersect([
          TokenSchema,
          Type.Object({ token: Type.String(), fingerprint: Nullable(Type.String()) }),
        ]),
        ...errors(400, 401, 403),
      },
    },
    handler: async (req, reply) => {
      const t = await createEnrolmentToken(
        ctx.db,
        config,
        actor(req),
        req.body.name,
        req.body.ttlMinutes ?? 60,
      );
      return reply.status(201).send({ ...toToken(t), token: t.token, fingerprint: t.fingerprint });
    },
  });
  app.get('/api/agents/enrolment-tokens', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary: 'Enrolment tokens (never their secret)',
      response: { 200: Type.Array(TokenSchema), ...errors(401, 403) },
    },
    handler: async () =>
      (await prisma.enrolmentToken.findMany({ orderBy: { createdAt: 'desc' } })).map(toToken),
  });
  app.get('/api/agents/enrolment', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['agents'],
      summary: 'Whether new enrolments are blocked',
      response: { 200: Type.Object({ blocked: Type.Boolean() }), ...errors(401) },
    },
    handler: async () => ({ blocked: await enrolmentBlocked(ctx.db) }),
  });
  app.put('/api/agents/enrolment', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary: 'Block or allow new enrolments',
      body: Type.Object({ blocked: Type.Boolean() }, { additionalProperties: false }),
      response: { 200: Type.Object({ blocked: Type.Boolean() }), ...errors(400, 401, 403) },
    },
    handler: async (req) => {
      await setEnrolmentBlocked(ctx.db, actor(req), req.body.blocked);
      return { blocked: req.body.blocked };
    },
  });
  app.get('/api/agents', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['agents'],
      summary: 'Agents with their live state',
      response: { 200: Type.Array(AgentSchema), ...errors(401) },
    },
    handler: async () => (await prisma.agent.findMany({ orderBy: { name: 'asc' } })).map(toAgent),
  });
  app.get('/api/agents/sessions', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['agents'],
      summary: 'Agent sessions, newest first (open ones have no endedAt)',
      querystring: Type.Object(
        {
          agentId: Type.Optional(Type.String({ maxLength: 64 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Array(SessionSchema), ...errors(400, 401) },
    },
    handler: async (req) =>
      (
        await prisma.agentSession.findMany({
          where: req.query.agentId ? { agentId: req.query.agentId } : {},
          include: { agent: { select: { name: true } } },
          orderBy: { startedAt: 'desc' },
          take: req.query.limit ?? 100,
        })
      ).map(toSession),
  });
  app.get('/api/agents/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['agents'],
      summary: 'One agent with its host facts',
      params: IdParams,
      response: { 200: AgentSchema, ...errors(401, 404) },
    },
    handler: async (req) => toAgent(await findAgent(req.params.id)),
  });
  app.post('/api/agents/:id/disconnect', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary: 'Disconnect an agent: its key stops working and its active jobs fail',
      params: IdParams,
      response: { 200: AgentSchema, ...errors(401, 403, 404) },
    },
    handler: async (req) => {
      const a = await findAgent(req.params.id);
      const now = new Date();
      const updated = await audited(ctx.db, actor(req), async (tx, audit) => {
        const disconnected = await tx.agent.update({
          where: { id: a.id },
          data: { state: 'disconnected', disconnectedAt: now },
        });
        await tx.agentSession.updateMany({
          where: { agentId: a.id, endedAt: null },
          data: { endedAt: now, endReason: 'disconnected by admin' },
        });
        await endJobs(
          { prisma: tx },
          { agentId: a.id },
          'failed',
          `agent "${a.name}" was disconnected by ${actor(req).username}`,
        );
        await audit('disconnect', 'agent', a.id, { reason: 'admin' });
        return disconnected;
      });
      return toAgent(updated);
    },
  });
  app.post('/api/agents/:id/reconnect', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary: 'Let a disconnected agent connect again',
      params: IdParams,
      response: { 200: AgentSchema, ...errors(401, 403, 404) },
    },
    handler: async (req) => {
      const a = await findAgent(req.params.id);
      const updated = await audited(ctx.db, actor(req), async (tx, audit) => {
        const allowed = await tx.agent.update({
          where: { id: a.id },
          data: { state: 'offline', disconnectedAt: null },
        });
        await audit('update', 'agent', a.id, { allowed: true });
        return allowed;
      });
      return toAgent(updated);
    },
  });
  app.delete('/api/agents/:id', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary: 'Remove an agent with its jobs',
      params: IdParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404) },
    },
    handler: async (req, reply) => {
      const a = await findAgent(req.params.id);
      await audited(ctx.db, actor(req), async (tx, audit) => {
        await tx.agent.delete({ where: { id: a.id } });
        await audit('delete', 'agent', a.id, { name: a.name });
      });
      return reply.status(204).send(null);
    },
  });

  // ---- the agent protocol ---------------------------------------------------------------------
  app.post('/api/agent/enrol', {
    config: { minRole: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: {
      tags: ['agent protocol'],
      summary: 'Enrol with a one-time token; answers the agent id and key (shown once)',
      body: EnrolRequestSchema,
      response: { 201: EnrolResponseSchema, ...errors(400, 401, 403, 409) },
    },
    handler: async (req, reply) => {
      requireTransport(config, req);
      return reply.status(201).send(await enrol(ctx.db, config, req.body, clientAddress(req)));
    },
  });
  // t1 as early as possible: time spent before the handler (routing, parsing, validation) would bias
  // the offset. The HTTP server's own 'request' event comes first (before Fastify's routing); injected
  // requests have none, so the route's onRequest stamps them. Sub-ms stamps (nowMs): Date.now()'s 1 ms
  // steps alone would put every offset on a 0.5 ms grid.
  type Stamped = { receivedAt?: number };
  app.server.prependListener('request', (raw: Stamped) => {
    raw.receivedAt = nowMs();
  });
  const stampReceipt = async (req: FastifyRequest) => {
    (req.raw as Stamped).receivedAt ??= nowMs();
  };
  const receivedAt = (req: FastifyRequest) => (req.raw as Stamped).receivedAt ?? nowMs();
  app.post('/api/agent/time', {
    config: { minRole: 'public' },
    onRequest: stampReceipt,
    schema: {
      tags: ['agent protocol'],
      summary:
        'Clock probe: server receipt and reply times, with no database work between them (least round trip)',
      body: Type.Object({ t0: Type.Number() }, { additionalProperties: false }),
      response: { 200: Type.Object({ t1: Type.Number(), t2: Type.Number() }), ...errors(400, 403) },
    },
    handler: async (req) => {
      requireTransport(config, req);
      return { t1: receivedAt(req), t2: nowMs() };
    },
  });
  app.post('/api/agent/heartbeat', {
    config: { minRole: 'public' },
    onRequest: stampReceipt,
    schema: {
      tags: ['agent protocol'],
      summary:
        'Heartbeat: host facts, clock estimate and squeezed error events; answers server times (NTP-style) and jobs to stop',
      body: HeartbeatRequestSchema,
      response: { 200: HeartbeatResponseSchema, ...errors(400, 401, 403) },
    },
    handler: async (req) => {
      const t1 = receivedAt(req);
      const agent = await authenticateAgent(ctx.db, config, req);
      await recordBeat(ctx.db, config, agent, {
        address: clientAddress(req),
        ...(req.body.facts && { facts: req.body.facts }),
        ...(req.body.clock && { clock: req.body.clock }),
      });
      for (const e of req.body.events ?? [])
        req.log.warn({ agent: agent.name, event: e.message, count: e.count }, 'agent event');
      const stop = await prisma.job.findMany({
        where: {
          agentId: agent.id,
          state: { in: ['cancelled', 'failed', 'expired'] },
          finishedAt: { gt: new Date(t1 - 120_000) },
        },
        select: { id: true },
      });
      return {
        t1,
        t2: nowMs(),
        heartbeatSeconds: config.agentHeartbeatSeconds,
        stopJobs: stop.map((j) => j.id),
      };
    },
  });
  app.post('/api/agent/lease', {
    config: { minRole: 'public' },
    schema: {
      tags: ['agent protocol'],
      summary: 'Lease the next job (long-poll: waits up to waitMs for one; job null when none came)',
      body: LeaseRequestSchema,
      response: { 200: LeaseResponseSchema, ...errors(400, 401, 403) },
    },
    handler: async (req, reply) => {
      const agent = await authenticateAgent(ctx.db, config, req);
      await recordBeat(ctx.db, config, agent, { address: clientAddress(req) });
      const job = await leaseJob(ctx.db, agent.id, req.body.waitMs, untilGone(reply));
      return { job: job && toLease(job) };
    },
  });
  const agentJob = async (req: FastifyRequest, jobId: string) => {
    const agent = await authenticateAgent(ctx.db, config, req);
    await recordBeat(ctx.db, config, agent, { address: clientAddress(req) });
    const job = await prisma.job.findUnique({ where: { id: jobId } });
    if (!job || job.agentId !== agent.id) throw new ApiError(404, 'not_found', 'no such job for this agent');
    return { agent, job };
  };
  app.post('/api/agent/jobs/:id/results', {
    config: { minRole: 'public' },
    schema: {
      tags: ['agent protocol'],
      summary:
        'Upload results (idempotent by result id); a `final` result closes the job. Each result is stored with the job attempt ' +
        'it names (the attempt of the lease it was recorded under), or for results without one the last attempt the agent ' +
        'leased before recording it, so late replays of a lost attempt keep that attempt',
      params: IdParams,
      body: UploadRequestSchema,
      response: { 200: UploadResponseSchema, ...errors(400, 401, 403, 404) },
    },
    handler: async (req) => {
      const { agent, job } = await agentJob(req, req.params.id);
      return storeResults(ctx.db, job, req.body.results, agent.clockOffsetMs ?? 0);
    },
  });
  app.post('/api/agent/jobs/:id/barrier', {
    config: { minRole: 'public' },
    schema: {
      tags: ['agent protocol'],
      summary: 'Arrive at a barrier and wait (long-poll) until every participant of the run has',
      params: IdParams,
      body: BarrierRequestSchema,
      response: { 200: BarrierResponseSchema, ...errors(400, 401, 403, 404) },
    },
    handler: async (req, reply) => {
      const { job } = await agentJob(req, req.params.id);
      return barrier(ctx.db, job, req.body.name, req.body.waitMs, untilGone(reply), req.body.attempt);
    },
  });
}
