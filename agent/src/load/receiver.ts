// Load receiver: counts signed frames per stream synchronously in the capture callback (no copies,
// no queue: the bytes are read while they are valid), for the receive window plus the late grace.
import type { EngineHandle } from '../engine/engine.ts';
import { readSignature } from './signed-frame.ts';
import { StreamStats, type StreamReport } from './stream-stats.ts';

export interface ReceiveReport {
  streams: StreamReport[];
  /** Frames that matched the filter but carried no signature. */
  foreign: number;
  engineDropped: number;
  kernelDropsVisible: boolean;
}

export function countStreams(handle: EngineHandle, startMs: number, lateMs: number): () => ReceiveReport {
  const streams = new Map<number, StreamStats>();
  let foreign = 0;
  handle.onFrame((data, atMs) => {
    const sig = readSignature(data);
    if (!sig) {
      foreign++;
      return;
    }
    let s = streams.get(sig.streamId);
    if (!s) streams.set(sig.streamId, (s = new StreamStats(sig.streamId, startMs, lateMs)));
    s.add(sig.seq, sig.txMs, atMs);
  });
  return () => {
    const c = handle.counters();
    return {
      streams: [...streams.values()].map((s) => s.report()),
      foreign,
      engineDropped: c.dropped,
      kernelDropsVisible: c.kernelDropsVisible,
    };
  };
}
