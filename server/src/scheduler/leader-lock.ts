// Leadership among server replicas sharing one PostgreSQL: the holder of a session-level advisory
// lock on the dedicated connection runs the scheduler and executes runs. The embedded database has
// one process by construction, so it always leads.
import type { Database } from '../db/connect.ts';

/** Arbitrary constant: "netspotter scheduler" (must differ from Prisma's migrate lock). */
export const SCHEDULER_LOCK_KEY = 0x6e735363;

export async function tryLead(db: Database): Promise<boolean> {
  if (db.kind === 'pglite') return true;
  const [row] = await db.sql.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
    SCHEDULER_LOCK_KEY,
  ]);
  return row?.locked === true;
}
