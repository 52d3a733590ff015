// Runs tasks on their cron schedules (node-cron, with seconds and time zones). Every server process keeps
// the schedules and, at each fire time, sends the engine a fire job whose id is derived from the schedule
// and the fire time: however many processes fire, the engine stores that job once, and the worker that
// takes it queues the run. So no process leads and none has to take over.
import cron, { type ScheduledTask } from 'node-cron';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/connect.ts';
import type { Schedule } from '../db/generated/client.ts';
import type { JobEngine } from '../jobs/engine.ts';
import { stableId } from '../jobs/ids.ts';
import type { JobKind } from '../jobs/worker.ts';
import type { TaskRunner } from '../tasks/runner.ts';

export const SCHEDULE_FIRE_QUEUE = 'schedule-fire';
const SYNC_MS = 5000;

interface FireJob {
  scheduleId: string;
  /** The fire time (ISO), as cron computed it. */
  at: string;
}

/** Why a cron expression is invalid, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
  const r = cron.validateDetailed(expression);
  if (r.valid) return undefined;
  return r.errors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'not a cron expression';
}

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

interface Installed {
  key: string;
  job: ScheduledTask;
}

export class Scheduler {
  readonly #db: Database;
  readonly #engine: JobEngine;
  readonly #log: FastifyBaseLogger;
  readonly #installed = new Map<string, Installed>();
  #timer?: NodeJS.Timeout;
  #syncing?: Promise<void>;

  constructor(db: Database, engine: JobEngine, log: FastifyBaseLogger) {
    this.#db = db;
    this.#engine = engine;
    this.#log = log;
  }

  async start(): Promise<void> {
    await this.#sync().catch((err) => this.#log.error({ err }, 'could not read the schedules'));
    this.#timer = setInterval(
      () => void this.#sync().catch((err) => this.#log.error({ err }, 'could not read the schedules')),
      SYNC_MS,
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#syncing;
    for (const { job } of this.#installed.values()) await job.destroy();
    this.#installed.clear();
  }

  /** Re-reads schedules now (after an API change) instead of at the next periodic sync. */
  reload(): Promise<void> {
    return this.#sync();
  }

  /** Fire jobs as a worker takes them: each queues one run (again for the same fire: nothing more). */
  static fireKind(db: Database, runner: TaskRunner): JobKind<FireJob> {
    return {
      queue: SCHEDULE_FIRE_QUEUE,
      options: { retryLimit: 3, retryDelay: 1, expireInSeconds: 60 },
      concurrency: 4,
      handle: async (job) => {
        const s = await db.prisma.schedule.findUnique({ where: { id: job.data.scheduleId } });
        if (!s?.enabled) return; // deleted or disabled since
        await db.prisma.schedule.update({ where: { id: s.id }, data: { lastRunAt: new Date(job.data.at) } });
        await runner.enqueue(s.taskId, 'schedule', s.id, job.id);
      },
    };
  }

  #sync(): Promise<void> {
    // One sync at a time; a caller arriving meanwhile waits for the next full pass.
    const next = (this.#syncing ?? Promise.resolve()).then(() => this.#syncNow());
    this.#syncing = next.catch(() => undefined);
    return next;
  }

  async #syncNow(): Promise<void> {
    const schedules = await this.#db.prisma.schedule.findMany({ where: { enabled: true } });
    const wanted = new Map(schedules.map((s) => [s.id, s]));
    for (const [id, inst] of this.#installed) {
      const s = wanted.get(id);
      if (!s || keyOf(s) !== inst.key) {
        await inst.job.destroy();
        this.#installed.delete(id);
      }
    }
    for (const s of schedules) {
      if (this.#installed.has(s.id)) continue;
      if (cronProblem(s.cron)) {
        this.#log.error({ scheduleId: s.id }, 'stored schedule has an invalid cron expression; skipped');
        continue;
      }
      const job = cron.schedule(s.cron, ({ date }) => this.#fire(s, date), {
        name: s.id,
        ...(s.timezone && { timezone: s.timezone }),
      });
      this.#installed.set(s.id, { key: keyOf(s), job });
    }
  }

  async #fire(s: Schedule, at: Date): Promise<void> {
    const iso = at.toISOString();
    try {
      await this.#engine.send(SCHEDULE_FIRE_QUEUE, { scheduleId: s.id, at: iso } satisfies FireJob, {
        id: stableId('schedule fire', s.id, iso),
      });
    } catch (err) {
      this.#log.error({ err, scheduleId: s.id }, 'could not send a schedule fire');
    }
  }
}

const keyOf = (s: Schedule) => `${s.cron}|${s.timezone ?? ''}|${s.taskId}`;

/** The next `count` times a cron expression fires (for the API and GUI). */
export function nextRuns(expression: string, timezone: string | null | undefined, count: number): Date[] {
  const job = cron.createTask(expression, () => undefined, { ...(timezone && { timezone }) });
  try {
    return job.getNextRuns(count);
  } finally {
    void job.destroy();
  }
}
