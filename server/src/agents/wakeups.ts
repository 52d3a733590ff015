// Wakes long-polls waiting on a key (an agent id, a run's barrier) as soon as something changes on
// this replica; pollers also re-check the database every second for changes made by other replicas.
import { EventEmitter } from 'node:events';

export class Wakeups {
  readonly #events = new EventEmitter().setMaxListeners(0);

  notify(key: string): void {
    this.#events.emit(key);
  }

  /** Resolves on notify(key), after `ms`, or when the signal aborts, whichever comes first. */
  wait(key: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#events.off(key, done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#events.once(key, done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
