// The worker role: takes the jobs of every kind this process runs, hands back the work of executors whose
// process died (to be retried by any worker), and stops the jobs of runs cancelled on any replica.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/connect.ts';
import type { EngineJob, JobEngine, QueueOptions } from './engine.ts';
import type { Executor } from './executor.ts';
import { JobPump, type JobHandler } from './pump.ts';
import { ENDED_RUN_STATES } from '../tasks/run-states.ts';

export interface JobKind<T extends object = object> {
  queue: string;
  options: QueueOptions;
  /** Jobs of this kind one process runs at once. */
  concurrency: number;
  handle: JobHandler<T>;
  /** The run a job works for: its jobs stop when the run is cancelled. */
  runOf?(data: T): string | undefined;
  /** A job failed with no retry left (dead-lettered): finish what it was for. */
  gaveUp?(data: T, reason: string): Promise<void>;
  /** Executors recorded on this kind's work in progress. */
  executors?(): Promise<string[]>;
  /** Hands back the work of an executor whose process is gone: claims it, and fails its jobs to the engine. */
  reclaim?(executor: string): Promise<void>;
  /**
   * Hands back jobs taken long ago whose work nobody has recorded itself on: their worker died between
   * taking the job and starting it (no executor to find gone), and the engine would only expire them.
   */
  unstarted?(): Promise<void>;
}

/** A kind of any job data (a list of kinds mixes them; each kind's handler sees its own data). */
export type AnyJobKind = JobKind<never>;

/** A job taken this long ago whose work has not started was taken by a worker that is gone. */
export const UNSTARTED_AFTER_MS = 30_000;

/** Of these jobs (still waiting for their work to start), those taken longer ago than UNSTARTED_AFTER_MS. */
export async function takenLongAgo(engine: JobEngine, queue: string, ids: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const since = await engine.activeSince(queue, id);
    if (since && Date.now() - since.getTime() > UNSTARTED_AFTER_MS) out.push(id);
  }
  return out;
}

export const deadLetterOf = (queue: string) => `${queue}.gave-up`;

/** The engine's queues for these kinds, dead-letter queues included. */
export function queuesOf(kinds: AnyJobKind[]): Record<string, QueueOptions> {
  const out: Record<string, QueueOptions> = {};
  for (const k of kinds) {
    out[k.queue] = { ...k.options, ...(k.gaveUp && { deadLetter: deadLetterOf(k.queue) }) };
    if (k.gaveUp) out[deadLetterOf(k.queue)] = { retryLimit: 5, retryDelay: 5, expireInSeconds: 600 };
  }
  return out;
}

/** A finished job's failure text as pg-boss stored it (`{message}`, or `{value: {message}}` for expiry). */
const reasonOf = (output: unknown): string => {
  const o = output as { message?: string; value?: { message?: string } } | undefined;
  return o?.message ?? o?.value?.message ?? 'failed';
};

const SWEEP_MS = 5000;
/** Jobs that ran out of retries are rare: their queues are looked at less often. */
const DEAD_LETTER_POLL_MS = 5000;
const CANCEL_CHECK_MS = 1000;

export class RunCancelled extends Error {}

export class Worker {
  /** Each kind with the pump taking its jobs, and the pumps of the dead-letter queues. */
  readonly #taking: { kind: JobKind; pump: JobPump<object> }[];
  readonly #deadLetters: JobPump<object>[] = [];
  #timers: NodeJS.Timeout[] = [];
  #sweeping?: Promise<void>;
  #checking?: Promise<void>;

  constructor(
    private readonly db: Database,
    engine: JobEngine,
    readonly executor: Executor,
    private readonly log: FastifyBaseLogger,
    anyKinds: AnyJobKind[],
    pollMs: number,
  ) {
    const kinds = anyKinds as unknown as JobKind[];
    this.#taking = kinds.map((kind) => ({
      kind,
      pump: new JobPump(engine, kind.queue, kind.concurrency, kind.handle as JobHandler<object>, log, pollMs),
    }));
    for (const { queue, gaveUp } of kinds)
      if (gaveUp)
        this.#deadLetters.push(
          new JobPump(
            engine,
            deadLetterOf(queue),
            1,
            (job: EngineJob<object>) => gaveUp(job.data, reasonOf(job.output)),
            log,
            DEAD_LETTER_POLL_MS,
          ),
        );
  }

  get #pumps(): JobPump<object>[] {
    return [...this.#taking.map((t) => t.pump), ...this.#deadLetters];
  }

  /** Takes this executor's lock, hands back dead executors' work, then starts taking jobs. */
  async start(): Promise<void> {
    await this.executor.start();
    await this.sweep();
    for (const p of this.#pumps) p.start();
    this.#timers = [
      setInterval(() => void this.sweep(), SWEEP_MS),
      setInterval(() => void this.#checkCancelled(), CANCEL_CHECK_MS),
    ];
  }

  /** Stops taking jobs; running ones are aborted with `reason` (their kinds hand them back or fail them). */
  async stop(reason: Error): Promise<void> {
    this.#timers.forEach(clearInterval);
    await this.#sweeping;
    await Promise.all(this.#pumps.map((p) => p.stop(reason)));
  }

  /** Aborts this process's jobs of a run (cancelled here or elsewhere). */
  abortRun(runId: string, reason: Error): void {
    for (const { kind, pump } of this.#taking)
      if (kind.runOf) pump.abort((d) => kind.runOf!(d) === runId, reason);
  }

  /** Finds executors that died with work in progress and hands their work back (one sweep at a time). */
  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweep()
      .catch((err) => this.log.error({ err }, 'could not hand back the work of stopped workers'))
      .finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  async #sweep(): Promise<void> {
    for (const { kind } of this.#taking) {
      await kind.unstarted?.();
      if (!kind.executors || !kind.reclaim) continue;
      for (const gone of await this.executor.gone(await kind.executors())) {
        this.log.warn(
          { executor: gone, queue: kind.queue },
          'a worker stopped with work in progress: handing it back',
        );
        await kind.reclaim(gone);
      }
    }
  }

  async #checkCancelled(): Promise<void> {
    if (this.#checking) return;
    this.#checking = (async () => {
      const runs = new Set<string>();
      for (const { kind, pump } of this.#taking)
        for (const d of pump.activeData()) {
          const run = kind.runOf?.(d);
          if (run) runs.add(run);
        }
      if (!runs.size) return;
      // Ended runs only: a run whose own job was just taken is still queued until its runner marks it running,
      // and stopping it then failed it as 'cancelled' with the message 'run queued'.
      const ended = await this.db.prisma.taskRun.findMany({
        where: { id: { in: [...runs] }, state: { in: ENDED_RUN_STATES } },
        select: { id: true, state: true },
      });
      for (const r of ended) this.abortRun(r.id, new RunCancelled(`run ${r.state}`));
    })()
      .catch((err) => this.log.error({ err }, 'could not check for cancelled runs'))
      .finally(() => (this.#checking = undefined));
  }
}
