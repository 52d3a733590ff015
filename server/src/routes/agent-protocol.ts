// The agents' own protocol (enrol, clock probe, heartbeat, lease, results, barriers), authenticated with
// each agent's key; its shapes are @netspotter/shared/agent-protocol. Agents for people: agents.ts.
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
  OutdatedAgentSchema,
  RemotePollLeaseRequestSchema,
  RemotePollLeaseResponseSchema,
  RemotePollResultSchema,
  UninstallRequestSchema,
  UploadRequestSchema,
  UploadResponseSchema,
  nowMs,
} from '@netspotter/shared/agent-protocol';
import type { FastifyRequest } from 'fastify';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { authenticateAgent, clientAddress, requireTransport } from '../agents/agent-auth.ts';
import { recordBeat } from '../agents/beats.ts';
import { enrol } from '../agents/enrolment.ts';
import { barrier, findAgentJob, jobsToStop, leaseJob, storeResults, toLease } from '../agents/jobs.ts';
import { Sweeper } from '../agents/sweeper.ts';
import { headerVersion, requireCompatibleAgent } from '../agents/agent-version.ts';
import { archOf, recordUpdateProgress, updateOffer } from '../agents/updates.ts';
import { uninstallAgent } from '../services/agents.ts';
import { leaseRemotePoll, storeRemotePoll } from '../agents/remote-polls.ts';
import { DomainError } from '../domain-errors.ts';

/** Jobs an agent should stop: cancelled, failed or expired on the server within this window. */
const STOP_WINDOW_MS = 120_000;

export function agentProtocolRoutes(app: App, ctx: AppContext) {
  const { db, config } = ctx;
  const sweeper = new Sweeper(db, config, app.log);
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
  /** An authenticated agent whose release this server accepts (an outdated one is told to update). */
  const compatibleAgent = async (req: FastifyRequest) => {
    const agent = await authenticateAgent(db, config, req);
    await requireCompatibleAgent(headerVersion(req) ?? agent.version, archOf(agent), ctx.releases);
    return agent;
  };
  /** An agent's request: authenticated, and counted as a heartbeat. */
  const beatingAgent = async (req: FastifyRequest) => {
    const agent = await compatibleAgent(req);
    await recordBeat(db, config, agent, { address: clientAddress(req) });
    return agent;
  };

  app.post('/api/agent/enrol', {
    config: { minRole: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: {
      tags: ['agent protocol'],
      summary: 'Enrol with a one-time token; answers the agent id and key (shown once)',
      body: EnrolRequestSchema,
      response: { 201: EnrolResponseSchema, 426: OutdatedAgentSchema, ...errors(400, 401, 403, 409) },
    },
    handler: async (req, reply) => {
      requireTransport(config, req);
      const { facts } = req.body;
      await requireCompatibleAgent(headerVersion(req) ?? facts.agentVersion, facts.arch, ctx.releases);
      return reply.status(201).send(await enrol(db, config, req.body, clientAddress(req)));
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
        'Heartbeat: host facts, clock estimate, squeezed error events and update progress; answers server times ' +
        '(NTP-style), jobs to stop and the release an admin asked this agent to install',
      body: HeartbeatRequestSchema,
      response: { 200: HeartbeatResponseSchema, 426: OutdatedAgentSchema, ...errors(400, 401, 403) },
    },
    handler: async (req) => {
      const t1 = receivedAt(req);
      const agent = await compatibleAgent(req);
      for (const e of req.body.events ?? [])
        req.log.warn({ agent: agent.name, event: e.message, count: e.count }, 'agent event');
      const running = req.body.facts?.agentVersion ?? headerVersion(req) ?? agent.version;
      // The jobs to stop are read while the beat is written: neither needs the other, and on PGlite's one
      // connection under 1,000 agents each batch waited out a queue of its own in turn (p99 300-570 ms each
      // at load 10).
      const [progressed, stopJobs] = await Promise.all([
        recordBeat(db, config, agent, {
          heartbeat: true,
          address: clientAddress(req),
          ...(req.body.facts && { facts: req.body.facts }),
          ...(req.body.clock && { clock: req.body.clock }),
        }).then(() => recordUpdateProgress(db, agent, req.body.update, running)),
        jobsToStop(db, agent.id, new Date(t1 - STOP_WINDOW_MS)),
      ]);
      // Monitor assignments ride on the beat, only when they changed since the agent's revision.
      const monitors = ctx.monitors.assignments(agent.id);
      const update = await updateOffer(ctx.releases, progressed, running);
      return {
        t1,
        t2: nowMs(),
        heartbeatSeconds: config.agentHeartbeatSeconds,
        stopJobs,
        ...(monitors.revision !== req.body.monitorRevision && { monitors }),
        ...(update && { update }),
        ...(agent.site && { site: agent.site }),
      };
    },
  });
  app.post('/api/agent/uninstall', {
    config: { minRole: 'public' },
    schema: {
      tags: ['agent protocol'],
      summary:
        'The agent was uninstalled (install.sh --uninstall): its session ends with reason "uninstalled", its key stops ' +
        'working and its active jobs fail',
      body: UninstallRequestSchema,
      response: { 204: Type.Null(), ...errors(400, 401, 403) },
    },
    handler: async (req, reply) => {
      const agent = await authenticateAgent(db, config, req);
      await uninstallAgent(db, agent, req.body.reason);
      return reply.status(204).send(null);
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
      const agent = await beatingAgent(req);
      const job = await leaseJob(db, agent.id, req.body.waitMs, untilGone(reply));
      return { job: job && toLease(job) };
    },
  });
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
      // The job is read while the agent is authenticated, and the beat and the results are written side by
      // side: none needs the other, and uploads arriving together (a sequence's end on 200 agents) wait for one
      // batch of each instead of each in turn.
      const authenticated = compatibleAgent(req);
      const [agent, job] = await Promise.all([authenticated, findAgentJob(db, authenticated, req.params.id)]);
      const [, stored] = await Promise.all([
        recordBeat(db, config, agent, { address: clientAddress(req) }),
        storeResults(db, job, req.body.results, agent.clockOffsetMs ?? 0),
      ]);
      return stored;
    },
  });
  /** Credentials travel to remote pollers only inside TLS, even where plaintext agents are allowed. */
  const overTls = (req: FastifyRequest) => {
    if (req.protocol !== 'https')
      throw new DomainError('tls_required', 'remote polls carry SNMP credentials: only over HTTPS');
  };
  app.post('/api/agent/polls/lease', {
    config: { minRole: 'public' },
    schema: {
      tags: ['agent protocol'],
      summary:
        'A remote poller (an agent with a site) leases the next device of its site to poll over SNMP (long-poll: waits ' +
        'up to waitMs; poll null when none came, or when the agent has no site). The answer carries the credential in ' +
        'clear, for that poll only: HTTPS only',
      body: RemotePollLeaseRequestSchema,
      response: { 200: RemotePollLeaseResponseSchema, ...errors(400, 401, 403) },
    },
    handler: async (req, reply) => {
      overTls(req);
      const agent = await beatingAgent(req);
      return { poll: await leaseRemotePoll(db, ctx.secrets, agent, req.body.waitMs, untilGone(reply)) };
    },
  });
  app.post('/api/agent/polls/:id/result', {
    config: { minRole: 'public' },
    // A device's facts (FDB, routes, neighbours) can be tens of MB.
    bodyLimit: 256 * 1024 * 1024,
    schema: {
      tags: ['agent protocol'],
      summary:
        'Upload what a leased remote poll collected (report line, facts or why the device did not answer); stored as ' +
        'a server worker stores its own poll. Only by the agent holding the lease, before its deadline',
      params: IdParams,
      body: RemotePollResultSchema,
      response: { 204: Type.Null(), ...errors(400, 401, 403, 404, 413) },
    },
    handler: async (req, reply) => {
      overTls(req);
      const agent = await beatingAgent(req);
      await storeRemotePoll(db, agent, req.params.id, req.body);
      return reply.status(204).send(null);
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
      const agent = await beatingAgent(req);
      const job = await findAgentJob(db, agent.id, req.params.id);
      return barrier(db, job, req.body.name, req.body.waitMs, untilGone(reply), req.body.attempt);
    },
  });
}
