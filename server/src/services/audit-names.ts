// Names for the things audit rows point at, so the trail reads "task lab discovery" rather than a UUID.
// One query per kind of thing on the page; a row whose thing is gone keeps the name its details recorded.
import type { Database } from '../db/connect.ts';

type Lookup = (db: Database, ids: string[]) => Promise<{ id: string; name: string }[]>;

const select = { id: true, name: true } as const;

const usernames: Lookup = async (db, ids) =>
  (await db.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, username: true } })).map(
    (u) => ({ id: u.id, name: u.username }),
  );

const LOOKUPS: Record<string, Lookup> = {
  agent: (db, ids) => db.prisma.agent.findMany({ where: { id: { in: ids } }, select }),
  credential: (db, ids) => db.prisma.credential.findMany({ where: { id: { in: ids } }, select }),
  monitor: (db, ids) => db.prisma.monitor.findMany({ where: { id: { in: ids } }, select }),
  sequence: (db, ids) => db.prisma.sequence.findMany({ where: { id: { in: ids } }, select }),
  task: (db, ids) => db.prisma.task.findMany({ where: { id: { in: ids } }, select }),
  template: (db, ids) => db.prisma.messageTemplate.findMany({ where: { id: { in: ids } }, select }),
  api_token: (db, ids) => db.prisma.apiToken.findMany({ where: { id: { in: ids } }, select }),
  user: usernames,
  // Logins and logouts are audited against the user's id.
  session: usernames,
  // SNMP's own port is left out, as the targets table writes it.
  target: async (db, ids) =>
    (
      await db.prisma.target.findMany({
        where: { id: { in: ids } },
        select: { id: true, address: true, port: true },
      })
    ).map((t) => ({ id: t.id, name: t.port === 161 ? t.address : `${t.address}:${t.port}` })),
  schedule: async (db, ids) =>
    (
      await db.prisma.schedule.findMany({
        where: { id: { in: ids } },
        select: { id: true, task: { select: { name: true } } },
      })
    ).map((s) => ({ id: s.id, name: `schedule of ${s.task.name}` })),
  run: async (db, ids) =>
    (
      await db.prisma.taskRun.findMany({
        where: { id: { in: ids } },
        select: { id: true, task: { select: { name: true } } },
      })
    ).map((r) => ({ id: r.id, name: `run of ${r.task.name}` })),
};

const recordedName = (details: unknown): string | undefined => {
  if (!details || typeof details !== 'object') return undefined;
  const d = details as Record<string, unknown>;
  const name = d.name ?? d.username ?? d.address;
  return typeof name === 'string' ? name : undefined;
};

/** Per audit row (by position): the name of the thing it is about, when one is known. */
export async function auditEntityNames(
  db: Database,
  rows: { entity: string; entityId: string | null; details: unknown }[],
): Promise<(string | undefined)[]> {
  const ids = new Map<string, Set<string>>();
  for (const r of rows)
    if (r.entityId && LOOKUPS[r.entity]) ids.set(r.entity, (ids.get(r.entity) ?? new Set()).add(r.entityId));
  const known = new Map<string, string>();
  for (const [entity, set] of ids)
    for (const { id, name } of await LOOKUPS[entity]!(db, [...set])) known.set(`${entity}|${id}`, name);
  return rows.map((r) => (r.entityId && known.get(`${r.entity}|${r.entityId}`)) ?? recordedName(r.details));
}
