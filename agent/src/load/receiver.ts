// Load receiver: counts signed frames per stream for the receive window plus the late grace. An engine
// that counts streams itself (native) does it in its reader threads; otherwise the JS counter runs
// synchronously in the capture callback (no copies, no queue: the bytes are read while they are valid).
import type { EngineHandle, OpenOptions, PacketEngine } from '../engine/engine.ts';
import { SIGNATURE_LAYOUT, readSignature } from './signed-frame.ts';
import { StreamStats, type StreamReport } from './stream-stats.ts';

export interface ReceiveReport {
  streams: StreamReport[];
  /** Frames that matched the filter but carried no signature. */
  foreign: number;
  engineDropped: number;
  kernelDropsVisible: boolean;
}

export interface StreamReceiver {
  /** Close it when the receive window is over. */
  handle: EngineHandle;
  report(): ReceiveReport;
}

/** Opens `ifname` with `opts` (a filter for the streams' frames) and counts the streams it receives. */
export function receiveStreams(
  engine: PacketEngine,
  ifname: string,
  opts: Pick<OpenOptions, 'filter' | 'bufferBytes'>,
  startMs: number,
  lateMs: number,
): StreamReceiver {
  const handle = engine.open(ifname, { ...opts, streams: { ...SIGNATURE_LAYOUT, startMs, lateMs } });
  const count = handle.streamReports ? () => handle.streamReports!() : countInJs(handle, startMs, lateMs);
  return {
    handle,
    report: () => {
      const c = handle.counters();
      return { ...count(), engineDropped: c.dropped, kernelDropsVisible: c.kernelDropsVisible };
    },
  };
}

function countInJs(handle: EngineHandle, startMs: number, lateMs: number) {
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
  return () => ({ streams: [...streams.values()].map((s) => s.report()), foreign });
}
