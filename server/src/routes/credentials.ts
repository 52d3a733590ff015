// SNMP credentials: operators create and change them; everybody sees them masked.
import { Type } from 'typebox';
import {
  CredentialChangeBodySchema,
  NewCredentialBodySchema,
  PublicCredentialSchema,
} from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { DomainError } from '../domain-errors.ts';
import { actor } from '../http/auth.ts';
import { audited } from '../services/audit.ts';
import { createCredential, replaceCredentialSecrets, toPublicCredential } from '../services/credentials.ts';
import { fromCredentialBody } from './credential-schema.ts';

export function credentialRoutes(app: App, ctx: AppContext) {
  app.get('/api/credentials', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['targets'],
      summary: 'List credentials (secrets masked)',
      response: { 200: Type.Array(PublicCredentialSchema), ...errors(401) },
    },
    handler: async () =>
      (
        await ctx.db.prisma.credential.findMany({
          orderBy: { name: 'asc' },
          include: { _count: { select: { targets: true } } },
        })
      ).map(toPublicCredential),
  });
  app.post('/api/credentials', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['targets'],
      summary: 'Create a credential',
      body: NewCredentialBodySchema,
      response: { 201: PublicCredentialSchema, ...errors(400, 401, 403, 409) },
    },
    handler: async (req, reply) => {
      const c = await createCredential(
        ctx.db,
        ctx.secrets,
        actor(req),
        fromCredentialBody(req.body.credential),
        req.body.name,
      );
      return reply.status(201).send(toPublicCredential(c));
    },
  });
  app.patch('/api/credentials/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['targets'],
      summary: 'Rename a credential or replace its secrets',
      params: IdParams,
      body: CredentialChangeBodySchema,
      response: { 200: PublicCredentialSchema, ...errors(400, 401, 403, 404, 409) },
    },
    handler: async (req) =>
      toPublicCredential(
        await replaceCredentialSecrets(ctx.db, ctx.secrets, actor(req), req.params.id, {
          name: req.body.name,
          secret: req.body.credential && fromCredentialBody(req.body.credential),
        }),
      ),
  });
  app.delete('/api/credentials/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['targets'],
      summary: 'Delete a credential (its targets keep no credential)',
      params: IdParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404) },
    },
    handler: async (req, reply) => {
      const existing = await ctx.db.prisma.credential.findUnique({ where: { id: req.params.id } });
      if (!existing) throw new DomainError('not_found', 'credential not found');
      await audited(ctx.db, actor(req), async (tx, audit) => {
        await tx.credential.delete({ where: { id: existing.id } });
        await audit('delete', 'credential', existing.id, { name: existing.name });
      });
      return reply.status(204).send(null);
    },
  });
}
