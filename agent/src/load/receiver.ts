// Load receiver: counts signed frames per stream for the receive window plus the late grace. An engine
// that counts streams itself (native) does it in its reader threads; otherwise, or when the sequence gaps
// are wanted (convergence: gap intervals with send times, which the engines' own counters do not keep),
// the JS counter runs in the frame callback (cap: synchronously, the bytes read while they are valid).
import type { EngineHandle, OpenOptions, PacketEngine } from '../engine/engine.ts';
import type { StreamGaps } from '@netspotter/shared/results';
import { SIGNATURE_LAYOUT, readSignature } from './signed-frame.ts';
import { StreamStats, type StreamReport } from './stream-stats.ts';
import { GapTracker } from './gap-tracker.ts';

export interface ReceiveReport {
  streams: StreamReport[];
  /** Frames that matched the filter but carried no signature. */
  foreign: number;
  engineDropped: number;
  kernelDropsVisible: boolean;
  /** With `gaps`: each stream's sequence gaps. */
  gaps?: Omit<StreamGaps, 'step'>[];
}

export interface StreamReceiver {
  /** Close it when the receive window is over. */
  handle: EngineHandle;
  report(): ReceiveReport;
  /** A receiver opened with `joinLater`: it joined at `atMs` (local clock); frames received before are not counted. */
  joined(atMs: number): void;
}

export interface ReceiveMode {
  /** Keep each stream's sequence gaps with send times. */
  gaps?: boolean;
  /** The group is joined later: count nothing until `joined`. */
  joinLater?: boolean;
}

/** Opens `ifname` with `opts` (a filter for the streams' frames) and counts the streams it receives. */
export function receiveStreams(
  engine: PacketEngine,
  ifname: string,
  opts: Pick<OpenOptions, 'filter' | 'bufferBytes'>,
  startMs: number,
  lateMs: number,
  mode: ReceiveMode = {},
): StreamReceiver {
  const inJs = mode.gaps === true || mode.joinLater === true;
  const handle = engine.open(
    ifname,
    inJs ? opts : { ...opts, streams: { ...SIGNATURE_LAYOUT, startMs, lateMs } },
  );
  const js = handle.streamReports ? undefined : countInJs(handle, startMs, lateMs, mode);
  return {
    handle,
    report: () => {
      const c = handle.counters();
      const counted = js ? js.report() : handle.streamReports!();
      return { ...counted, engineDropped: c.dropped, kernelDropsVisible: c.kernelDropsVisible };
    },
    joined: (atMs) => js?.joined(atMs),
  };
}

function countInJs(handle: EngineHandle, startMs: number, lateMs: number, mode: ReceiveMode) {
  const streams = new Map<number, { stats: StreamStats; gaps?: GapTracker }>();
  let foreign = 0;
  let joinedAtMs: number | undefined;
  handle.onFrame((data, atMs) => {
    // Before a mid-run join (a flooding switch, say), frames are not what the join brought.
    if (mode.joinLater && (joinedAtMs === undefined || atMs < joinedAtMs)) return;
    const sig = readSignature(data);
    if (!sig) {
      foreign++;
      return;
    }
    let s = streams.get(sig.streamId);
    if (!s) {
      s = {
        stats: new StreamStats(sig.streamId, startMs, lateMs),
        ...(mode.gaps && { gaps: new GapTracker(sig.streamId) }),
      };
      streams.set(sig.streamId, s);
    }
    s.stats.add(sig.seq, sig.txMs, atMs);
    s.gaps?.add(sig.seq, sig.txMs, atMs);
  });
  return {
    joined: (atMs: number) => void (joinedAtMs = atMs),
    report: () => ({
      streams: [...streams.values()].map((s) => s.stats.report()),
      foreign,
      ...(mode.gaps && { gaps: [...streams.values()].flatMap((s) => (s.gaps ? [s.gaps.report()] : [])) }),
    }),
  };
}
