// The fast Linux engine (@netspotter/native: AF_PACKET sendmmsg TX, TPACKET_V3 RX ring) behind the
// agent's engine interface. Unlike `cap` it sees the kernel's ring drops, a send-only handle opens no
// receive socket at all, and a load receiver counts its streams in the reader threads (one per core,
// in a PACKET_FANOUT group) without a JS call per frame.
import { availableParallelism } from 'node:os';
import {
  openEngine,
  unavailableReason,
  type PacketEngine as NativePacketEngine,
  type RxOptions,
} from '@netspotter/native';
import type {
  CapturedFrame,
  CountedStreams,
  EngineCounters,
  EngineHandle,
  FrameTemplate,
  OpenOptions,
  PacedSendReport,
  PacketEngine,
} from './engine.ts';
import { FrameDelivery } from './frame-delivery.ts';
import { streamReport } from './native-streams.ts';
import { interfaceError } from '../capabilities.ts';

const MiB = 1024 * 1024;
/** Whole frames: expect steps compare any field, not only headers. */
const SNAPLEN = 65535;
/** Blocks a receive ring is split into, at least (see rxOptions). */
const MIN_RX_BLOCKS = 64;
/** Reader threads of a load receiver: one per core, as the kernel hashes flows over them (at most 4). */
const STREAM_RINGS = Math.min(4, availableParallelism());
/** A paced load stream goes out through a TX ring of this many slots (512 KiB: it stays in cache). */
const PACED_RING_SLOTS = 256;
/** The largest frame a TX ring slot holds; bigger load frames go out by sendmmsg. */
const RING_MAX_FRAME = 2006;

/**
 * Ring timestamp (ns since the epoch) as fractional ms, rounded once (to 2^-12 ms ≈ 0.24 µs, the spacing of
 * doubles at today's epoch ms): whole ms and the ns remainder are converted apart, as Number(ns) alone would
 * round at 2^53.
 */
const nsToMs = (ns: bigint): number => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;

function rxOptions(opts: OpenOptions): RxOptions | undefined {
  if (opts.filter === undefined) return undefined;
  const ringBytes = Math.max(1, Math.ceil((opts.bufferBytes ?? 64 * MiB) / MiB)) * MiB;
  // At low rates each block holds one block timeout (8 ms) of frames, so the ring rides out a late
  // reader for blocks × 8 ms: at least 64 blocks (a 4 MiB monitor capture in 1 MiB blocks, 4 of them,
  // dropped beacons and watched packets whenever its reader thread waited 32 ms for a core).
  const blockBytes = Math.min(MiB, 2 ** Math.floor(Math.log2(ringBytes / MIN_RX_BLOCKS)));
  const rx: RxOptions = { filter: opts.filter, snapLen: SNAPLEN, ringBytes, blockBytes };
  if (!opts.streams) return rx;
  const { startMs, lateMs, ...layout } = opts.streams;
  return {
    ...rx,
    fanout: STREAM_RINGS,
    signature: { ...layout, seqBytes: 8, tsFormat: 'sec32nsec32', startMs, lateMs },
  };
}

class NativeHandle implements EngineHandle {
  readonly #ifname: string;
  readonly #engine: NativePacketEngine;
  readonly #delivery = new FrameDelivery();
  readonly #receives: boolean;
  #delivering = false;
  #sendErrors = 0;
  /** Frames paced out through a run's own TX ring socket. */
  #ringSent = 0;
  readonly streamReports?: () => CountedStreams;

  constructor(ifname: string, opts: OpenOptions) {
    const rx = rxOptions(opts);
    this.#ifname = ifname;
    this.#engine = openEngine(ifname, rx ? { rx } : {});
    this.#receives = rx !== undefined;
    if (rx?.signature) this.streamReports = () => this.#counted();
  }

  #counted(): CountedStreams {
    const rx = this.#engine.stats({ series: true }).rx!;
    return { streams: rx.streams.map(streamReport), foreign: rx.seen - rx.matched };
  }

  /** Frames reach JS only once someone listens (a load receiver never does): until then they are only counted. */
  #listen(): void {
    if (this.#delivering || !this.#receives) return;
    this.#delivering = true;
    void this.#deliver();
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
    this.#listen();
    return this.#delivery.frames();
  }

  onFrame(fn: (data: Uint8Array, atMs: number) => void): void {
    this.#listen();
    this.#delivery.onFrame(fn);
  }

  counters(): EngineCounters {
    const { tx, rx } = this.#engine.stats();
    return {
      sent: tx.sent + this.#ringSent,
      sendErrors: this.#sendErrors,
      received: rx?.seen ?? 0,
      dropped: (rx ? rx.kernel.drops + rx.deliveryDrops : 0) + this.#delivery.dropped,
      kernelDropsVisible: true,
      ...(rx && { receiveThreads: rx.rings, receiveCpuMs: rx.readerCpuNs / 1e6 }),
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
    // Its own TX ring socket: no system call per frame (the handle's socket stays on sendmmsg for frames of any size).
    const ring =
      template.base.length <= RING_MAX_FRAME
        ? openEngine(this.#ifname, { txRingFrames: PACED_RING_SLOTS })
        : undefined;
    const engine = ring ?? this.#engine;
    const stream = engine.stream({ ...template, seqBytes: 8, tsFormat: 'sec32nsec32' });
    const run = engine.startPaced(stream, { pps, count });
    const stop = () => void run.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      const r = await run.done;
      if (ring) this.#ringSent += r.sent;
      return {
        sent: r.sent,
        durationMs: Math.round(r.durationNs / 1e6),
        achievedPps: Math.round(r.achievedPps),
        ...(r.error && { error: r.error }),
      };
    } finally {
      signal.removeEventListener('abort', stop);
      stream.close();
      ring?.close();
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
