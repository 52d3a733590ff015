// Wakes long-polls waiting on a key (an agent id, a run's barrier) as soon as something changes on
// this replica; pollers also re-check the database every second for changes made by other replicas.
import { EventEmitter } from 'node:events';
import { wait } from '@netspotter/shared';

export class Wakeups {
  readonly #events = new EventEmitter().setMaxListeners(0);

  notify(key: string): void {
    this.#events.emit(key);
  }

  /** Resolves on notify(key), after `ms`, or when the signal aborts, whichever comes first. */
  async wait(key: string, ms: number, signal?: AbortSignal): Promise<void> {
    const woken = new AbortController();
    const wake = () => woken.abort();
    this.#events.once(key, wake);
    try {
      await wait(ms, signal ? AbortSignal.any([signal, woken.signal]) : woken.signal);
    } finally {
      this.#events.off(key, wake);
    }
  }
}
