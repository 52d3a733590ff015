// Housekeeping: prunes finished runs, expired sessions and old audit events.
import { Type } from 'typebox';
import { defineKind } from '../kind.ts';
import { ENDED_RUN_STATES } from '../run-states.ts';

const DAY = 86_400_000;

export const maintenanceKind = defineKind({
  kind: 'maintenance',
  description:
    'Deletes finished runs older than keepRunsDays, audit events older than keepAuditDays, and expired sessions.',
  argsSchema: Type.Object(
    {
      keepRunsDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, default: 90 })),
      keepAuditDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 36500, default: 365 })),
    },
    { additionalProperties: false },
  ),
  async run(ctx, args) {
    const now = Date.now();
    const { prisma } = ctx.db;
    const runs = await prisma.taskRun.deleteMany({
      where: {
        state: { in: ENDED_RUN_STATES },
        finishedAt: { lt: new Date(now - (args.keepRunsDays ?? 90) * DAY) },
        id: { not: ctx.runId },
      },
    });
    const audit = await prisma.auditEvent.deleteMany({
      where: { at: { lt: new Date(now - (args.keepAuditDays ?? 365) * DAY) } },
    });
    const sessions = await prisma.session.deleteMany({ where: { expiresAt: { lt: new Date(now) } } });
    const result = {
      runsDeleted: runs.count,
      auditEventsDeleted: audit.count,
      sessionsDeleted: sessions.count,
    };
    return {
      ok: true,
      message: `deleted ${runs.count} runs, ${audit.count} audit events, ${sessions.count} sessions`,
      result,
    };
  },
});
