// Agents for people: enrolment tokens, the agent list with live state, sessions, and an admin's
// disconnect, reconnect and removal. The agents' own protocol is in agent-protocol.ts.
import { Type } from 'typebox';
import {
  AgentReleasesSchema,
  AgentSchema,
  AgentSessionSchema,
  AgentChangeBodySchema,
  AgentUpdateBodySchema,
  AgentUpdateResultSchema,
  EnrolmentSettingBodySchema,
  EnrolmentSettingSchema,
  EnrolmentTokenInfoSchema,
  NewEnrolmentTokenBodySchema,
  NewEnrolmentTokenSchema,
  SessionsQuerySchema,
} from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { actor } from '../http/auth.ts';
import { createEnrolmentToken, enrolmentBlocked, setEnrolmentBlocked } from '../agents/enrolment.ts';
import { newest } from '../agents/releases.ts';
import { requestUpdates } from '../agents/updates.ts';
import { SERVER_VERSION } from '../version.ts';
import {
  agentSessions,
  deleteAgent,
  disconnectAgent,
  findAgent,
  listAgents,
  listEnrolmentTokens,
  reconnectAgent,
  setAgentSite,
  toPublicAgent,
  toPublicEnrolmentToken,
} from '../services/agents.ts';

export function agentRoutes(app: App, ctx: AppContext) {
  const { db } = ctx;
  const toAgent = (a: Parameters<typeof toPublicAgent>[0]) =>
    toPublicAgent(a, ctx.config.agentHeartbeatSeconds);

  app.post('/api/agents/enrolment-tokens', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary: 'Create a one-time enrolment token (shown once; carries the server certificate fingerprint)',
      body: NewEnrolmentTokenBodySchema,
      response: { 201: NewEnrolmentTokenSchema, ...errors(400, 401, 403) },
    },
    handler: async (req, reply) => {
      const t = await createEnrolmentToken(
        db,
        ctx.config,
        actor(req),
        req.body.name,
        req.body.ttlMinutes ?? 60,
      );
      return reply.status(201).send({
        ...toPublicEnrolmentToken(t),
        token: t.token,
        fingerprint: t.fingerprint,
        publicKeyPin: t.publicKeyPin,
      });
    },
  });
  app.get('/api/agents/enrolment-tokens', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary: 'Enrolment tokens (never their secret)',
      response: { 200: Type.Array(EnrolmentTokenInfoSchema), ...errors(401, 403) },
    },
    handler: async () => listEnrolmentTokens(db),
  });
  app.get('/api/agents/enrolment', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['agents'],
      summary: 'Whether new enrolments are blocked',
      response: { 200: EnrolmentSettingSchema, ...errors(401) },
    },
    handler: async () => ({ blocked: await enrolmentBlocked(db) }),
  });
  app.put('/api/agents/enrolment', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary: 'Block or allow new enrolments',
      body: EnrolmentSettingBodySchema,
      response: { 200: EnrolmentSettingSchema, ...errors(400, 401, 403) },
    },
    handler: async (req) => {
      await setEnrolmentBlocked(db, actor(req), req.body.blocked);
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
    handler: async () => (await listAgents(db)).map(toAgent),
  });
  app.get('/api/agents/releases', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['agents'],
      summary: 'Agent releases this server hands out (install script, updates), newest first',
      response: { 200: AgentReleasesSchema, ...errors(401) },
    },
    handler: async () => {
      const releases = await ctx.releases.list();
      return {
        serverVersion: SERVER_VERSION,
        latest: newest(releases)?.version ?? null,
        releases: releases.map((r) => ({
          version: r.version,
          arch: r.arch,
          sha256: r.sha256,
          size: r.size,
          registeredAt: r.registeredAt.toISOString(),
        })),
      };
    },
  });
  app.post('/api/agents/update', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary:
        'Ask agents (agentIds, or all) to update to a release (default the newest): each downloads it over its pinned ' +
        'channel, checks its SHA-256, tries it, swaps and restarts once its jobs are done, and rolls back when the new ' +
        'release does not beat in time',
      body: AgentUpdateBodySchema,
      response: { 200: AgentUpdateResultSchema, ...errors(400, 401, 403) },
    },
    handler: async (req) => requestUpdates(db, ctx.releases, actor(req), req.body),
  });
  app.get('/api/agents/sessions', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['agents'],
      summary: 'Agent sessions, newest first (open ones have no endedAt)',
      querystring: SessionsQuerySchema,
      response: { 200: Type.Array(AgentSessionSchema), ...errors(400, 401) },
    },
    handler: async (req) => agentSessions(db, req.query),
  });
  app.get('/api/agents/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['agents'],
      summary: 'One agent with its host facts',
      params: IdParams,
      response: { 200: AgentSchema, ...errors(401, 404) },
    },
    handler: async (req) => toAgent(await findAgent(db, req.params.id)),
  });
  app.patch('/api/agents/:id', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary:
        'Set the site of an agent: it then polls the discovery targets of that site over SNMP for the server ' +
        '(a remote poller; it receives their credentials over its pinned TLS channel); null stops that',
      params: IdParams,
      body: AgentChangeBodySchema,
      response: { 200: AgentSchema, ...errors(400, 401, 403, 404) },
    },
    handler: async (req) => toAgent(await setAgentSite(db, actor(req), req.params.id, req.body.site)),
  });
  app.post('/api/agents/:id/disconnect', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary: 'Disconnect an agent: its key stops working and its active jobs fail',
      params: IdParams,
      response: { 200: AgentSchema, ...errors(401, 403, 404) },
    },
    handler: async (req) => toAgent(await disconnectAgent(db, actor(req), req.params.id)),
  });
  app.post('/api/agents/:id/reconnect', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['agents'],
      summary: 'Let a disconnected agent connect again',
      params: IdParams,
      response: { 200: AgentSchema, ...errors(401, 403, 404) },
    },
    handler: async (req) => toAgent(await reconnectAgent(db, actor(req), req.params.id)),
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
      await deleteAgent(db, actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  });
}
