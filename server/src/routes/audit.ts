// The audit trail (admins only).
import { Type } from 'typebox';
import { AuditEventSchema as AuditSchema, BigIntId } from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../http/schemas.ts';
import { auditEntityNames } from '../services/audit-names.ts';

export function auditRoutes(app: App, ctx: AppContext) {
  app.get('/api/audit', {
    config: { minRole: 'admin' },
    schema: {
      tags: ['audit'],
      summary: 'Audit events, newest first',
      querystring: Type.Object(
        {
          entity: Type.Optional(Type.String({ maxLength: 64 })),
          before: Type.Optional(BigIntId({ description: 'page: events with a smaller id' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Array(AuditSchema), ...errors(400, 401, 403) },
    },
    handler: async (req) => {
      const rows = await ctx.db.prisma.auditEvent.findMany({
        where: {
          ...(req.query.entity && { entity: req.query.entity }),
          ...(req.query.before && { id: { lt: BigInt(req.query.before) } }),
        },
        orderBy: { id: 'desc' },
        take: req.query.limit ?? 100,
      });
      const names = await auditEntityNames(ctx.db, rows);
      return rows.map((e, i) => ({
        ...e,
        id: e.id.toString(),
        at: e.at.toISOString(),
        ...(names[i] !== undefined && { entityName: names[i] }),
      }));
    },
  });
}
