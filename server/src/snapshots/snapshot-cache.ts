// A stored snapshot never changes, so its topology is read from the database, checked and turned into
// layer graphs once, not per request. A 2,000-device topology is tens of MB of JSON: re-reading and
// re-checking it for each of 50 readers kept the embedded database's one session and the event loop
// busy. Kept per database (tests run several servers in one process), a few snapshots at a time.
import { LRUCache } from 'lru-cache';
import type { Database } from '../db/connect.ts';

/** Snapshots whose derived values are kept: the newest and a few an engineer compares with it. */
const SNAPSHOTS = 4;

type Entries = LRUCache<string, Map<string, unknown>>;
const perDatabase = new WeakMap<Database, Entries>();

function valuesOf(db: Database, snapshotId: string): Map<string, unknown> {
  let entries = perDatabase.get(db);
  if (!entries) perDatabase.set(db, (entries = new LRUCache({ max: SNAPSHOTS })));
  let values = entries.get(snapshotId);
  if (!values) entries.set(snapshotId, (values = new Map()));
  return values;
}

/**
 * Keeps a value the caller already holds — the topology a discovery just stored — so that its first
 * readers need not read back and parse tens of MB on the event loop.
 */
export function keepSnapshotDerived<T>(db: Database, snapshotId: string, key: string, value: T): void {
  valuesOf(db, snapshotId).set(key, Promise.resolve(value));
}

/**
 * The value `key` derives from snapshot `snapshotId`, computed once by `make` while the snapshot stays
 * among the most recently used. Concurrent first requests share one computation.
 */
export function snapshotDerived<T>(
  db: Database,
  snapshotId: string,
  key: string,
  make: () => T | Promise<T>,
): Promise<T> {
  const values = valuesOf(db, snapshotId);
  const known = values.get(key) as Promise<T> | undefined;
  if (known) return known;
  const made = Promise.resolve().then(make);
  values.set(key, made);
  // A failed read is not remembered: the next request tries again.
  made.catch(() => values.delete(key));
  return made;
}
