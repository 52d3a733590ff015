import { Type } from 'typebox';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { SERVER_VERSION } from '../version.ts';

export function healthRoutes(app: App, ctx: AppContext) {
  app.get('/healthz', {
    config: { minRole: 'public' },
    schema: {
      tags: ['health'],
      summary: 'Liveness: the process answers',
      response: { 200: Type.Object({ status: Type.Literal('ok') }) },
    },
    handler: async () => ({ status: 'ok' as const }),
  });
  app.get('/readyz', {
    config: { minRole: 'public' },
    schema: {
      tags: ['health'],
      summary: 'Readiness: the database answers',
      response: {
        200: Type.Object({ status: Type.String(), database: Type.String() }),
        503: Type.Object({ status: Type.String(), database: Type.String() }),
      },
    },
    handler: async (_req, reply) => {
      try {
        await ctx.db.prisma.$queryRaw`SELECT 1`;
        return { status: 'ready', database: ctx.db.kind };
      } catch {
        return reply.status(503).send({ status: 'unavailable', database: ctx.db.kind });
      }
    },
  });
  app.get('/api/version', {
    config: { minRole: 'public' },
    schema: {
      tags: ['health'],
      summary: 'Server version, database kind and role',
      response: {
        200: Type.Object({
          version: Type.String(),
          node: Type.String(),
          database: Type.String(),
          role: Type.Union([Type.Literal('api'), Type.Literal('worker'), Type.Literal('all')], {
            description: 'what this process does: serve the API (and fire schedules), execute jobs, or both',
          }),
        }),
      },
    },
    handler: async () => ({
      version: SERVER_VERSION,
      node: process.version,
      database: ctx.db.kind,
      role: ctx.config.role,
    }),
  });
}
