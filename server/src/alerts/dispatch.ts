// Delivers notifications: each delivery runs on its own, retried with exponential back-off, so a channel
// that is down delays nothing else (neither other channels nor the alert engine). Every failed try is
// logged with the channel's masked target; the last one is logged as given up (the dead letter).
import type { FastifyBaseLogger } from 'fastify';

export interface Delivery {
  channelId: string;
  channelName: string;
  /** Where it goes, as it may be logged (a masked URL, host:port/transport). */
  target: string;
  /** What it is about (an alert id and transition) for the log. */
  about: string;
  send(): Promise<void>;
}

export class Dispatcher {
  readonly #inFlight = new Set<Promise<void>>();
  readonly #waits = new Set<() => void>();
  #stopped = false;

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly baseMs: number,
    private readonly attempts: number,
  ) {}

  deliver(d: Delivery): void {
    if (this.#stopped) return;
    const p = this.#run(d).finally(() => this.#inFlight.delete(p));
    this.#inFlight.add(p);
  }

  /** Deliveries still trying (sent, waiting to retry). */
  get pending(): number {
    return this.#inFlight.size;
  }

  async #run(d: Delivery): Promise<void> {
    const where = { channel: d.channelName, channelId: d.channelId, target: d.target, about: d.about };
    for (let attempt = 1; ; attempt++) {
      try {
        await d.send();
        this.log.info({ ...where, attempt }, 'alert notification delivered');
        return;
      } catch (err) {
        const error = (err as Error).message;
        if (attempt >= this.attempts || this.#stopped) {
          this.log.error({ ...where, attempt, error }, 'alert notification given up');
          return;
        }
        const delayMs = this.baseMs * 2 ** (attempt - 1);
        this.log.warn(
          { ...where, attempt, error, retryInMs: delayMs },
          'alert notification failed; retrying',
        );
        await this.#sleep(delayMs);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.#waits.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.#waits.add(done);
    });
  }

  /** Stops retrying (each delivery waiting makes one last try) and waits for those in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const w of [...this.#waits]) w();
    await Promise.allSettled([...this.#inFlight]);
  }
}
