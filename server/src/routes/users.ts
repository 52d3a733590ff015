// User management (admins only).
import { Type } from 'typebox';
import { RoleSchema, UserSchema } from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { actor } from '../http/auth.ts';
import {
  MIN_PASSWORD,
  USERNAME_PATTERN,
  createUser,
  deleteUser,
  toPublicUser,
  updateUser,
} from '../services/users.ts';

export function userRoutes(app: App, ctx: AppContext) {
  const admin = { minRole: 'admin' as const };
  app.get('/api/users', {
    config: admin,
    schema: {
      tags: ['users'],
      summary: 'List users',
      response: { 200: Type.Array(UserSchema), ...errors(401, 403) },
    },
    handler: async () =>
      (await ctx.db.prisma.user.findMany({ orderBy: { username: 'asc' } })).map(toPublicUser),
  });
  app.post('/api/users', {
    config: admin,
    schema: {
      tags: ['users'],
      summary: 'Create a user',
      body: Type.Object(
        {
          username: Type.String({ pattern: USERNAME_PATTERN }),
          password: Type.String({ minLength: MIN_PASSWORD, maxLength: 1024 }),
          role: RoleSchema,
        },
        { additionalProperties: false },
      ),
      response: { 201: UserSchema, ...errors(400, 401, 403, 409) },
    },
    handler: async (req, reply) => {
      const user = await createUser(ctx.db, actor(req), req.body.username, req.body.password, req.body.role);
      return reply.status(201).send(toPublicUser(user));
    },
  });
  app.patch('/api/users/:id', {
    config: admin,
    schema: {
      tags: ['users'],
      summary: 'Change a user’s role, password or disabled flag',
      params: IdParams,
      body: Type.Object(
        {
          role: Type.Optional(RoleSchema),
          disabled: Type.Optional(Type.Boolean()),
          password: Type.Optional(Type.String({ minLength: MIN_PASSWORD, maxLength: 1024 })),
        },
        { additionalProperties: false, minProperties: 1 },
      ),
      response: { 200: UserSchema, ...errors(400, 401, 403, 404, 409) },
    },
    handler: async (req) => toPublicUser(await updateUser(ctx.db, actor(req), req.params.id, req.body)),
  });
  app.delete('/api/users/:id', {
    config: admin,
    schema: {
      tags: ['users'],
      summary: 'Delete a user',
      params: IdParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
    },
    handler: async (req, reply) => {
      await deleteUser(ctx.db, actor(req), req.params.id);
      return reply.status(204).send(null);
    },
  });
}
