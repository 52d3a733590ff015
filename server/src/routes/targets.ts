// Targets: what the user enters (addresses or ranges + credentials), one by one or as a pasted list.
import { Type } from 'typebox';
import {
  ImportBodySchema,
  ImportRefusalSchema,
  ImportReportSchema,
  NewTargetBodySchema,
  PublicTargetSchema as TargetSchema,
  TargetChangeBodySchema,
  TargetLimitsSchema,
} from '@netspotter/shared/api';
import { compareAddresses } from '@netspotter/shared';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { DomainError } from '../domain-errors.ts';
import { actor } from '../http/auth.ts';
import {
  createTarget,
  deleteTarget,
  importTargets,
  toPublicTarget,
  updateTarget,
} from '../services/targets.ts';
import { fromCredentialBody } from './credential-schema.ts';

export function targetRoutes(app: App, ctx: AppContext) {
  const maxRange = ctx.config.maxTargetRange;
  const withCredential = { include: { credential: true } } as const;

  app.get('/api/targets', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['targets'],
      summary: 'List targets (credentials masked)',
      response: { 200: Type.Array(TargetSchema), ...errors(401) },
    },
    handler: async () =>
      (await ctx.db.prisma.target.findMany(withCredential))
        // Addresses as numbers (192.0.2.2 before 192.0.2.10), then port.
        .sort((a, b) => compareAddresses(a.address, b.address) || a.port - b.port)
        .map(toPublicTarget),
  });
  app.get('/api/targets/limits', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['targets'],
      summary: 'The limits a target list is checked against (largest range), for checking in the browser',
      response: { 200: TargetLimitsSchema, ...errors(401) },
    },
    handler: async () => ({ maxTargetRange: maxRange }),
  });
  app.get('/api/targets/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['targets'],
      summary: 'One target',
      params: IdParams,
      response: { 200: TargetSchema, ...errors(401, 404) },
    },
    handler: async (req) => {
      const t = await ctx.db.prisma.target.findUnique({ where: { id: req.params.id }, ...withCredential });
      if (!t) throw new DomainError('not_found', 'target not found');
      return toPublicTarget(t);
    },
  });
  app.post('/api/targets', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['targets'],
      summary: 'Create a target: an IPv4/IPv6 address or CIDR range, with a credential (new or by id)',
      body: NewTargetBodySchema,
      response: { 201: TargetSchema, ...errors(400, 401, 403, 409) },
    },
    handler: async (req, reply) => {
      const { credential, ...rest } = req.body;
      const t = await createTarget(ctx.db, ctx.secrets, maxRange, actor(req), {
        ...rest,
        ...(credential && { credential: fromCredentialBody(credential) }),
      });
      return reply.status(201).send(toPublicTarget(t));
    },
  });
  app.patch('/api/targets/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['targets'],
      summary: 'Change a target',
      params: IdParams,
      body: TargetChangeBodySchema,
      response: { 200: TargetSchema, ...errors(400, 401, 403, 404, 409) },
    },
    handler: async (req) => {
      const { credential, ...rest } = req.body;
      const t = await updateTarget(ctx.db, ctx.secrets, maxRange, actor(req), req.params.id, {
        ...rest,
        ...(credential && { credential: fromCredentialBody(credential) }),
      });
      return toPublicTarget(t);
    },
  });
  app.delete('/api/targets/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['targets'],
      summary: 'Delete a target',
      params: IdParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404) },
    },
    handler: async (req, reply) => {
      await deleteTarget(ctx.db, actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  });
  app.post('/api/targets/import', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['targets'],
      summary: 'Import a pasted list, one target per line',
      description:
        'Lines: `ADDRESS[:PORT] [COMMUNITY]`, `ADDRESS[:PORT] v1|v2c COMMUNITY` or `ADDRESS[:PORT] v3 USER [AUTHPROTO AUTHKEY [PRIVPROTO PRIVKEY]]`; ' +
        'ADDRESS is IPv4, IPv6 (brackets and %zone allowed; `[2001:db8::1]:1161` with a port) or a CIDR range up to the configured size; `#` comments and blank lines are ignored. ' +
        'With any bad line nothing is imported (400 listing every bad line), unless `partial=true`, which imports the good lines and lists the bad. ' +
        'Lines repeating an address, port and credential are merged; another credential at the same address and port is another target. ' +
        '`site` gives the targets the list creates a site (agents of that site poll them; targets already stored keep theirs).',
      querystring: Type.Object({ partial: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      body: ImportBodySchema,
      response: { 200: ImportReportSchema, 400: ImportRefusalSchema, ...errors(401, 403, 413) },
    },
    handler: async (req) =>
      importTargets(ctx.db, ctx.secrets, maxRange, actor(req), req.body.text, {
        defaultCommunity: req.body.defaultCommunity,
        partial: req.query.partial,
        ...(req.body.site && { site: req.body.site }),
      }),
  });
}
