// This process as a job executor: an id recorded on the work it takes, a label for reports, and a
// session-level advisory lock held while it lives. pg-boss alone notices a dead worker only when its jobs
// expire (after the longest a job may take, up to hours); the lock tells at once, because PostgreSQL drops
// it with the dead process's session: whoever can take an executor's lock knows that executor is gone.
// PGlite serves one process, so there every other executor is gone by construction — the same test says so.
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../db/connect.ts';

/** A 64-bit lock key from the executor id (Prisma's and pg-boss's keys are other hashes: no clash in practice). */
const lockKey = (executor: string): [string] => [
  createHash('sha256').update(`netspotter executor ${executor}`).digest().readBigInt64BE(0).toString(),
];

export class Executor {
  readonly id = randomUUID();
  /** Who polled a device, as the report says: host and process. */
  readonly label = `worker ${hostname()}/${process.pid}`;

  constructor(private readonly db: Database) {}

  /** Takes this executor's lock on the database session; held until the session ends. */
  async start(): Promise<void> {
    await this.db.sql.query('SELECT pg_advisory_lock($1::bigint)', lockKey(this.id));
  }

  /** The executors among `ids` whose process is gone (this one never is). */
  async gone(ids: Iterable<string>): Promise<string[]> {
    const out: string[] = [];
    for (const id of new Set(ids)) {
      if (id === this.id) continue;
      const [row] = await this.db.sql.query<{ free: boolean }>(
        'SELECT pg_try_advisory_lock($1::bigint) AS free',
        lockKey(id),
      );
      if (!row?.free) continue;
      await this.db.sql.query('SELECT pg_advisory_unlock($1::bigint)', lockKey(id));
      out.push(id);
    }
    return out;
  }
}
