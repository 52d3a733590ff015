// A bounded queue from a synchronous producer (packet callbacks) to an async consumer. When the
// consumer falls behind by `limit` frames, new frames are dropped and counted, never buffered unbounded.
export class FrameQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #waiting?: (r: IteratorResult<T>) => void;
  #closed = false;
  dropped = 0;

  constructor(private readonly limit = 100_000) {}

  push(item: T): void {
    if (this.#closed) return;
    if (this.#waiting) {
      const w = this.#waiting;
      this.#waiting = undefined;
      w({ value: item, done: false });
    } else if (this.#items.length < this.limit) this.#items.push(item);
    else this.dropped++;
  }

  close(): void {
    this.#closed = true;
    this.#waiting?.({ value: undefined, done: true });
    this.#waiting = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.#items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiting = resolve));
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
