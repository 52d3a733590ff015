// How an engine handle hands captured frames on: to a synchronous listener (bytes valid only during
// the call) and, once frames() was asked for, to a bounded queue of copies. Shared by every engine.
import type { CapturedFrame } from './engine.ts';
import { FrameQueue } from './frame-queue.ts';

export class FrameDelivery {
  #queue?: FrameQueue<CapturedFrame>;
  #listener?: (data: Uint8Array, atMs: number) => void;

  /** Called by the engine for each frame; `view` may be reused as soon as this returns. */
  deliver(view: Uint8Array, atMs: number): void {
    this.#listener?.(view, atMs);
    this.#queue?.push({ data: Uint8Array.prototype.slice.call(view), atMs });
  }

  frames(): AsyncIterable<CapturedFrame> {
    this.#queue ??= new FrameQueue<CapturedFrame>();
    return this.#queue;
  }

  onFrame(fn: (data: Uint8Array, atMs: number) => void): void {
    this.#listener = fn;
  }

  /** Frames the queue dropped because its reader fell behind. */
  get dropped(): number {
    return this.#queue?.dropped ?? 0;
  }

  close(): void {
    this.#queue?.close();
  }
}
