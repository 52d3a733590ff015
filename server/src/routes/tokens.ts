// API tokens (admins only). The secret is returned once, at creation.
import { Type } from 'typebox';
import { ApiTokenSchema as TokenSchema, NewApiTokenBodySchema } from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { actor } from '../http/auth.ts';
import { createToken, revokeToken, toPublicToken } from '../services/api-tokens.ts';

export function tokenRoutes(app: App, ctx: AppContext) {
  const admin = { minRole: 'admin' as const };
  app.get('/api/tokens', {
    config: admin,
    schema: {
      tags: ['tokens'],
      summary: 'List API tokens (never their secrets)',
      response: { 200: Type.Array(TokenSchema), ...errors(401, 403) },
    },
    handler: async () =>
      (
        await ctx.db.prisma.apiToken.findMany({
          orderBy: { createdAt: 'desc' },
          include: { user: { select: { username: true } } },
        })
      ).map(toPublicToken),
  });
  app.post('/api/tokens', {
    config: admin,
    schema: {
      tags: ['tokens'],
      summary: 'Create an API token for a user; the secret is shown only in this response',
      body: NewApiTokenBodySchema,
      response: { 201: Type.Object({ token: Type.String(), info: TokenSchema }), ...errors(400, 401, 403) },
    },
    handler: async (req, reply) => {
      const me = actor(req);
      const { token, secret } = await createToken(ctx.db, me, {
        username: req.body.username ?? me.username,
        name: req.body.name,
        expiresInDays: req.body.expiresInDays,
      });
      return reply.status(201).send({ token: secret, info: token });
    },
  });
  app.delete('/api/tokens/:id', {
    config: admin,
    schema: {
      tags: ['tokens'],
      summary: 'Revoke an API token',
      params: IdParams,
      response: { 200: TokenSchema, ...errors(401, 403, 404) },
    },
    handler: async (req) => revokeToken(ctx.db, actor(req), req.params.id),
  });
}
