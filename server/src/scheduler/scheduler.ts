// Runs tasks on their cron schedules (node-cron). Only the leader schedules; followers retry for
// leadership every few seconds and take over when the leader's database session ends.
import cron, { type ScheduledTask } from 'node-cron';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/connect.ts';
import type { Schedule } from '../db/generated/client.ts';
import type { TaskRunner } from '../tasks/runner.ts';
import { tryLead } from './leader-lock.ts';

const SYNC_MS = 5000;

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
  readonly #runner: TaskRunner;
  readonly #log: FastifyBaseLogger;
  readonly #installed = new Map<string, Installed>();
  #leader = false;
  #timer?: NodeJS.Timeout;
  #syncing?: Promise<void>;

  constructor(db: Database, runner: TaskRunner, log: FastifyBaseLogger) {
    this.#db = db;
    this.#runner = runner;
    this.#log = log;
    db.onConnectionLost((err) => {
      if (!this.#leader) return;
      this.#log.error({ err }, 'lost the database session: giving up scheduler leadership');
      this.#resign();
    });
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  async start(): Promise<void> {
    await this.#tick();
    this.#timer = setInterval(() => void this.#tick(), SYNC_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#syncing;
    this.#resign();
    await this.#runner.stop();
  }

  /** Re-reads schedules now (after an API change) instead of at the next periodic sync. */
  async reload(): Promise<void> {
    if (this.#leader) await this.#sync();
  }

  async #tick(): Promise<void> {
    try {
      if (!this.#leader && (await tryLead(this.#db))) {
        this.#leader = true;
        this.#log.info('this server leads: it runs the scheduler and executes task runs');
        await this.#runner.lead();
      }
      if (this.#leader) await this.#sync();
    } catch (err) {
      this.#log.error({ err }, 'scheduler tick failed');
    }
  }

  #resign() {
    this.#leader = false;
    for (const { job } of this.#installed.values()) void job.destroy();
    this.#installed.clear();
    void this.#runner.stop();
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
      const job = cron.schedule(s.cron, () => this.#fire(s), {
        name: s.id,
        ...(s.timezone && { timezone: s.timezone }),
        noOverlap: true,
      });
      this.#installed.set(s.id, { key: keyOf(s), job });
    }
  }

  async #fire(s: Schedule): Promise<void> {
    try {
      await this.#db.prisma.schedule.update({ where: { id: s.id }, data: { lastRunAt: new Date() } });
      await this.#runner.enqueue(s.taskId, 'schedule', s.id);
    } catch (err) {
      this.#log.error({ err, scheduleId: s.id }, 'could not queue a scheduled run');
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
