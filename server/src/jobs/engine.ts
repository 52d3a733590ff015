// The job engine: pg-boss on the node database (in its own schema, which it creates and migrates), reached
// through our own connection — PGlite's one session, or a small pool on PostgreSQL — so the embedded
// default and any number of workers on one PostgreSQL run the same code. Workers take jobs with
// SELECT … FOR UPDATE SKIP LOCKED (one worker per job); pg-boss retries failed and expired ones, and moves
// those out of retries to a dead-letter queue. Our jobs carry our ids (a run's, a device's), so sending one
// twice stores it once.
import PgBoss from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/connect.ts';

export interface QueueOptions {
  /** `singleton`: at most one active job per singleton key. */
  policy?: 'standard' | 'singleton';
  retryLimit: number;
  retryDelay?: number;
  /** A job active longer than this is failed by the engine's maintenance (then retried, or dead-lettered). */
  expireInSeconds: number;
  /** Where a job goes when it fails with no retry left. */
  deadLetter?: string;
}

export interface SendOptions {
  /** Our id for the job (a UUID): a second send with the same id stores nothing. */
  id: string;
  singletonKey?: string;
  expireInSeconds?: number;
}

export interface EngineJob<T> {
  id: string;
  data: T;
  /** Attempts before this one, and how many retries the job has in all. */
  retryCount: number;
  retryLimit: number;
  /** On a dead-lettered copy: why the original failed last. */
  output?: unknown;
}

/** A Prisma transaction: a job sent through it is stored, or not, with the transaction's other writes. */
export interface Tx {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

const txDb = (tx: Tx) => ({
  executeSql: async (text: string, values: unknown[] = []) => ({
    rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values),
  }),
});

/** Maintenance (expiry, archiving) runs this often, on one process of the cluster at a time. */
const MAINTENANCE_SECONDS = 30;

export class JobEngine {
  readonly #boss: PgBoss;
  readonly #sent = new Map<string, Set<() => void>>();

  constructor(db: Database, log: FastifyBaseLogger) {
    this.#boss = new PgBoss({
      db: { executeSql: async (text, values) => ({ rows: await db.pool.query(text, values ?? []) }) },
      // Schedules are ours (seconds resolution, time zones); pg-boss's cron fires once a minute at most.
      schedule: false,
      supervise: true,
      migrate: true,
      maintenanceIntervalSeconds: MAINTENANCE_SECONDS,
      archiveCompletedAfterSeconds: 3600,
      deleteAfterDays: 7,
    });
    this.#boss.on('error', (err) => log.error({ err }, 'job engine error'));
  }

  /** Installs or migrates the engine's schema and creates the queues (both idempotent). */
  async start(queues: Record<string, QueueOptions>): Promise<void> {
    await this.#boss.start();
    // Dead-letter queues first: a queue refers to its own.
    const order = Object.entries(queues).sort(
      ([, a], [, b]) => Number(!!a.deadLetter) - Number(!!b.deadLetter),
    );
    for (const [name, options] of order) await this.ensureQueue(name, options);
  }

  ensureQueue(name: string, options: QueueOptions): Promise<void> {
    return this.#boss.createQueue(name, { name, policy: options.policy ?? 'standard', ...options });
  }

  /** Stores a job (inside `tx` when given) and wakes this process's takers of the queue; false if it existed. */
  async send(queue: string, data: object, options: SendOptions, tx?: Tx): Promise<boolean> {
    const db = tx && txDb(tx);
    const id = await this.#boss.send(queue, data, { ...options, ...(db && { db }) });
    // A job sent inside a transaction is visible once it commits: the taker's next poll finds it then.
    if (!tx) this.wake(queue);
    return id !== null;
  }

  /** Stores several jobs of a queue in one statement (inside `tx` when given); existing ids are kept as they are. */
  async sendMany(queue: string, jobs: (SendOptions & { data: object })[], tx?: Tx): Promise<void> {
    if (!jobs.length) return;
    await this.#boss.insert(
      jobs.map((j) => ({ name: queue, ...j })),
      tx ? { db: txDb(tx) } : {},
    );
    if (!tx) this.wake(queue);
  }

  /** Takes up to `n` jobs of a queue for this process (SKIP LOCKED: no other worker gets them). */
  async fetch<T>(queue: string, n: number): Promise<EngineJob<T>[]> {
    const jobs = await this.#boss.fetch<T>(queue, { batchSize: n, includeMetadata: true });
    return jobs.map((j) => ({
      id: j.id,
      data: j.data,
      retryCount: j.retryCount,
      retryLimit: j.retryLimit,
      output: j.output,
    }));
  }

  /** Marks a job done; false when it was no longer active here (expired and retried elsewhere). */
  async complete(queue: string, id: string, output?: object): Promise<boolean> {
    const r = (await this.#boss.complete(queue, id, output ?? {})) as unknown as { affected: number };
    return r.affected > 0;
  }

  /** Marks jobs done (those still active here) in one statement. */
  async completeMany(queue: string, ids: string[]): Promise<void> {
    if (ids.length) await this.#boss.complete(queue, ids);
  }

  /** Fails jobs: each is retried (by any worker) while it has retries left, else dead-lettered. */
  async fail(queue: string, ids: string[], reason: string): Promise<void> {
    if (!ids.length) return;
    // pg-boss takes a list of ids with failure data at run time; its typings offer only one id with data.
    for (const id of ids) await this.#boss.fail(queue, id, { message: reason });
    this.wake(queue);
  }

  /** When a job was taken by a worker, while it is active (undefined otherwise). */
  async activeSince(queue: string, id: string): Promise<Date | undefined> {
    const job = await this.#boss.getJobById(queue, id);
    return job?.state === 'active' ? new Date(job.startedOn) : undefined;
  }

  async cancel(queue: string, ids: string[]): Promise<void> {
    if (ids.length) await this.#boss.cancel(queue, ids);
  }

  /** Calls `listener` whenever this process sends to (or fails back) a job of `queue`; returns its removal. */
  onSend(queue: string, listener: () => void): () => void {
    const set = this.#sent.get(queue) ?? new Set();
    this.#sent.set(queue, set.add(listener));
    return () => set.delete(listener);
  }

  wake(queue: string): void {
    for (const l of this.#sent.get(queue) ?? []) l();
  }

  async stop(): Promise<void> {
    // Our takers have stopped and handed their jobs back; the connection is the database's to close.
    await this.#boss.stop({ graceful: false, close: false });
  }
}
