// Turns pushed batches into an async iterable with a bounded backlog: a slow consumer loses whole
// batches, counted, instead of growing memory without limit.
export class CaptureQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiter: ((r: IteratorResult<T>) => void) | undefined;
  private ended = false;
  dropped = 0;

  constructor(
    private readonly limit: number,
    private readonly onEnd: () => void,
    private readonly sizeOf: (item: T) => number,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: item, done: false });
    } else if (this.items.length < this.limit) {
      this.items.push(item);
    } else {
      this.dropped += this.sizeOf(item);
    }
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Ends the iteration (consumer `break`, or the engine closing). */
  return(): Promise<IteratorResult<T>> {
    if (!this.ended) {
      this.ended = true;
      this.items.length = 0;
      this.onEnd();
      const w = this.waiter;
      this.waiter = undefined;
      w?.({ value: undefined, done: true });
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
