// Agents by key hash, read in SQL of our own rather than through Prisma: every agent request looks its agent
// up (1,000 agents make ~150 lookups a second), and Prisma's query building and row mapping cost the event loop
// 345 us for a one-key lookup against 166 us here, and 872 us against 378 us for 25 keys.
import type { Database } from '../db/connect.ts';
import type { Agent } from '../db/generated/client.ts';
import { utcColumn } from '../db/sql-client.ts';

/** Every field of the model, under its own name (test/db/agent-rows.test.ts compares the rows with Prisma's). */
const COLUMNS = [
  'id',
  'name',
  'key_hash AS "keyHash"',
  'state',
  'hostname',
  'version',
  'facts',
  utcColumn('last_seen_at', 'lastSeenAt'),
  'last_address AS "lastAddress"',
  'clock_offset_ms AS "clockOffsetMs"',
  'clock_rtt_ms AS "clockRttMs"',
  utcColumn('disconnected_at', 'disconnectedAt'),
  utcColumn('enrolled_at', 'enrolledAt'),
  'target_version AS "targetVersion"',
  'update_state AS "updateState"',
  'update_message AS "updateMessage"',
  utcColumn('update_requested_at', 'updateRequestedAt'),
  utcColumn('update_changed_at', 'updateChangedAt'),
  'site',
  utcColumn('updated_at', 'updatedAt'),
].join(', ');

/** The agents holding these key hashes. */
export function agentsWithKeys(db: Database, keyHashes: string[]): Promise<Agent[]> {
  return db.pool.query<Agent>(`SELECT ${COLUMNS} FROM agents WHERE key_hash = ANY($1::text[])`, [keyHashes]);
}
