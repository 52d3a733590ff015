// GUI login with a session cookie; the current user; own password change.
import { Type } from 'typebox';
import { LoginBodySchema, MeSchema as Me } from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { DomainError } from '../domain-errors.ts';
import { errors as errorResponses } from '../http/schemas.ts';
import { SESSION_COOKIE, actor } from '../http/auth.ts';
import { hashSecret, newSecret } from '../security/tokens.ts';
import { decoyHash, verifyPassword } from '../security/passwords.ts';
import { audited } from '../services/audit.ts';
import { MIN_PASSWORD, updateUser } from '../services/users.ts';

export function authRoutes(app: App, ctx: AppContext) {
  app.post('/api/auth/login', {
    config: { minRole: 'public', rateLimit: { max: ctx.config.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'],
      summary: 'Log in; sets the session cookie',
      body: LoginBodySchema,
      response: { 200: Me, ...errorResponses(400, 401, 429) },
    },
    handler: async (req, reply) => {
      const user = await ctx.db.prisma.user.findUnique({ where: { username: req.body.username } });
      // The same hashing work whether or not the user exists, so the time taken names no usernames.
      const matches = await verifyPassword(req.body.password, user?.passwordHash ?? (await decoyHash()));
      if (!matches || !user || user.disabled)
        throw new DomainError('unauthenticated', 'wrong username or password');
      const secret = newSecret();
      const ttl = ctx.config.sessionTtlHours * 3_600_000;
      await audited(ctx.db, user, async (tx, audit) => {
        await tx.session.create({
          data: { userId: user.id, tokenHash: hashSecret(secret), expiresAt: new Date(Date.now() + ttl) },
        });
        await audit('login', 'session', user.id);
      });
      reply.setCookie(SESSION_COOKIE, secret, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
        maxAge: ttl / 1000,
      });
      return { id: user.id, username: user.username, role: user.role, via: 'session' };
    },
  });

  app.post('/api/auth/logout', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['auth'],
      summary: 'End the session',
      response: { 204: Type.Null(), ...errorResponses(401) },
    },
    handler: async (req, reply) => {
      const cookie = req.cookies[SESSION_COOKIE];
      await audited(ctx.db, actor(req), async (tx, audit) => {
        if (cookie) await tx.session.deleteMany({ where: { tokenHash: hashSecret(cookie) } });
        await audit('logout', 'session', actor(req).id);
      });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  });

  app.get('/api/auth/me', {
    config: { minRole: 'viewer' },
    schema: { tags: ['auth'], summary: 'Who am I', response: { 200: Me, ...errorResponses(401) } },
    handler: async (req) => actor(req),
  });

  app.post('/api/auth/password', {
    config: { minRole: 'viewer', rateLimit: { max: ctx.config.loginRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags: ['auth'],
      summary: 'Change my own password (ends my other sessions; this one stays)',
      body: Type.Object(
        {
          currentPassword: Type.String({ maxLength: 1024 }),
          newPassword: Type.String({ minLength: MIN_PASSWORD, maxLength: 1024 }),
        },
        { additionalProperties: false },
      ),
      response: { 204: Type.Null(), ...errorResponses(400, 401) },
    },
    handler: async (req, reply) => {
      const me = actor(req);
      const user = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: me.id } });
      if (!(await verifyPassword(req.body.currentPassword, user.passwordHash))) {
        throw new DomainError('unauthenticated', 'currentPassword is wrong', 'currentPassword');
      }
      const cookie = req.cookies[SESSION_COOKIE];
      await updateUser(
        ctx.db,
        me,
        me.id,
        { password: req.body.newPassword },
        cookie ? { keepSession: hashSecret(cookie) } : {},
      );
      return reply.status(204).send(null);
    },
  });
}
