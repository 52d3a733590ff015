// A load stream on the fastest path the engine offers: its native pacer when it has one (no JS per
// frame, rates the scheduled sender cannot reach), else the scheduled JS sender.
import type { CompiledMessage } from '@netspotter/shared';
import type { EngineHandle, FrameTemplate } from '../engine/engine.ts';
import { streamFrames, type SendReport, type StreamSpec } from './sender.ts';
import { SIGNATURE_LAYOUT, SIGNATURE_OFFSET } from './signed-frame.ts';

/** The signed frame's patch points: its u64 seq and send time, and the UDP checksum just before the signature. */
export function signedFrameTemplate(frame: CompiledMessage): FrameTemplate {
  return {
    base: frame.bytes,
    seqOffset: SIGNATURE_LAYOUT.seqOffset,
    tsOffset: SIGNATURE_LAYOUT.tsOffset,
    csumOffset: SIGNATURE_OFFSET - 2,
  };
}

export async function sendStream(
  handle: EngineHandle,
  frame: CompiledMessage,
  spec: StreamSpec,
  signal: AbortSignal,
): Promise<SendReport> {
  if (!handle.sendPaced) return streamFrames(handle, frame, spec, signal);
  const { streamId, pps, durationMs } = spec;
  const total = Math.round((pps * durationMs) / 1000);
  const r = await handle.sendPaced(signedFrameTemplate(frame), pps, total, signal);
  return {
    streamId,
    sent: r.sent,
    // Only a send error stops the pacer early; an abort is not an error.
    sendErrors: r.error ? total - r.sent : 0,
    durationMs: r.durationMs,
    achievedPps: r.achievedPps,
    // The native pacer stamps each frame with CLOCK_REALTIME itself.
    stampErrorMs: 0,
  };
}
