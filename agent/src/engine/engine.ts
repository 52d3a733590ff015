// The packet engine interface: open an interface, send frames in batches, capture frames matching a
// filter as an async stream, and read counters (including drops). The `cap` (libpcap) engine is the
// portable one; @netspotter/native (AF_PACKET rings) fits behind the same interface, and can also
// count signed load frames per stream itself (no JS per frame).
import type { StreamReport } from '../load/stream-stats.ts';

export interface CapturedFrame {
  /** A copy of the frame: safe to keep. */
  data: Uint8Array;
  /** Receive time, ms since the epoch (fractional). */
  atMs: number;
}

export interface EngineCounters {
  sent: number;
  sendErrors: number;
  received: number;
  /** Frames dropped between the engine and the reader (queue full); kernel drops when the engine can see them. */
  dropped: number;
  /** False when the engine cannot see kernel-side drops (libpcap through `cap` cannot). */
  kernelDropsVisible: boolean;
  /** Engines with receive threads: how many, and the CPU time they spent on frames (their cost per frame). */
  receiveThreads?: number;
  receiveCpuMs?: number;
}

export interface OpenOptions {
  /** A pcap filter for captured frames; undefined: this handle only sends. */
  filter?: string;
  /** Kernel buffer for received frames, in bytes. */
  bufferBytes?: number;
  /** Count signed frames per stream in the engine, where it can (then `streamReports` is there). */
  streams?: StreamAccounting;
}

/**
 * Where a signed load frame carries its signature (byte offsets from the frame start, big-endian: u32
 * magic, u32 stream id, u64 seq, u32 seconds + u32 ns send time) and what its frames are counted against.
 */
export interface StreamAccounting {
  magicOffset: number;
  magic: number;
  streamOffset: number;
  seqOffset: number;
  tsOffset: number;
  /** Time zero of the per-second series, ms since the epoch. */
  startMs: number;
  /** One-way latency above which a frame is late, ms. */
  lateMs: number;
}

/** What an engine that counts streams itself reports (the same shape the JS counter gives). */
export interface CountedStreams {
  streams: StreamReport[];
  /** Frames that passed the filter without a signature. */
  foreign: number;
}

export interface EngineHandle {
  /** Sends the frames in order; returns how many the kernel took. */
  sendBatch(frames: readonly Uint8Array[]): number;
  /** Captured frames, in arrival order, until close(). */
  frames(): AsyncIterable<CapturedFrame>;
  /** Calls `fn` synchronously for each captured frame, with bytes valid only during the call (no copy, no queue). */
  onFrame(fn: (data: Uint8Array, atMs: number) => void): void;
  counters(): EngineCounters;
  /** Handles opened with `streams` on an engine that counts them itself: the streams so far. */
  streamReports?(): CountedStreams;
  /** Engines with a native pacer: sends `count` frames of `template` at `pps` with no JS per frame. */
  sendPaced?(
    template: FrameTemplate,
    pps: number,
    count: number,
    signal: AbortSignal,
  ): Promise<PacedSendReport>;
  close(): void;
}

/** A frame plus where the engine writes, big-endian, each frame's u64 sequence number and send time. */
export interface FrameTemplate {
  base: Uint8Array;
  seqOffset: number;
  /** u32 seconds then u32 nanoseconds (the shared test-signature block). */
  tsOffset: number;
  /** The 16-bit Internet checksum covering both, updated per frame. */
  csumOffset: number;
}

export interface PacedSendReport {
  sent: number;
  durationMs: number;
  achievedPps: number;
  /** Why the run ended early (a send error), if it did. */
  error?: string;
}

export interface PacketEngine {
  readonly name: string;
  /**
   * True when receive times and paced send stamps come from the kernel's clock (CLOCK_REALTIME), false when
   * the process's own sub-ms clock stamps them (its anchoring error then enters one-host latencies).
   */
  readonly kernelStamps: boolean;
  /** Why the engine cannot run here, or undefined. */
  unavailable(): string | undefined;
  open(ifname: string, opts?: OpenOptions): EngineHandle;
}

/** Wall-clock ms with sub-ms resolution, shared with the clock-offset arithmetic (one clock for both). */
export { nowMs } from '@netspotter/shared/agent-protocol';
