// Alert rules, notification channels, alerts (acknowledge, resolve), incidents and events.
import { Type } from 'typebox';
import {
  AlertQuerySchema,
  AlertRuleChangeBodySchema,
  AlertRuleSchema,
  AlertSchema,
  ChannelSchema,
  EventQuerySchema,
  EventSchema,
  IncidentSchema,
  NewAlertRuleBodySchema,
  NewChannelBodySchema,
} from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { actor } from '../http/auth.ts';
import { createRule, deleteRule, listRules, toPublicRule, updateRule } from '../services/alert-rules.ts';
import { createChannel, deleteChannel, listChannels, toPublicChannel } from '../services/alert-channels.ts';
import {
  acknowledgeAlert,
  getAlert,
  getIncident,
  listAlerts,
  listEvents,
  toPublicAlert,
} from '../services/alerts.ts';

export function alertRoutes(app: App, ctx: AppContext) {
  const { db, secrets, alerts } = ctx;
  const tags = ['alerts'];

  app.get('/api/alert-rules', {
    config: { minRole: 'viewer' },
    schema: {
      tags,
      summary: 'List alert rules',
      response: { 200: Type.Array(AlertRuleSchema), ...errors(401) },
    },
    handler: async () => (await listRules(db)).map(toPublicRule),
  });
  app.post('/api/alert-rules', {
    config: { minRole: 'operator' },
    schema: {
      tags,
      summary: 'Create an alert rule',
      body: NewAlertRuleBodySchema,
      response: { 201: AlertRuleSchema, ...errors(400, 401, 403) },
    },
    handler: async (req, reply) => {
      const r = await createRule(db, actor(req), req.body);
      await alerts.reloadRules();
      return reply.status(201).send(toPublicRule(r));
    },
  });
  app.patch('/api/alert-rules/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags,
      summary: 'Change an alert rule',
      params: IdParams,
      body: AlertRuleChangeBodySchema,
      response: { 200: AlertRuleSchema, ...errors(400, 401, 403, 404) },
    },
    handler: async (req) => {
      const r = await updateRule(db, actor(req), req.params.id, req.body);
      await alerts.reloadRules();
      return toPublicRule(r);
    },
  });
  app.delete('/api/alert-rules/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags,
      summary: 'Delete an alert rule (its alerts stay in the history)',
      params: IdParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404) },
    },
    handler: async (req, reply) => {
      await deleteRule(db, actor(req), req.params.id);
      await alerts.reloadRules();
      return reply.status(204).send(null);
    },
  });

  app.get('/api/alert-channels', {
    config: { minRole: 'viewer' },
    schema: {
      tags,
      summary: 'List notification channels (webhook URLs masked)',
      response: { 200: Type.Array(ChannelSchema), ...errors(401) },
    },
    handler: async () => (await listChannels(db)).map(toPublicChannel),
  });
  app.post('/api/alert-channels', {
    config: { minRole: 'admin' },
    schema: {
      tags,
      summary: 'Create a notification channel: a webhook (http/https, HMAC-signed) or syslog (RFC 5424)',
      body: NewChannelBodySchema,
      response: { 201: ChannelSchema, ...errors(400, 401, 403) },
    },
    handler: async (req, reply) =>
      reply.status(201).send(toPublicChannel(await createChannel(db, secrets, actor(req), req.body))),
  });
  app.delete('/api/alert-channels/:id', {
    config: { minRole: 'admin' },
    schema: {
      tags,
      summary: 'Delete a notification channel',
      params: IdParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404) },
    },
    handler: async (req, reply) => {
      await deleteChannel(db, actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  });

  app.get('/api/alerts', {
    config: { minRole: 'viewer' },
    schema: {
      tags,
      summary: 'Alert history, newest first',
      querystring: AlertQuerySchema,
      response: { 200: Type.Array(AlertSchema), ...errors(400, 401) },
    },
    handler: async (req) => listAlerts(db, req.query),
  });
  app.get('/api/alerts/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags,
      summary: 'One alert',
      params: IdParams,
      response: { 200: AlertSchema, ...errors(401, 404) },
    },
    handler: async (req) => toPublicAlert(await getAlert(db, req.params.id)),
  });
  app.post('/api/alerts/:id/acknowledge', {
    config: { minRole: 'operator' },
    schema: {
      tags,
      summary: 'Acknowledge an alert',
      params: IdParams,
      response: { 200: AlertSchema, ...errors(401, 403, 404, 409) },
    },
    handler: async (req) => acknowledgeAlert(db, actor(req), req.params.id),
  });
  app.post('/api/alerts/:id/resolve', {
    config: { minRole: 'operator' },
    schema: {
      tags,
      summary: 'Resolve a firing alert by hand (channels are told; a new raise fires a new alert)',
      params: IdParams,
      response: { 200: AlertSchema, ...errors(401, 403, 404, 409) },
    },
    handler: async (req) => alerts.resolveByHand(req.params.id, actor(req)),
  });
  app.get('/api/incidents/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags,
      summary: "An alert's incident: timeline, affected cells, localisation, the tree at the time",
      params: IdParams,
      response: { 200: IncidentSchema, ...errors(401, 404) },
    },
    handler: async (req) => getIncident(db, req.params.id),
  });
  app.get('/api/events', {
    config: { minRole: 'viewer' },
    schema: {
      tags,
      summary: 'Events (cell states, receivers, trees, devices, agents, topology), newest first',
      querystring: EventQuerySchema,
      response: { 200: Type.Array(EventSchema), ...errors(400, 401) },
    },
    handler: async (req) => listEvents(db, req.query),
  });
}
