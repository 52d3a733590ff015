// The fast Linux engine (@netspotter/native: AF_PACKET sendmmsg TX, TPACKET_V3 RX ring) behind the
// agent's engine interface. Unlike `cap` it sees the kernel's ring drops, and a send-only handle opens
// no receive socket at all.
import { openEngine, unavailableReason, type PacketEngine as NativePacketEngine } from '@netspotter/native';
import type {
  CapturedFrame,
  EngineCounters,
  EngineHandle,
  FrameTemplate,
  OpenOptions,
  PacedSendReport,
  PacketEngine,
} from './engine.ts';
import { FrameDelivery } from './frame-delivery.ts';
import { interfaceError } from '../capabilities.ts';

const MiB = 1024 * 1024;
/** Whole frames: expect steps compare any field, not only headers. */
const SNAPLEN = 65535;

/**
 * Ring timestamp (ns since the epoch) as fractional ms, rounded once (to 2^-12 ms ≈ 0.24 µs, the spacing of
 * doubles at today's epoch ms): whole ms and the ns remainder are converted apart, as Number(ns) alone would
 * round at 2^53.
 */
const nsToMs = (ns: bigint): number => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;

class NativeHandle implements EngineHandle {
  readonly #engine: NativePacketEngine;
  readonly #delivery = new FrameDelivery();
  #sendErrors = 0;

  constructor(ifname: string, opts: OpenOptions) {
    const ringBytes = Math.max(1, Math.ceil((opts.bufferBytes ?? 64 * MiB) / MiB)) * MiB;
    this.#engine = openEngine(
      ifname,
      opts.filter === undefined ? {} : { rx: { filter: opts.filter, snapLen: SNAPLEN, ringBytes } },
    );
    // Deliver from the start, like cap: frames before onFrame()/frames() are counted, not kept.
    if (opts.filter !== undefined) void this.#deliver();
  }

  async #deliver(): Promise<void> {
    for await (const batch of this.#engine.capture()) {
      for (const f of batch) this.#delivery.deliver(f.data, nsToMs(f.timestampNs));
    }
  }

  sendBatch(frames: readonly Uint8Array[]): number {
    const before = this.#engine.stats().tx.sent;
    try {
      return this.#engine.sendFrames(frames);
    } catch {
      // A failed sendmmsg ends the call; what went out before it is in the counter.
      const sent = this.#engine.stats().tx.sent - before;
      this.#sendErrors += frames.length - sent;
      return sent;
    }
  }

  frames(): AsyncIterable<CapturedFrame> {
    return this.#delivery.frames();
  }

  onFrame(fn: (data: Uint8Array, atMs: number) => void): void {
    this.#delivery.onFrame(fn);
  }

  counters(): EngineCounters {
    const { tx, rx } = this.#engine.stats();
    return {
      sent: tx.sent,
      sendErrors: this.#sendErrors,
      received: rx?.seen ?? 0,
      dropped: (rx ? rx.kernel.drops + rx.deliveryDrops : 0) + this.#delivery.dropped,
      kernelDropsVisible: true,
    };
  }

  async sendPaced(
    template: FrameTemplate,
    pps: number,
    count: number,
    signal: AbortSignal,
  ): Promise<PacedSendReport> {
    // count 0 would mean "unbounded" to the native pacer.
    if (count <= 0 || signal.aborted) return { sent: 0, durationMs: 0, achievedPps: 0 };
    const stream = this.#engine.stream({ ...template, seqBytes: 8, tsFormat: 'sec32nsec32' });
    const run = this.#engine.startPaced(stream, { pps, count });
    const stop = () => void run.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      const r = await run.done;
      return {
        sent: r.sent,
        durationMs: Math.round(r.durationNs / 1e6),
        achievedPps: Math.round(r.achievedPps),
        ...(r.error && { error: r.error }),
      };
    } finally {
      signal.removeEventListener('abort', stop);
      stream.close();
    }
  }

  close(): void {
    this.#engine.close();
    this.#delivery.close();
  }
}

/** The native engine, usable when `why()` gives no reason; a parameter so selection can be tested without the addon. */
export function nativeEngineWith(why: () => string | undefined): PacketEngine {
  return {
    name: 'native',
    kernelStamps: true,
    unavailable: why,
    open(ifname, opts = {}) {
      const reason = why();
      if (reason) throw new Error(interfaceError(ifname, `native engine unavailable: ${reason}`));
      try {
        return new NativeHandle(ifname, opts);
      } catch (err) {
        throw new Error(interfaceError(ifname, (err as Error).message, (err as NodeJS.ErrnoException).code));
      }
    },
  };
}

export const nativeEngine: PacketEngine = nativeEngineWith(unavailableReason);
