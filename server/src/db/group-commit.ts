// Group commit: requests that arrive while earlier batches are with the database wait, then go together
// in one statement. A batch starts at the end of the event-loop turn its first request came in (no timer
// adds latency), so the requests one answer releases together — 200 uploads whose jobs were read in one
// query — go together too, not the first alone and the rest after it. When the database is the bottleneck
// (PGlite's one session under 1,000 agents' beats), batches grow by themselves, so the statements per
// second stay bounded by the database's own pace instead of the request rate.
import { WRITE_BATCH } from './batches.ts';
import type { Database } from './connect.ts';

/**
 * Batches of one kind with the database at once: PGlite runs one query at a time; PostgreSQL's pool (Prisma's
 * default of 10) serves several, and one batch at a time would make beats wait on one round trip each.
 */
export const batchesInFlight = (db: Pick<Database, 'kind'>) => (db.kind === 'postgres' ? 4 : 1);

interface Waiting<I, R> {
  item: I;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

export class GroupCommit<I, R> {
  readonly #queue: Waiting<I, R>[] = [];
  #running = 0;
  /** A start of batches is due at the end of this event-loop turn. */
  #startDue = false;

  /**
   * `run` answers a batch, one result per item in the same order; it throws for the whole batch.
   * `inFlight` batches may run at once; `max` bounds a batch's total `weight` (statement size, time the
   * event loop spends on its rows): an item counts 1 unless it carries many rows. An item heavier than
   * `max` goes alone.
   */
  constructor(
    private readonly run: (items: I[]) => Promise<R[]>,
    private readonly inFlight = 1,
    private readonly max = WRITE_BATCH,
    private readonly weight: (item: I) => number = () => 1,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (this.#startDue) return;
      this.#startDue = true;
      setImmediate(() => {
        this.#startDue = false;
        while (this.#next());
      });
    });
  }

  /** Starts a batch when a slot is free and requests wait; says whether it did. */
  #next(): boolean {
    if (this.#running >= this.inFlight || this.#queue.length === 0) return false;
    this.#running++;
    let n = 0;
    for (let total = 0; n < this.#queue.length; n++) {
      total += this.weight(this.#queue[n]!.item);
      if (n > 0 && total > this.max) break;
    }
    const batch = this.#queue.splice(0, n);
    const items = batch.map((w) => w.item);
    // The next batch leaves for the database before this one's requests are answered: answering 150 uploads
    // holds the event loop ~15 ms, all of which the database sat idle when the next batch went after them.
    // The next batch starts in a microtask, and pg hands it a pooled connection on the next tick; answers
    // go on a tick queued before that one, so the requests they release (microtasks) run after the send.
    const done = (answer: () => void) => {
      this.#running--;
      this.#next();
      process.nextTick(answer);
    };
    Promise.resolve()
      .then(() => this.run(items))
      .then(
        (results) => done(() => batch.forEach((w, i) => w.resolve(results[i]!))),
        (err: unknown) => done(() => batch.forEach((w) => w.reject(err))),
      );
    return true;
  }
}

/** One instance per database (and kind of request), made on first use. */
export function perDatabase<D extends object, T>(make: (db: D) => T): (db: D) => T {
  const made = new WeakMap<D, T>();
  return (db) => {
    let t = made.get(db);
    if (!t) made.set(db, (t = make(db)));
    return t;
  };
}

/**
 * Rows looked up by key for the requests under way, read together (one query per batch, per database):
 * `fetch` reads the rows of a set of keys, ordered so that a key's first row is the one to answer with;
 * each request gets its key's first row, or undefined.
 */
export function keyedLookup<K, V>(
  fetch: (db: Database, keys: K[]) => Promise<V[]>,
  keyOf: (row: V) => K,
): (db: Database) => GroupCommit<K, V | undefined> {
  return perDatabase(
    (db: Database) =>
      new GroupCommit<K, V | undefined>(async (keys) => {
        const first = new Map<K, V>();
        for (const row of await fetch(db, [...new Set(keys)]))
          if (!first.has(keyOf(row))) first.set(keyOf(row), row);
        return keys.map((k) => first.get(k));
      }, batchesInFlight(db)),
  );
}
