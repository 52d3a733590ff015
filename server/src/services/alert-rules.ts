// Alert rules: checked (known channels, cell states only for cell-state rules), stored, audited, and the
// engine's rule book reloaded.
import type { AlertRule as RuleOut, AlertRuleChangeBody, NewAlertRuleBody } from '@netspotter/shared/api';
import type { Database } from '../db/connect.ts';
import type { AlertRule } from '../db/generated/client.ts';
import { badRequest, notFound } from '../domain-errors.ts';
import type { BookRule } from '../alerts/rule-book.ts';
import { audited, type Actor } from './audit.ts';

const DEFAULT_STATES = ['lost', 'degraded', 'never-seen'];

export const toPublicRule = (r: AlertRule): RuleOut => ({
  ...(r as unknown as RuleOut),
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const toBookRule = (r: AlertRule): BookRule => r as unknown as BookRule;

async function check(db: Database, r: AlertRuleChangeBody) {
  if (r.states && r.kinds && !r.kinds.includes('cell-state'))
    throw badRequest('states', 'states apply to cell-state rules only');
  for (const [i, id] of (r.channelIds ?? []).entries())
    if (!(await db.prisma.alertChannel.findUnique({ where: { id } })))
      throw badRequest(`channelIds[${i}]`, 'no such channel');
  if (r.monitorId && !(await db.prisma.monitor.findUnique({ where: { id: r.monitorId } })))
    throw badRequest('monitorId', 'no such monitor');
}

async function nameFree(db: Database, name: string | undefined, id?: string) {
  if (name === undefined) return;
  const other = await db.prisma.alertRule.findUnique({ where: { name } });
  if (other && other.id !== id) throw badRequest('name', `a rule named "${name}" exists`);
}

export const listRules = (db: Database) => db.prisma.alertRule.findMany({ orderBy: { name: 'asc' } });

export async function createRule(db: Database, by: Actor, input: NewAlertRuleBody): Promise<AlertRule> {
  await check(db, input);
  await nameFree(db, input.name);
  return audited(db, by, async (tx, audit) => {
    const r = await tx.alertRule.create({
      data: {
        name: input.name,
        enabled: input.enabled ?? true,
        kinds: input.kinds,
        states: input.states ?? DEFAULT_STATES,
        monitorId: input.monitorId ?? null,
        groupId: input.groupId ?? null,
        deviceId: input.deviceId ?? null,
        agentId: input.agentId ?? null,
        forSeconds: input.forSeconds ?? 0,
        severity: input.severity ?? 'major',
        channelIds: input.channelIds ?? [],
      },
    });
    await audit('create', 'alert-rule', r.id, { name: r.name, kinds: r.kinds, severity: r.severity });
    return r;
  });
}

export async function updateRule(db: Database, by: Actor, id: string, change: AlertRuleChangeBody) {
  const before = await db.prisma.alertRule.findUnique({ where: { id } });
  if (!before) throw notFound('alert rule');
  await check(db, { ...change, kinds: change.kinds ?? (before.kinds as NewAlertRuleBody['kinds']) });
  await nameFree(db, change.name, id);
  return audited(db, by, async (tx, audit) => {
    const r = await tx.alertRule.update({ where: { id }, data: change });
    await audit('update', 'alert-rule', id, change);
    return r;
  });
}

export async function deleteRule(db: Database, by: Actor, id: string) {
  const r = await db.prisma.alertRule.findUnique({ where: { id } });
  if (!r) throw notFound('alert rule');
  await audited(db, by, async (tx, audit) => {
    await tx.alertRule.delete({ where: { id } });
    await audit('delete', 'alert-rule', id, { name: r.name });
  });
}
