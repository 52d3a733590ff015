// Runs one plan from the synchronised start: prepares first (joins of receivers, captures for expects,
// so nothing sent at the start is missed), then executes the steps in order (consecutive load streams side by
// side) and reports each step.
import {
  builtinLibrary,
  compile,
  encode,
  MessageError,
  wait,
  type TemplateLibrary,
} from '@netspotter/shared';
import type { EngineHandle, PacketEngine, CapturedFrame } from '../engine/engine.ts';
import { nowMs } from '../engine/engine.ts';
import type { InterfaceInfo } from '../host-facts.ts';
import { sourceAddress } from '../host-facts.ts';
import { Memberships } from '../membership.ts';
import { clockStampError, describeStep, type Plan, type Step } from '@netspotter/shared/agent-protocol';
import type {
  JobSummary,
  ResultData,
  ResultDataKind,
  StepOutcome,
  StreamGaps,
  StreamTotals,
} from '@netspotter/shared/results';
import { compileSignedFrame } from '../load/signed-frame.ts';
import { receiveStreams, type StreamReceiver } from '../load/receiver.ts';
import { sendStream } from '../load/paced-stream.ts';
import { tally } from './expect.ts';

export interface RunEnv {
  engine: PacketEngine;
  interfaces(): InterfaceInfo[];
  /** Records a result (journalled, then uploaded). */
  emit<K extends Exclude<ResultDataKind, 'final' | 'barrier'>>(kind: K, data: ResultData<K>): void;
  barrier(name: string, timeoutMs: number): Promise<boolean>;
  signal: AbortSignal;
}

export interface PlanOutcome {
  ok: boolean;
  message: string;
  summary: Required<Pick<JobSummary, 'steps' | 'streams'>> & Pick<JobSummary, 'gaps'>;
}

/** Everything opened for a plan, closed in one place whatever happens. */
class Resources {
  readonly handles: EngineHandle[] = [];
  readonly memberships = new Memberships();
  readonly captures = new Map<string, CapturedFrame[]>();
  readonly receivers = new Map<number, StreamReceiver>();
  close() {
    for (const h of this.handles) h.close();
    this.memberships.closeAll();
  }
}

export async function runPlan(plan: Plan, startAtLocalMs: number, env: RunEnv): Promise<PlanOutcome> {
  const lib: TemplateLibrary = plan.templates.length
    ? builtinLibrary().with(plan.templates)
    : builtinLibrary();
  const ifs = new Map(env.interfaces().map((i) => [i.name, i]));
  const res = new Resources();
  const steps: StepOutcome[] = [];
  const streams: StreamTotals[] = [];
  const gaps: StreamGaps[] = [];
  try {
    await prepare(plan, env, res, startAtLocalMs);
    await wait(startAtLocalMs - nowMs(), env.signal);
    const ctx = { lib, env, res, ifs, startAtLocalMs, streams, gaps };
    for (const group of sideBySide(plan.steps)) {
      if (env.signal.aborted) break;
      for (const out of await Promise.all(group.map((step) => runStep(step, ctx)))) {
        steps.push(out);
        env.emit('step', out);
      }
    }
  } finally {
    res.close();
  }
  if (env.signal.aborted)
    return {
      ok: false,
      message: 'stopped: the job was cancelled or failed on the server',
      summary: { steps, streams, ...(gaps.length && { gaps }) },
    };
  const bad = steps.filter((s) => s.outcome !== 'pass');
  const message = bad.length
    ? bad.map((s) => `${describeStep(s)} ${s.outcome}${s.detail ? `: ${s.detail}` : ''}`).join('; ')
    : `${steps.length} steps passed`;
  return { ok: bad.length === 0, message, summary: { steps, streams, ...(gaps.length && { gaps }) } };
}

/** Steps in order, except that consecutive load streams start together (an agent sends several at once). */
function sideBySide(steps: Step[]): Step[][] {
  const groups: Step[][] = [];
  for (const s of steps) {
    const last = groups.at(-1);
    if (s.op === 'stream' && last?.[0]?.op === 'stream') last.push(s);
    else groups.push([s]);
  }
  return groups;
}

async function prepare(plan: Plan, env: RunEnv, res: Resources, startAtLocalMs: number) {
  for (const s of plan.steps) {
    if (s.op === 'receive') {
      // Join and listen before the start, so the network learns the membership before frames flow (a
      // receiver that joins mid-run listens from now but joins, and counts, from its join on).
      if (s.joinAfterMs === undefined) await res.memberships.join(s);
      // 256 MiB: cap's fixed 64 KiB snap length makes each ring slot that big, so this holds ~4000 frames of stall.
      const receiver = receiveStreams(
        env.engine,
        s.interface,
        { filter: `ip6 dst host ${s.group} and udp dst port ${s.port}`, bufferBytes: 256 * 1024 * 1024 },
        startAtLocalMs,
        s.lateMs,
        { gaps: s.gaps === true, joinLater: s.joinAfterMs !== undefined },
      );
      res.handles.push(receiver.handle);
      res.receivers.set(s.step, receiver);
    } else if ((s.op === 'expect' || s.op === 'expect-none') && !res.captures.has(s.interface)) {
      const frames: CapturedFrame[] = [];
      const h = env.engine.open(s.interface, { filter: 'inbound', bufferBytes: 16 * 1024 * 1024 });
      h.onFrame((data, atMs) => {
        // A copy: the bytes are cap's receive buffer, overwritten by the next frame (Buffer#slice would be a view).
        if (frames.length < 100_000) frames.push({ data: new Uint8Array(data), atMs });
      });
      res.handles.push(h);
      res.captures.set(s.interface, frames);
    }
  }
}

interface StepCtx {
  lib: TemplateLibrary;
  env: RunEnv;
  res: Resources;
  ifs: Map<string, InterfaceInfo>;
  startAtLocalMs: number;
  streams: StreamTotals[];
  gaps: StreamGaps[];
}

async function runStep(s: Step, c: StepCtx): Promise<StepOutcome> {
  // Outcomes carry the step's provenance, so the results join back to the definition step.
  const base = {
    step: s.step,
    op: s.op,
    ...(s.definitionStep !== undefined && { definitionStep: s.definitionStep }),
    ...(s.op === 'barrier' && s.origin && { origin: s.origin }),
  };
  const { env, res } = c;
  try {
    switch (s.op) {
      case 'join':
        await res.memberships.join(s);
        return { ...base, outcome: 'pass' };
      case 'leave':
        res.memberships.leave(s);
        return { ...base, outcome: 'pass' };
      case 'wait':
        await wait(s.ms, env.signal);
        return { ...base, outcome: 'pass' };
      case 'barrier': {
        const passed = await env.barrier(s.name, s.timeoutMs);
        return passed
          ? { ...base, outcome: 'pass' }
          : {
              ...base,
              outcome: 'timeout',
              detail: `barrier "${s.name}": not every participant arrived in ${s.timeoutMs} ms`,
            };
      }
      case 'send':
        return { ...base, ...(await sendMessages(s, c)) };
      case 'expect':
      case 'expect-none':
        return { ...base, ...(await expectFrames(s, c)) };
      case 'stream': {
        const info = c.ifs.get(s.interface);
        if (!info?.mac)
          return { ...base, outcome: 'fail', detail: `interface ${s.interface} not found or has no MAC` };
        const frame = compileSignedFrame({ ...s, srcMac: info.mac, srcAddress: sourceAddress(info) });
        const h = env.engine.open(s.interface);
        res.handles.push(h);
        const report = await sendStream(h, frame, s, env.signal);
        c.streams.push({ role: 'sender', ...report });
        env.emit('stream', { role: 'sender', ...report });
        return { ...base, outcome: 'pass', sent: report.sent };
      }
      case 'receive': {
        const receiver = c.res.receivers.get(s.step)!;
        let joinedAtMs: number | undefined;
        if (s.joinAfterMs !== undefined) {
          await wait(c.startAtLocalMs + s.joinAfterMs - nowMs(), env.signal);
          joinedAtMs = nowMs();
          await res.memberships.join(s);
          receiver.joined(joinedAtMs);
        }
        await wait(c.startAtLocalMs + s.durationMs + s.lateMs - nowMs(), env.signal);
        const report = receiver.report();
        for (const g of report.gaps ?? []) c.gaps.push({ step: s.step, ...g });
        const stampErrorMs = env.engine.kernelStamps ? 0 : clockStampError();
        for (const st of report.streams) {
          const { perSecond, ...rest } = st;
          // The drops go into the final outcome too: they tell loss on this host from loss in the network.
          const totals = {
            ...rest,
            stampErrorMs,
            engineDropped: report.engineDropped,
            kernelDropsVisible: report.kernelDropsVisible,
          };
          c.streams.push({ role: 'receiver', ...totals });
          env.emit('stream', { role: 'receiver', ...totals });
          env.emit('series', { streamId: st.streamId, perSecond });
        }
        return {
          ...base,
          outcome: 'pass',
          streams: report.streams.length,
          foreign: report.foreign,
          ...(joinedAtMs !== undefined && { joinedAtMs }),
        };
      }
    }
  } catch (err) {
    const e = err as Error;
    const field = err instanceof MessageError ? err.issues[0]?.path : undefined;
    return { ...base, outcome: 'fail', detail: e.message, ...(field && { field }) };
  }
}

async function sendMessages(s: Extract<Step, { op: 'send' }>, c: StepCtx) {
  let frame: Uint8Array;
  let patch: ((buf: Buffer, seq: number) => void) | undefined;
  try {
    const compiled = compile(c.lib, s.message);
    frame = Buffer.from(compiled.bytes);
    patch = (buf, seq) => {
      const t = nowMs();
      const sec = Math.floor(t / 1000);
      compiled.writeFrame(buf, 0, seq, sec, Math.round((t - sec * 1000) * 1e6));
    };
  } catch (err) {
    if (!(err instanceof MessageError)) throw err;
    frame = Buffer.from(encode(c.lib, s.message)); // no signature to patch: the same bytes each time
  }
  const h = c.env.engine.open(s.interface);
  c.res.handles.push(h);
  const buf = frame as Buffer;
  let sent = 0;
  for (let i = 0; i < s.count && !c.env.signal.aborted; i++) {
    patch?.(buf, i);
    sent += h.sendBatch([buf]);
    if (i + 1 < s.count) await wait(s.intervalMs, c.env.signal);
  }
  return sent === s.count
    ? { outcome: 'pass' as const, sent }
    : { outcome: 'fail' as const, sent, detail: `sent ${sent} of ${s.count}` };
}

async function expectFrames(s: Extract<Step, { op: 'expect' | 'expect-none' }>, c: StepCtx) {
  const frames = c.res.captures.get(s.interface)!;
  const deadline = nowMs() + s.timeoutMs;
  const none = s.op === 'expect-none';
  for (;;) {
    const t = tally(c.lib, s.message, frames, none ? 1 : s.count);
    if (none && t.matched > 0)
      return { outcome: 'fail' as const, detail: 'a frame arrived that must not', matched: t.matched };
    if (!none && t.matched >= s.count)
      return {
        outcome: 'pass' as const,
        matched: t.matched,
        latencyFromStartMs: Math.round(t.lastAtMs! - c.startAtLocalMs),
      };
    if (nowMs() >= deadline || c.env.signal.aborted) {
      if (none) return { outcome: 'pass' as const, matched: 0 };
      const miss = t.closest;
      return {
        outcome: (miss ? 'fail' : 'timeout') as 'fail' | 'timeout',
        matched: t.matched,
        detail: miss
          ? `field ${miss.path}: expected ${miss.expected}, got ${miss.actual} (${t.matched}/${s.count} matched in ${s.timeoutMs} ms)`
          : `${t.matched}/${s.count} matching frames in ${s.timeoutMs} ms (${frames.length} frames captured)`,
        ...(miss && { field: miss.path, expected: miss.expected, actual: miss.actual }),
      };
    }
    await wait(Math.min(50, deadline - nowMs()), c.env.signal);
  }
}
