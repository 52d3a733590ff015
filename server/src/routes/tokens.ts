// API tokens (admins only). The secret is returned once, at creation.
import { Type } from 'typebox';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, Nullable, errors } from '../http/schemas.ts';
import { actor } from '../http/auth.ts';
import { createToken, revokeToken, toPublicToken } from '../services/api-tokens.ts';

const TokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  username: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String(),
  expiresAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
  lastUsedAt: Nullable(Type.String()),
});

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
      body: Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 100 }),
          username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
        },
        { additionalProperties: false },
      ),
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
