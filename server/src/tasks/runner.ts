// Task runs on the job engine. Queuing a run stores it with its job in one transaction; any worker may
// take the job (exactly one does), executes the run's kind and records the outcome. A run whose worker
// dies is failed as interrupted as soon as another worker sees that worker's lock gone (jobs/executor.ts),
// or, at the latest, when the engine expires its job.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/connect.ts';
import type { Prisma, TaskRun } from '../db/generated/client.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { DomainError } from '../domain-errors.ts';
import type { JobEngine } from '../jobs/engine.ts';
import type { Executor } from '../jobs/executor.ts';
import { RunCancelled, takenLongAgo, type JobKind } from '../jobs/worker.ts';
import type { Tx } from '../services/audit.ts';
import { getKind } from './registry.ts';

export const TASK_RUN_QUEUE = 'task-run';
export const INTERRUPTED_MESSAGE = 'interrupted: the server stopped while this run was in progress';
/** Runs may take long (load tests); the engine fails a run's job active longer (below its 24 h ceiling). */
const RUN_EXPIRY_S = 23 * 3600;

interface TaskRunJob {
  runId: string;
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
  readonly #cancelListeners = new Set<(runId: string) => void>();

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    private readonly log: FastifyBaseLogger,
    private readonly engine: JobEngine,
  ) {}

  /**
   * Queues a run of a task and its job in the caller's transaction (`kick` once committed). With an `id`
   * (a schedule's fire) a second call for the same id queues nothing and answers the run already queued.
   */
  async queue(
    tx: Tx,
    taskId: string,
    trigger: 'manual' | 'schedule',
    scheduleId?: string,
    id?: string,
  ): Promise<TaskRun> {
    const data = { taskId, trigger, scheduleId: scheduleId ?? null };
    if (id) {
      const { count } = await tx.taskRun.createMany({ data: [{ id, ...data }], skipDuplicates: true });
      if (count) await this.engine.send(TASK_RUN_QUEUE, { runId: id }, { id }, tx);
      return tx.taskRun.findUniqueOrThrow({ where: { id } });
    }
    const created = await tx.taskRun.create({ data });
    await this.engine.send(TASK_RUN_QUEUE, { runId: created.id }, { id: created.id }, tx);
    return created;
  }

  /** Queues a run in a transaction of its own (a schedule's fire) and wakes this process's workers. */
  async enqueue(
    taskId: string,
    trigger: 'manual' | 'schedule',
    scheduleId?: string,
    id?: string,
  ): Promise<TaskRun> {
    const run = await this.db.prisma.$transaction((tx) => this.queue(tx, taskId, trigger, scheduleId, id));
    this.kick();
    return run;
  }

  /** Wakes this process's takers of task runs: a run queued here is taken at once, not at the next poll. */
  kick(): void {
    this.engine.wake(TASK_RUN_QUEUE);
  }

  /** Called with the run's id whenever a run is cancelled here (its jobs in this process stop at once). */
  onCancel(listener: (runId: string) => void): void {
    this.#cancelListeners.add(listener);
  }

  /**
   * Stops a run cancelled by `cancelRun`: its jobs in this process at once; workers elsewhere notice
   * within a second.
   */
  abort(runId: string): void {
    for (const l of this.#cancelListeners) l(runId);
  }

  /** Task runs as a worker takes them. */
  kind(executor: Executor, concurrency: number): JobKind<TaskRunJob> {
    const { prisma } = this.db;
    return {
      queue: TASK_RUN_QUEUE,
      options: { retryLimit: 0, expireInSeconds: RUN_EXPIRY_S },
      concurrency,
      handle: async (job, signal) => void (await this.#execute(job.data.runId, job.id, executor, signal)),
      runOf: (d) => d.runId,
      // The job expired, or its worker was lost: a run still waiting on it ends there.
      gaveUp: async (d, reason) => {
        await prisma.taskRun.updateMany({
          where: { id: d.runId, OR: [{ state: 'queued' }, { state: 'running', jobQueue: TASK_RUN_QUEUE }] },
          data: {
            state: 'failed',
            finishedAt: new Date(),
            message: `interrupted: ${reason}`,
            executor: null,
          },
        });
      },
      executors: async () =>
        (
          await prisma.taskRun.findMany({
            where: { state: 'running', executor: { not: null } },
            distinct: ['executor'],
            select: { executor: true },
          })
        ).map((r) => r.executor!),
      reclaim: (gone) => this.#reclaim(gone),
      // Its job goes to the dead letters (no retries): the run, still queued, fails as interrupted there.
      unstarted: async () => {
        const queued = await prisma.taskRun.findMany({ where: { state: 'queued' }, select: { id: true } });
        const stale = await takenLongAgo(
          this.engine,
          TASK_RUN_QUEUE,
          queued.map((r) => r.id),
        );
        if (stale.length)
          await this.engine.fail(TASK_RUN_QUEUE, stale, 'taken by a worker that stopped before starting it');
      },
    };
  }

  /**
   * The runs a dead executor was working on. A run's own job cannot run again (its kind may have sent
   * packets or dispatched agents): it fails as interrupted. A later job of a run (a discovery's assembly)
   * is failed back to the engine, which retries it on any worker.
   */
  async #reclaim(gone: string): Promise<void> {
    const { prisma } = this.db;
    const runs = await prisma.taskRun.findMany({
      where: { state: 'running', executor: gone },
      select: { id: true, jobQueue: true, jobId: true },
    });
    for (const r of runs) {
      const own = r.jobQueue === TASK_RUN_QUEUE;
      const claimed = await prisma.taskRun.updateMany({
        where: { id: r.id, state: 'running', executor: gone },
        data: own
          ? { state: 'failed', finishedAt: new Date(), message: INTERRUPTED_MESSAGE, executor: null }
          : { executor: null },
      });
      if (claimed.count && r.jobQueue && r.jobId)
        await this.engine.fail(r.jobQueue, [r.jobId], 'its worker stopped');
      if (claimed.count && own) this.log.warn({ runId: r.id }, 'marked an interrupted run failed');
    }
  }

  async #execute(runId: string, jobId: string, executor: Executor, signal: AbortSignal): Promise<void> {
    const { prisma } = this.db;
    const claimed = await prisma.taskRun.updateMany({
      where: { id: runId, state: 'queued' },
      data: {
        state: 'running',
        startedAt: new Date(),
        executor: executor.id,
        jobQueue: TASK_RUN_QUEUE,
        jobId,
      },
    });
    if (claimed.count === 0) return; // cancelled before it started
    const log = this.log.child({ runId });
    let state: 'succeeded' | 'failed' | 'cancelled' = 'failed';
    let message: string;
    let result: Prisma.InputJsonValue | undefined;
    try {
      const task = await prisma.taskRun.findUniqueOrThrow({ where: { id: runId } }).task();
      const kind = getKind(task.kind);
      log.info({ taskId: task.id, kind: task.kind }, 'run started');
      const outcome = await kind.run(
        {
          runId,
          db: this.db,
          engine: this.engine,
          secrets: this.secrets,
          signal,
          log,
          progress: async (progress) => {
            const r = await prisma.taskRun.updateMany({
              where: { id: runId, state: 'running' },
              data: { progress },
            });
            if (r.count === 0) throw new RunCancelled('cancelled');
          },
        },
        task.args,
      );
      if (outcome.continues) {
        // Its own jobs carry the run from here.
        await prisma.taskRun.updateMany({
          where: { id: runId, executor: executor.id },
          data: { executor: null, jobQueue: null, jobId: null },
        });
        log.info('run continues on its jobs');
        return;
      }
      state = outcome.ok ? 'succeeded' : 'failed';
      message = outcome.message ?? (outcome.ok ? 'done' : 'failed');
      result = outcome.result;
    } catch (err) {
      const reason = signal.aborted ? signal.reason : err;
      state = reason instanceof RunCancelled ? 'cancelled' : 'failed';
      message = reason instanceof Error ? reason.message : String(reason);
    }
    // Only a run still marked running is finished here: a cancel from the API already wrote its state.
    await prisma.taskRun.updateMany({
      where: { id: runId, state: 'running' },
      data: {
        state,
        message,
        finishedAt: new Date(),
        executor: null,
        ...(result !== undefined && { result }),
      },
    });
    log.info({ state }, 'run finished');
  }
}
