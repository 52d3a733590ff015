// Alerts, incidents and events as the API reads them, and acknowledging an alert.
import { Type } from 'typebox';
import type { Alert as AlertOut, Event as EventOut, Incident as IncidentOut } from '@netspotter/shared/api';
import { IncidentTreeSchema, LocalisationSchema } from '@netspotter/shared/api';
import type { Database } from '../db/connect.ts';
import type { Alert, Event, Incident } from '../db/generated/client.ts';
import { readJson } from '../db/json-column.ts';
import { conflict, notFound } from '../domain-errors.ts';
import { audited, type Actor } from './audit.ts';

export const TimelineSchema = Type.Array(
  Type.Object({ at: Type.String(), what: Type.String(), eventId: Type.Optional(Type.String()) }),
);
export const AffectedCellsSchema = Type.Array(
  Type.Object({ monitorId: Type.String(), cellNo: Type.Integer(), state: Type.String() }),
);

const iso = (d: Date | null) => d?.toISOString() ?? null;

export const toPublicAlert = (a: Alert & { incident: { id: string } | null }): AlertOut => ({
  id: a.id,
  ruleId: a.ruleId,
  ruleName: a.ruleName,
  subject: a.subject,
  kind: a.kind as AlertOut['kind'],
  severity: a.severity as AlertOut['severity'],
  state: a.state as AlertOut['state'],
  change: a.change,
  suppressedBy: a.suppressedBy,
  summary: a.summary,
  since: a.since.toISOString(),
  firedAt: a.firedAt.toISOString(),
  resolvedAt: iso(a.resolvedAt),
  resolvedBy: a.resolvedBy,
  acknowledgedAt: iso(a.acknowledgedAt),
  acknowledgedBy: a.acknowledgedBy,
  incidentId: a.incident?.id ?? '',
});

export const toPublicEvent = (e: Event): EventOut => ({
  ...e,
  id: String(e.id),
  at: e.at.toISOString(),
  kind: e.kind as EventOut['kind'],
  condition: e.condition as EventOut['condition'],
  details: (e.details ?? {}) as Record<string, unknown>,
});

const withIncident = { incident: { select: { id: true } } } as const;

export async function listAlerts(db: Database, q: { state?: string; limit?: number }) {
  const rows = await db.prisma.alert.findMany({
    where: { ...(q.state && { state: q.state }) },
    orderBy: { firedAt: 'desc' },
    take: q.limit ?? 200,
    include: withIncident,
  });
  return rows.map(toPublicAlert);
}

export async function getAlert(db: Database, id: string) {
  const a = await db.prisma.alert.findUnique({ where: { id }, include: withIncident });
  if (!a) throw notFound('alert');
  return a;
}

export async function acknowledgeAlert(db: Database, by: Actor, id: string): Promise<AlertOut> {
  const a = await getAlert(db, id);
  if (a.acknowledgedAt) throw conflict('id', `alert already acknowledged by ${a.acknowledgedBy}`);
  const at = new Date();
  await audited(db, by, async (tx, audit) => {
    await tx.alert.update({ where: { id }, data: { acknowledgedAt: at, acknowledgedBy: by.username } });
    const inc = await tx.incident.findUnique({ where: { alertId: id } });
    if (inc)
      await tx.incident.update({
        where: { id: inc.id },
        data: {
          timeline: [
            ...readJson(TimelineSchema, inc.timeline, 'incidents.timeline'),
            { at: at.toISOString(), what: `acknowledged by ${by.username}` },
          ],
        },
      });
    await audit('acknowledge', 'alert', id, { rule: a.ruleName, subject: a.subject });
  });
  return toPublicAlert(await getAlert(db, id));
}

export async function listEvents(
  db: Database,
  q: { kind?: string; subject?: string; monitorId?: string; from?: string; to?: string; limit?: number },
) {
  const rows = await db.prisma.event.findMany({
    where: {
      ...(q.kind && { kind: q.kind }),
      ...(q.subject && { subject: q.subject }),
      ...(q.monitorId && { monitorId: q.monitorId }),
      ...((q.from || q.to) && {
        at: { ...(q.from && { gte: new Date(q.from) }), ...(q.to && { lte: new Date(q.to) }) },
      }),
    },
    orderBy: { at: 'desc' },
    take: q.limit ?? 200,
  });
  return rows.map(toPublicEvent);
}

/** Most events an incident's timeline lists besides the alert's own transitions. */
const TIMELINE_EVENTS = 500;

export async function getIncident(db: Database, id: string): Promise<IncidentOut> {
  const inc: (Incident & { alert: Alert & { incident: { id: string } | null } }) | null =
    await db.prisma.incident.findUnique({ where: { id }, include: { alert: { include: withIncident } } });
  if (!inc) throw notFound('incident');
  // The subject's events from when its condition began to when the incident closed.
  const events = await db.prisma.event.findMany({
    where: {
      subject: inc.alert.subject,
      at: { gte: inc.alert.since, ...(inc.closedAt && { lte: inc.closedAt }) },
    },
    orderBy: { at: 'asc' },
    take: TIMELINE_EVENTS,
  });
  // Events first: at the same moment, what happened comes before what the alert did about it.
  const timeline = [
    ...events.map((e) => ({ at: e.at.toISOString(), what: e.summary, eventId: String(e.id) })),
    ...readJson(TimelineSchema, inc.timeline, 'incidents.timeline'),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return {
    id: inc.id,
    alert: toPublicAlert(inc.alert),
    openedAt: inc.openedAt.toISOString(),
    closedAt: iso(inc.closedAt),
    timeline,
    affectedCells: readJson(AffectedCellsSchema, inc.affectedCells, 'incidents.affected_cells'),
    localisation:
      inc.localisation === null
        ? null
        : readJson(LocalisationSchema, inc.localisation, 'incidents.localisation'),
    tree: inc.tree === null ? null : readJson(IncidentTreeSchema, inc.tree, 'incidents.tree'),
  };
}
