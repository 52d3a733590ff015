// Loads the compiled addon once. A missing or broken build is reported as a reason string,
// never thrown at import time, so callers can fall back to the portable `cap` engine.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isSea } from 'node:sea';
import { fileURLToPath } from 'node:url';

/** One classic BPF instruction: [code, jt, jf, k]. */
export type BpfInstruction = [code: number, jt: number, jf: number, k: number];

export interface RawPacedResult {
  sent: number;
  backpressure: number;
  durationNs: number;
  achievedPps: number;
  lateMaxNs: number;
  lateP99Ns: number;
  lateMeanNs: number;
  error?: string;
}

export interface RawBatch {
  data: Buffer;
  offsets: Uint32Array;
  capLengths: Uint32Array;
  wireLengths: Uint32Array;
  timestampsNs: BigUint64Array;
}

declare const handle: unique symbol;
/** Opaque native handle (a type-tagged external). */
export type Handle<K extends string> = { readonly [handle]: K };

export interface Binding {
  probe(): { rawSockets: boolean; reason?: string };
  txOpen(
    ifname: string,
    opts: { netns?: string; qdiscBypass?: boolean; txRingFrames?: number },
  ): Handle<'tx'>;
  txClose(tx: Handle<'tx'>): void;
  txSendFrames(tx: Handle<'tx'>, frames: readonly Uint8Array[]): number;
  txStats(tx: Handle<'tx'>): { sent: number; batches: number; backpressure: number; errors: number };
  streamCreate(tx: Handle<'tx'>, base: Uint8Array, spec: object): Handle<'stream'>;
  streamSend(stream: Handle<'stream'>, count: number): number;
  streamSeq(stream: Handle<'stream'>, set?: number): number;
  streamClose(stream: Handle<'stream'>): void;
  pacedStart(
    stream: Handle<'stream'>,
    pps: number,
    count: number,
    durationMs: number,
    onDone: (r: RawPacedResult) => void,
  ): void;
  pacedStop(stream: Handle<'stream'>): void;
  rxOpen(ifname: string, opts: object): Handle<'rx'>;
  rxStart(rx: Handle<'rx'>): void;
  rxDeliver(rx: Handle<'rx'>, onBatch: ((b: RawBatch) => void) | null): void;
  rxStats(rx: Handle<'rx'>, withSeries: boolean): RawRxStats;
  rxClose(rx: Handle<'rx'>): void;
}

/** One second of a stream's receive series (seconds since the signature's startMs). */
export interface RawSecondStats {
  second: number;
  /** Frames that were not duplicates. */
  received: number;
  latencyCount: number;
  meanNs: number;
  p50Ns: number;
  p99Ns: number;
}

export interface RawStreamStats {
  streamId: number;
  /** Distinct sequence numbers. */
  received: number;
  /** Every frame of the stream, duplicates and stale ones included. */
  frames: number;
  lost: number;
  duplicates: number;
  reordered: number;
  /** Frames more than 65,536 behind the highest seq: a duplicate cannot be told from a late original, so they stay lost. */
  stale: number;
  /** Frames whose one-way latency exceeded the signature's lateMs. */
  late: number;
  firstSeq: number;
  maxSeq: number;
  latency: {
    count: number;
    minNs: number;
    maxNs: number;
    meanNs: number;
    /** Nearest-rank percentiles from a log-linear histogram: within 1/256 of the value (exact below 128 ns). */
    p50Ns: number;
    p99Ns: number;
    jitterNs: number;
  };
  /** Only when asked for (stats({ series: true })). */
  perSecond?: RawSecondStats[];
}

export interface RawRxStats {
  /** Rings taking this receiver's frames (more than one: a PACKET_FANOUT group). */
  rings: number;
  /** Frames each ring took. */
  ringSeen: number[];
  seen: number;
  bytes: number;
  matched: number;
  badSignature: number;
  delivered: number;
  deliveryDrops: number;
  /** CPU time the reader threads spent walking the rings (their per-frame cost, whatever the load). */
  readerCpuNs: number;
  streamOverflow: number;
  /** Frames whose percentile or series entry was lost to a failed allocation (their counts stay exact). */
  accountingAllocFailures: number;
  kernel: { packets: number; drops: number; freezeQueueCount: number };
  timestamps: { hardware: number; software: number };
  latency: { count: number; p50Ns: number; p99Ns: number };
  streams: RawStreamStats[];
}

/**
 * Where the addon is looked for: beside the executable in an agent release (a single executable
 * application), else this package's build; NETSPOTTER_NATIVE_ADDON points at another build (e.g. ASan).
 */
export const addonPath =
  process.env.NETSPOTTER_NATIVE_ADDON ??
  (isSea()
    ? join(dirname(process.execPath), 'netspotter_native.node')
    : fileURLToPath(new URL('../build/Release/netspotter_native.node', import.meta.url)));

function load(): { binding?: Binding; error?: string } {
  if (process.platform !== 'linux')
    return { error: `the native engine is Linux-only (this is ${process.platform})` };
  if (!existsSync(addonPath)) {
    return {
      error: `native addon not built (${addonPath} missing); run \`npm run build -w @netspotter/native\``,
    };
  }
  try {
    // A single executable's own require knows only built-in modules: load through one made for the addon.
    return { binding: createRequire(addonPath)(addonPath) as Binding };
  } catch (e) {
    return { error: `native addon failed to load: ${(e as Error).message}` };
  }
}

export const loaded = load();
