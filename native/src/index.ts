// @netspotter/native: the fast Linux packet engine (AF_PACKET sendmmsg TX + TPACKET_V3 RX) behind a
// small object API. Everything per packet happens in native code; JS sees batches and counters.
import type { BpfInstruction, Binding, Handle, RawBatch, RawPacedResult, RawRxStats } from './binding.ts';
import { loaded } from './binding.ts';
import { CaptureQueue } from './capture-queue.ts';
import { compileFilterExpression } from './filter-compiler.ts';

export type { BpfInstruction } from './binding.ts';
export { parseBpfText } from './bpf-text.ts';
export { FilterSyntaxError } from './filter-compiler.ts';
export { udp6Frame, udp6Checksum, ipv6Bytes, type Udp6Frame, type Udp6FrameSpec } from './udp6-frame.ts';

/**
 * A compiled frame: base bytes plus patch points (byte offsets into `base`). Per frame the engine
 * writes, big-endian: the sequence number (seqBytes wide, wrapping) at seqOffset and the send time
 * (CLOCK_REALTIME, 8 bytes in tsFormat) at tsOffset; once per stream the stream id (u32) at
 * streamOffset. When csumOffset is set, the 16-bit Internet checksum stored there must be valid for
 * `base` and is updated incrementally (RFC 1624); its covered region must start at the checksum
 * field's byte parity (true for UDP, TCP, ICMPv6, IPv4 headers). Lengths are not patched.
 */
export interface FrameTemplate {
  base: Uint8Array;
  seqOffset?: number;
  seqBytes?: 2 | 4 | 8;
  tsOffset?: number;
  tsFormat?: TimeFormat;
  streamOffset?: number;
  csumOffset?: number;
}

/** `ns64`: u64 ns since the epoch; `sec32nsec32`: u32 seconds then u32 ns (the shared signature). */
export type TimeFormat = 'ns64' | 'sec32nsec32';
const TIME_FORMATS: Record<TimeFormat, number> = { ns64: 0, sec32nsec32: 1 };

function timeFormat(f: unknown): number | undefined {
  if (f === undefined) return undefined;
  const n = TIME_FORMATS[f as TimeFormat];
  if (n === undefined || !Object.hasOwn(TIME_FORMATS, f as string)) {
    throw new TypeError("tsFormat must be 'ns64' or 'sec32nsec32'");
  }
  return n;
}

export interface StreamOptions {
  streamId?: number;
  firstSeq?: number;
  /** Frames per sendmmsg call (1..1024, default 256). */
  batchSize?: number;
}

/** Where the receiver finds the signature block (byte offsets from the frame start, big-endian). */
export interface SignatureLayout {
  seqOffset: number;
  /** 16- and 32-bit sequence numbers are unwrapped to 64 bits per stream. */
  seqBytes?: 2 | 4 | 8;
  streamOffset?: number;
  tsOffset?: number;
  tsFormat?: TimeFormat;
  /** Only frames with this u32 at magicOffset are counted per stream. */
  magicOffset?: number;
  magic?: number;
  /** Time zero of the per-second series (ms since the epoch; default 0, i.e. epoch seconds). */
  startMs?: number;
  /** One-way latency above which a frame counts as late (ms; default: none is). */
  lateMs?: number;
}

export interface RxOptions {
  /** A pcap filter expression (the subset filter-compiler.ts compiles, no libpcap needed) or compiled classic BPF. Default: all frames. */
  filter?: string | BpfInstruction[];
  /** Bytes kept per frame unless `filter` is compiled BPF, whose return values rule (default 128). */
  snapLen?: number;
  /** Ring size in bytes (default 64 MiB), split into blocks of blockBytes (power of two, default 1 MiB). */
  ringBytes?: number;
  blockBytes?: number;
  /**
   * A partly filled block is handed over after this long (default 8 ms): lower means fresher
   * batches for JS but more, emptier blocks; at low rates the ring holds blocks × this much time.
   */
  blockTimeoutMs?: number;
  promisc?: boolean;
  signature?: SignatureLayout;
  maxStreams?: number;
  /** Leave the reader stopped until resume(): the ring fills, then the kernel counts drops. */
  paused?: boolean;
  /**
   * Rings (with a reader thread each) in a PACKET_FANOUT group sharing the frames by flow hash, so each
   * flow stays in one ring, in order, and receive work spreads over cores (1..16, default 1; ringBytes is
   * shared out). A kernel that refuses fanout gets one ring (stats().rx.rings says how many).
   */
  fanout?: number;
}

export interface OpenOptions {
  /** Network namespace (name under /run/netns or a path) the sockets are created in. */
  netns?: string;
  /** PACKET_QDISC_BYPASS: for load only; bypassed frames are invisible to local captures. */
  qdiscBypass?: boolean;
  /**
   * Send through a PACKET_TX_RING (TPACKET_V2) of about this many 2 KiB slots instead of sendmmsg:
   * no system call per frame (each frame is copied into a linear skb, the cheapest for the kernel to
   * receive on veth and to hand to a NIC); frames up to 2006 bytes. 0/absent: sendmmsg.
   */
  txRingFrames?: number;
  /** Open a receive ring too. */
  rx?: RxOptions;
}

export interface PacedOptions {
  /** Target rate; 0 = as fast as possible. */
  pps: number;
  /** Stop after this many frames (default: unbounded). */
  count?: number;
  durationMs?: number;
}

export type PacedResult = RawPacedResult;
export type RxStats = RawRxStats;
export type { RawStreamStats as RxStreamStats, RawSecondStats as RxSecondStats } from './binding.ts';

export interface EngineStats {
  tx: { sent: number; batches: number; backpressure: number; errors: number };
  /** null when the engine has no receive ring. */
  rx: RxStats | null;
}

export interface CapturedFrame {
  /** The captured bytes (up to the snap length); a view into the batch. */
  data: Buffer;
  wireLength: number;
  /** Receive time from the ring (CLOCK_REALTIME ns; hardware when the NIC stamps). */
  timestampNs: bigint;
}

/** Frames the receiver handed over in one go. */
export class FrameBatch implements Iterable<CapturedFrame> {
  constructor(private readonly raw: RawBatch) {}
  get length(): number {
    return this.raw.offsets.length;
  }
  frame(i: number): CapturedFrame {
    const { data, offsets, capLengths, wireLengths, timestampsNs } = this.raw;
    const off = offsets[i]!;
    return {
      data: data.subarray(off, off + capLengths[i]!),
      wireLength: wireLengths[i]!,
      timestampNs: timestampsNs[i]!,
    };
  }
  *[Symbol.iterator](): Iterator<CapturedFrame> {
    for (let i = 0; i < this.length; i++) yield this.frame(i);
  }
}

/** Why the engine cannot be used here, or undefined when it can. */
export function unavailableReason(): string | undefined {
  if (!loaded.binding) return loaded.error;
  const p = loaded.binding.probe();
  return p.rawSockets ? undefined : `raw sockets not permitted (${p.reason}); needs CAP_NET_RAW`;
}

/** True when the addon loaded and this process may open AF_PACKET sockets. */
export function isAvailable(): boolean {
  return unavailableReason() === undefined;
}

function binding(): Binding {
  if (!loaded.binding) throw new Error(`@netspotter/native unavailable: ${loaded.error}`);
  return loaded.binding;
}

/** Compiles a pcap filter expression (the subset in filter-compiler.ts) to classic BPF whose accept returns snapLen bytes. */
export function compileFilter(expr: string, snapLen = 128): BpfInstruction[] {
  return compileFilterExpression(expr, snapLen);
}

export class TxStream {
  /** @internal */
  constructor(
    readonly engine: PacketEngine,
    /** @internal */ readonly handle: Handle<'stream'>,
    readonly streamId: number,
  ) {}
  /** The sequence number the next frame gets. */
  get nextSeq(): number {
    return binding().streamSeq(this.handle);
  }
  set nextSeq(seq: number) {
    binding().streamSeq(this.handle, seq);
  }
  sendBatch(count: number): number {
    return this.engine.sendBatch(this, count);
  }
  close(): void {
    binding().streamClose(this.handle);
  }
}

export class PacedRun {
  readonly done: Promise<PacedResult>;
  /** @internal */
  constructor(
    readonly stream: TxStream,
    start: (onDone: (r: PacedResult) => void) => void,
  ) {
    this.done = new Promise((resolve) =>
      start((r) => {
        binding().pacedStop(stream.handle); // reap the finished thread so the stream is free again
        resolve(r);
      }),
    );
  }
  stop(): Promise<PacedResult> {
    binding().pacedStop(this.stream.handle);
    return this.done;
  }
}

const MiB = 1024 * 1024;
/** Classic BPF `ret #k`: accept, keeping k bytes. */
const BPF_RET_K = 0x06;

export class PacketEngine {
  private readonly b = binding();
  private readonly tx: Handle<'tx'>;
  private readonly rx: Handle<'rx'> | undefined;
  private readonly runs = new Set<PacedRun>();
  private paused: boolean;
  private queue: CaptureQueue<FrameBatch> | undefined;
  private jsDrops = 0;
  private closed = false;

  constructor(
    readonly ifname: string,
    opts: OpenOptions = {},
  ) {
    if (typeof opts !== 'object' || opts === null) throw new TypeError('options must be an object');
    this.tx = this.b.txOpen(ifname, {
      netns: opts.netns,
      qdiscBypass: opts.qdiscBypass,
      txRingFrames: opts.txRingFrames,
    });
    this.paused = opts.rx?.paused ?? false;
    try {
      this.rx = opts.rx ? this.openRx(ifname, opts.netns, opts.rx) : undefined;
    } catch (e) {
      this.b.txClose(this.tx);
      throw e;
    }
  }

  private openRx(ifname: string, netns: string | undefined, o: RxOptions): Handle<'rx'> {
    if (typeof o !== 'object' || o === null) throw new TypeError('rx must be an object');
    const blockBytes = o.blockBytes ?? MiB;
    const ringBytes = o.ringBytes ?? 64 * MiB;
    if (!Number.isInteger(ringBytes) || ringBytes < blockBytes || ringBytes % blockBytes !== 0) {
      throw new RangeError('ringBytes must be a positive multiple of blockBytes');
    }
    const snapLen = o.snapLen ?? 128;
    const filter =
      typeof o.filter === 'string'
        ? compileFilterExpression(o.filter, snapLen)
        : (o.filter ?? [[BPF_RET_K, 0, 0, snapLen] as BpfInstruction]);
    const rx = this.b.rxOpen(ifname, {
      netns,
      filter,
      blockBytes,
      blocks: ringBytes / blockBytes,
      blockTimeoutMs: o.blockTimeoutMs,
      promisc: o.promisc,
      maxStreams: o.maxStreams,
      fanout: o.fanout,
      signature: o.signature && { ...o.signature, tsFormat: timeFormat(o.signature.tsFormat) },
    });
    if (!this.paused) this.b.rxStart(rx);
    return rx;
  }

  /** Prepares a template for sending as one stream (its own sequence numbers). */
  stream(template: FrameTemplate, opts: StreamOptions = {}): TxStream {
    if (typeof template !== 'object' || template === null) throw new TypeError('template must be an object');
    if (typeof opts !== 'object' || opts === null) throw new TypeError('options must be an object');
    const { base, tsFormat, ...offsets } = template;
    const h = this.b.streamCreate(this.tx, base, { ...offsets, tsFormat: timeFormat(tsFormat), ...opts });
    return new TxStream(this, h, opts.streamId ?? 0);
  }

  /** Sends count frames now, in sendmmsg batches; returns the number sent. Blocks until done. */
  sendBatch(stream: TxStream, count: number): number {
    return this.b.streamSend(this.own(stream), count);
  }

  /** Sends ready-made frames as they are, in order (sendmmsg or the TX ring); returns how many were sent. */
  sendFrames(frames: readonly Uint8Array[]): number {
    return this.b.txSendFrames(this.tx, frames);
  }

  /** Sends from a native thread at `pps` with absolute deadlines; no JS runs per packet. */
  startPaced(stream: TxStream, opts: PacedOptions): PacedRun {
    const h = this.own(stream);
    if (typeof opts !== 'object' || opts === null) throw new TypeError('options must be an object');
    const run = new PacedRun(stream, (onDone) =>
      this.b.pacedStart(h, opts.pps, opts.count ?? 0, opts.durationMs ?? 0, onDone),
    );
    this.runs.add(run);
    void run.done.then(() => this.runs.delete(run));
    return run;
  }

  /** Stops every paced run of this engine. */
  stop(): Promise<PacedResult[]> {
    return Promise.all([...this.runs].map((r) => r.stop()));
  }

  /** Batches of frames that pass the filter, from now until the loop ends or the engine closes. */
  capture(opts: { maxQueuedFrames?: number } = {}): AsyncIterableIterator<FrameBatch> {
    const rx = this.needRx();
    if (this.queue) throw new Error('a capture is already running on this engine');
    const q = new CaptureQueue<FrameBatch>(
      opts.maxQueuedFrames ?? 262_144,
      () => {
        this.jsDrops += q.dropped;
        this.queue = undefined;
        if (!this.closed) this.b.rxDeliver(rx, null);
      },
      (batch) => batch.length,
    );
    this.b.rxDeliver(rx, (raw) => q.push(new FrameBatch(raw)));
    this.queue = q;
    return q;
  }

  /** Starts the reader of a receiver opened with `paused: true`. */
  resume(): void {
    const rx = this.needRx();
    if (this.paused) this.b.rxStart(rx);
    this.paused = false;
  }

  /**
   * Counters; the receive part includes the kernel's ring drops (PACKET_STATISTICS) read now. `series`
   * adds each stream's per-second series (perSecond).
   */
  stats(opts: { series?: boolean } = {}): EngineStats {
    const rx = this.rx ? this.b.rxStats(this.rx, opts.series === true) : null;
    if (rx) rx.deliveryDrops += this.jsDrops + (this.queue?.dropped ?? 0);
    return { tx: this.b.txStats(this.tx), rx };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.queue?.return();
    this.b.txClose(this.tx); // stops paced runs; their `done` still resolves
    if (this.rx) this.b.rxClose(this.rx);
  }

  private own(stream: TxStream): Handle<'stream'> {
    if (!(stream instanceof TxStream) || stream.engine !== this) {
      throw new TypeError('stream must come from this engine');
    }
    return stream.handle;
  }

  private needRx(): Handle<'rx'> {
    if (!this.rx) throw new Error('this engine was opened without a receive ring (pass `rx`)');
    return this.rx;
  }
}

/** Opens the engine on an interface; throws a clear Error when the addon is unavailable. */
export function openEngine(ifname: string, opts: OpenOptions = {}): PacketEngine {
  return new PacketEngine(ifname, opts);
}
