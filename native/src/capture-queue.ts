// Turns pushed batches into an async iterable with a bounded backlog: a slow consumer loses whole
// batches, counted, instead of growing memory without limit. The bound is on what the batches hold
// (`sizeOf`, frames), not on their number: at low rates a batch holds a frame or two, and batches that
// piled up while the event loop stalled arrive together before the consumer runs.
export class CaptureQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private size = 0;
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
    const n = this.sizeOf(item);
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: item, done: false });
    } else if (this.size + n <= this.limit) {
      this.items.push(item);
      this.size += n;
    } else {
      this.dropped += n;
    }
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) {
      this.size -= this.sizeOf(item);
      return Promise.resolve({ value: item, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Ends the iteration (consumer `break`, or the engine closing). */
  return(): Promise<IteratorResult<T>> {
    if (!this.ended) {
      this.ended = true;
      this.items.length = 0;
      this.size = 0;
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
