// Takes one queue's jobs for this process, at most `concurrency` at a time: fetches as many as there are
// free slots, runs each, and completes it (or fails it back to the engine, which retries it anywhere).
// Idle, it polls every `pollMs`; a send from this process, or a finished job, wakes it at once. Busy, it
// gathers what ends within GATHER_MS: the jobs are completed together and their slots filled by one
// fetch (a discovery run's devices end many a second: a completion and a fetch each cost a statement).
import type { FastifyBaseLogger } from 'fastify';
import { wait } from '@netspotter/shared';
import type { EngineJob, JobEngine } from './engine.ts';

export type JobHandler<T> = (job: EngineJob<T>, signal: AbortSignal) => Promise<object | void>;

/** Jobs that end within this long are completed by one statement, and their slots filled by one fetch. */
export const GATHER_MS = 50;

interface Active<T> {
  job: EngineJob<T>;
  abort: AbortController;
  done: Promise<void>;
}

export class JobPump<T> {
  readonly #active = new Map<string, Active<T>>();
  #stop = new AbortController();
  #wake = new AbortController();
  #loop?: Promise<void>;
  #unsubscribe?: () => void;
  /** Ended jobs (without output) waiting to be completed, and the timer that completes them. */
  #ended: string[] = [];
  #completing?: NodeJS.Timeout;
  #completions = Promise.resolve();

  constructor(
    private readonly engine: JobEngine,
    readonly queue: string,
    private readonly concurrency: number,
    private readonly handler: JobHandler<T>,
    private readonly log: FastifyBaseLogger,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.#stop = new AbortController();
    this.#unsubscribe = this.engine.onSend(this.queue, () => this.kick());
    this.#loop = this.#run();
  }

  kick(): void {
    this.#wake.abort();
  }

  /** The data of the jobs running here now. */
  activeData(): T[] {
    return [...this.#active.values()].map((a) => a.job.data);
  }

  /** Aborts the running jobs whose data matches; their handlers decide what an abort means. */
  abort(matches: (data: T) => boolean, reason: Error): void {
    for (const a of this.#active.values()) if (matches(a.job.data)) a.abort.abort(reason);
  }

  /** Stops taking jobs and aborts the running ones with `reason`; resolves once all have ended. */
  async stop(reason: Error): Promise<void> {
    this.#stop.abort();
    this.#unsubscribe?.();
    this.kick();
    this.abort(() => true, reason);
    await Promise.all([...this.#active.values()].map((a) => a.done));
    await this.#loop;
    await this.#completeEnded();
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      if (this.#active.size > 0) await wait(GATHER_MS, this.#stop.signal);
      this.#wake = new AbortController();
      const free = this.concurrency - this.#active.size;
      let fetched = 0;
      if (free > 0) {
        try {
          const jobs = await this.engine.fetch<T>(this.queue, free);
          fetched = jobs.length;
          for (const job of jobs) this.#begin(job);
        } catch (err) {
          this.log.error({ err, queue: this.queue }, 'could not take jobs');
        }
      }
      // More may wait when every free slot was filled; otherwise sleep until a job ends or one is sent.
      if (fetched === 0 || fetched < free || this.#active.size >= this.concurrency)
        await wait(
          this.#active.size >= this.concurrency ? 3_600_000 : this.pollMs,
          AbortSignal.any([this.#wake.signal, this.#stop.signal]),
        );
    }
  }

  #begin(job: EngineJob<T>): void {
    if (this.#stop.signal.aborted) {
      // Taken while stopping: hand it straight back.
      void this.engine.fail(this.queue, [job.id], 'the worker stopped').catch(() => undefined);
      return;
    }
    const abort = new AbortController();
    const done = this.handler(job, abort.signal)
      .then(
        async (output) => {
          if (output) await this.engine.complete(this.queue, job.id, output);
          else this.#ending(job.id);
        },
        (err: unknown) =>
          this.engine.fail(this.queue, [job.id], err instanceof Error ? err.message : String(err)),
      )
      .then(
        () => undefined,
        (err: unknown) => this.log.error({ err, queue: this.queue, job: job.id }, 'could not finish a job'),
      )
      .finally(() => {
        this.#active.delete(job.id);
        this.kick();
      });
    this.#active.set(job.id, { job, abort, done });
  }

  /** Completes a job that ended without output with the others that end within GATHER_MS. */
  #ending(id: string): void {
    this.#ended.push(id);
    this.#completing ??= setTimeout(() => void this.#completeEnded(), GATHER_MS);
  }

  /** Completes the ended jobs now; resolves once every completion sent so far is done. */
  #completeEnded(): Promise<void> {
    clearTimeout(this.#completing);
    this.#completing = undefined;
    const ids = this.#ended.splice(0);
    if (ids.length)
      this.#completions = this.#completions.then(() =>
        this.engine.completeMany(this.queue, ids).catch((err: unknown) =>
          // Left active: the engine expires them and retries them, and their handlers find them done.
          this.log.error({ err, queue: this.queue, jobs: ids }, 'could not complete jobs'),
        ),
      );
    return this.#completions;
  }
}
