// Executes task runs. Runs are queued in the database by any server replica; only the replica that
// holds the scheduler lock (the leader) claims and executes them, so a run never executes twice.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/connect.ts';
import type { Prisma, TaskRun } from '../db/generated/client.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { DomainError } from '../domain-errors.ts';
import type { Tx } from '../services/audit.ts';
import { getKind } from './registry.ts';

export const INTERRUPTED_MESSAGE = 'interrupted: the server stopped while this run was in progress';
const POLL_MS = 1000;

class Cancelled extends Error {}

/** Creates a queued run in the caller's transaction; `TaskRunner.kick` starts it once committed. */
export function queueRun(
  tx: Tx,
  taskId: string,
  trigger: 'manual' | 'schedule',
  scheduleId?: string,
): Promise<TaskRun> {
  return tx.taskRun.create({ data: { taskId, trigger, scheduleId: scheduleId ?? null } });
}

/** Marks a queued or running run cancelled in the caller's transaction; `TaskRunner.abort` then stops it. */
export async function cancelRun(tx: Tx, runId: string): Promise<TaskRun> {
  const run = await tx.taskRun.findUnique({ where: { id: runId } });
  if (!run) throw new DomainError('not_found', 'run not found');
  if (run.state !== 'queued' && run.state !== 'running') {
    throw new DomainError('conflict', `run already ${run.state}`, 'state');
  }
  return tx.taskRun.update({
    where: { id: runId },
    data: { state: 'cancelled', finishedAt: new Date(), message: 'cancelled by user' },
  });
}

export class TaskRunner {
  readonly #db: Database;
  readonly #secrets: SecretBox;
  readonly #log: FastifyBaseLogger;
  readonly #concurrency: number;
  readonly #active = new Map<string, { abort: AbortController; done: Promise<void> }>();
  #leading = false;
  #timer?: NodeJS.Timeout;
  #pumping = false;

  constructor(db: Database, secrets: SecretBox, log: FastifyBaseLogger, concurrency: number) {
    this.#db = db;
    this.#secrets = secrets;
    this.#log = log;
    this.#concurrency = concurrency;
  }

  /** Queues a run of a task; the leader picks it up at once (or within a second on another replica). */
  async enqueue(taskId: string, trigger: 'manual' | 'schedule', scheduleId?: string): Promise<TaskRun> {
    const run = await queueRun(this.#db.prisma, taskId, trigger, scheduleId);
    this.kick();
    return run;
  }

  /**
   * Stops a run cancelled by `cancelRun` when it executes on this replica; on another replica the
   * executor notices at its next progress report.
   */
  abort(runId: string): void {
    this.#active.get(runId)?.abort.abort(new Cancelled('cancelled by user'));
  }

  /** Becomes the executor: fails runs a dead leader left running, then executes queued runs. */
  async lead(): Promise<void> {
    if (this.#leading) return;
    this.#leading = true;
    const orphans = await this.#db.prisma.taskRun.updateMany({
      where: { state: 'running' },
      data: { state: 'failed', finishedAt: new Date(), message: INTERRUPTED_MESSAGE },
    });
    if (orphans.count) this.#log.warn({ runs: orphans.count }, 'marked interrupted runs failed');
    this.#timer = setInterval(() => this.kick(), POLL_MS);
    this.kick();
  }

  /** Stops claiming runs; runs in progress are aborted and marked failed as interrupted. */
  async stop(): Promise<void> {
    this.#leading = false;
    clearInterval(this.#timer);
    for (const { abort } of this.#active.values()) abort.abort(new Error(INTERRUPTED_MESSAGE));
    await Promise.all([...this.#active.values()].map((a) => a.done));
  }

  kick(): void {
    if (!this.#leading || this.#pumping) return;
    this.#pumping = true;
    this.#pump()
      .catch((err) => this.#log.error({ err }, 'task runner failed to claim runs'))
      .finally(() => (this.#pumping = false));
  }

  async #pump(): Promise<void> {
    while (this.#leading && this.#active.size < this.#concurrency) {
      const next = await this.#db.prisma.taskRun.findFirst({
        where: { state: 'queued' },
        orderBy: { createdAt: 'asc' },
      });
      if (!next) return;
      // Claim atomically: of several racing claimers only one sees count 1.
      const claimed = await this.#db.prisma.taskRun.updateMany({
        where: { id: next.id, state: 'queued' },
        data: { state: 'running', startedAt: new Date() },
      });
      if (claimed.count === 1) this.#start(next.id, next.taskId);
    }
  }

  #start(runId: string, taskId: string) {
    const abort = new AbortController();
    const done = this.#execute(runId, taskId, abort.signal)
      .catch((err) => this.#log.error({ err, runId }, 'run bookkeeping failed'))
      .finally(() => {
        this.#active.delete(runId);
        this.kick();
      });
    this.#active.set(runId, { abort, done });
  }

  async #execute(runId: string, taskId: string, signal: AbortSignal): Promise<void> {
    const { prisma } = this.#db;
    const log = this.#log.child({ runId });
    let state: 'succeeded' | 'failed' | 'cancelled' = 'failed';
    let message: string;
    let result: Prisma.InputJsonValue | undefined;
    try {
      const task = await prisma.task.findUniqueOrThrow({ where: { id: taskId } });
      const kind = getKind(task.kind);
      log.info({ taskId, kind: task.kind }, 'run started');
      const outcome = await kind.run(
        {
          runId,
          db: this.#db,
          secrets: this.#secrets,
          signal,
          log,
          progress: async (progress) => {
            const r = await prisma.taskRun.updateMany({
              where: { id: runId, state: 'running' },
              data: { progress },
            });
            if (r.count === 0) throw new Cancelled('cancelled');
          },
        },
        task.args,
      );
      state = outcome.ok ? 'succeeded' : 'failed';
      message = outcome.message ?? (outcome.ok ? 'done' : 'failed');
      result = outcome.result;
    } catch (err) {
      const reason = signal.aborted ? signal.reason : err;
      state = reason instanceof Cancelled ? 'cancelled' : 'failed';
      message = reason instanceof Error ? reason.message : String(reason);
    }
    // Only a run still marked running is finished here: a cancel from the API already wrote its state.
    await prisma.taskRun.updateMany({
      where: { id: runId, state: 'running' },
      data: { state, message, finishedAt: new Date(), ...(result !== undefined && { result }) },
    });
    log.info({ state }, 'run finished');
  }
}
