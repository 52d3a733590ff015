// Load sender: signed frames at a fixed rate for a duration. Pacing is by schedule, not by sleeps:
// each turn sends what the elapsed time allows (up to a batch), then yields to the event loop so the
// agent's control plane (beats, uploads) keeps running.
import type { EngineHandle } from '../engine/engine.ts';
import { nowMs } from '../engine/engine.ts';
import { clockStampError } from '@netspotter/shared/agent-protocol';
import type { CompiledMessage } from '@netspotter/shared';
import type { SenderTotals } from '@netspotter/shared/results';

const MAX_BATCH = 256;

/** A stream's sender totals as sent here (the run adds its role). */
export type SendReport = Required<Omit<SenderTotals, 'role'>>;

/** What a load stream sends: how fast and for how long. */
export interface StreamSpec {
  streamId: number;
  pps: number;
  durationMs: number;
}

export async function streamFrames(
  handle: EngineHandle,
  frame: CompiledMessage,
  { streamId, pps, durationMs }: StreamSpec,
  signal: AbortSignal,
): Promise<SendReport> {
  const stampErrorMs = clockStampError();
  const buf = Buffer.alloc(frame.length);
  const batch = [buf];
  const total = Math.round((pps * durationMs) / 1000);
  const start = nowMs();
  let seq = 0;
  let errors = 0;
  while (seq < total && !signal.aborted) {
    const due = Math.min(total, Math.floor(((nowMs() - start) * pps) / 1000) + 1);
    const until = Math.min(due, seq + MAX_BATCH);
    for (; seq < until; seq++) {
      const t = nowMs();
      const sec = Math.floor(t / 1000);
      frame.writeFrame(buf, 0, seq, sec, Math.round((t - sec * 1000) * 1e6));
      if (handle.sendBatch(batch) !== 1) errors++;
    }
    await new Promise((r) => (due - seq <= 0 ? setTimeout(r, 1) : setImmediate(r)));
  }
  const elapsed = nowMs() - start;
  return {
    streamId,
    sent: seq - errors,
    sendErrors: errors,
    durationMs: Math.round(elapsed),
    achievedPps: Math.round(((seq - errors) * 1000) / Math.max(1, elapsed)),
    stampErrorMs,
  };
}
