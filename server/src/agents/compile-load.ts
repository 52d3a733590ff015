// A load (or convergence) task into per-agent plans (pure): each sender streams signed frames to the group, each
// receiver joins through the kernel and counts them. Errors name the argument at fault.
import type { Plan } from '@netspotter/shared/agent-protocol';
import type { LoadArgs } from '@netspotter/shared/api';
import type { FinishedJob, LoadSummary, ReceiverLine } from '@netspotter/shared/results';
import { badRequest } from '../domain-errors.ts';
import type { PlannedJob } from './jobs.ts';
import { bindAgent, type AgentInfo } from './participants.ts';

/** Frames per second for the requested rate; bit/s counts whole frames on the wire (without preamble). */
export function loadPps(args: Pick<LoadArgs, 'pps' | 'bitsPerSecond' | 'frameSize'>): number {
  if (args.pps !== undefined && args.bitsPerSecond !== undefined)
    throw badRequest('args.pps', 'give pps or bitsPerSecond, not both');
  if (args.pps !== undefined) return args.pps;
  if (args.bitsPerSecond !== undefined)
    return Math.max(1, Math.round(args.bitsPerSecond / (args.frameSize * 8)));
  throw badRequest('args.pps', 'give pps or bitsPerSecond');
}

export function compileLoad(args: LoadArgs, agents: AgentInfo[]): PlannedJob[] {
  return compileStreams({ ...args, pps: loadPps(args) }, agents);
}

/** What stream plans are compiled from: a load task's arguments at a resolved rate, or a convergence task's. */
export interface StreamsSpec extends Pick<
  LoadArgs,
  'group' | 'source' | 'port' | 'senders' | 'frameSize' | 'durationMs' | 'hopLimit' | 'lateMs'
> {
  pps: number;
  receivers: { agent: string; interface: string; joinAfterMs?: number }[];
  /** Receivers report their sequence gaps (convergence). */
  gaps?: boolean;
}

/** One plan per agent: receive steps (first, so an agent that also sends is listening), then stream steps. */
export function compileStreams(spec: StreamsSpec, agents: AgentInfo[]): PlannedJob[] {
  if (!spec.senders.length) throw badRequest('args.senders', 'at least one sender');
  if (!spec.receivers.length) throw badRequest('args.receivers', 'at least one receiver');
  const jobs = new Map<string, PlannedJob>();
  const planFor = (a: AgentInfo, role: string): Plan => {
    const key = a.id;
    let j = jobs.get(key);
    if (!j) {
      j = {
        agentId: a.id,
        participant: `${a.name} (${role})`,
        plan: { kind: 'load', templates: [], steps: [] },
      };
      jobs.set(key, j);
    }
    return j.plan;
  };
  spec.receivers.forEach((r, i) => {
    const a = bindAgent(agents, r.agent, r.interface, `args.receivers[${i}]`);
    const plan = planFor(a, 'receiver');
    plan.steps.push({
      op: 'receive',
      step: plan.steps.length,
      interface: r.interface,
      group: spec.group,
      ...(spec.source && { source: spec.source }),
      port: spec.port,
      durationMs: spec.durationMs,
      lateMs: spec.lateMs,
      ...(r.joinAfterMs !== undefined && { joinAfterMs: r.joinAfterMs }),
      ...(spec.gaps && { gaps: true }),
    });
  });
  spec.senders.forEach((s, i) => {
    const a = bindAgent(agents, s.agent, s.interface, `args.senders[${i}]`);
    const plan = planFor(a, 'sender');
    plan.steps.push({
      op: 'stream',
      step: plan.steps.length,
      interface: s.interface,
      group: spec.group,
      port: spec.port,
      streamId: i + 1,
      pps: spec.pps,
      frameSize: spec.frameSize,
      durationMs: spec.durationMs,
      hopLimit: spec.hopLimit,
    });
  });
  return [...jobs.values()];
}

export type FinishedLoadJob = Pick<FinishedJob, 'participant' | 'clockOffsetMs' | 'outcome'>;

/**
 * Per receiver and stream: what the sender sent against what arrived (lost = sent − distinct received,
 * so sent = received + lost holds), with one-way latency corrected by both agents' clock offsets
 * (receiver offset − sender offset: each agent's clock is read as server time).
 */
export function summariseLoad(jobs: FinishedLoadJob[]): LoadSummary {
  const streamsOf = (j: FinishedLoadJob) => j.outcome?.streams ?? [];
  const senders = new Map<
    number,
    { sent: number; offset: number; participant: string; stampErrorMs: number | undefined }
  >();
  for (const j of jobs) {
    for (const s of streamsOf(j))
      if (s.role === 'sender')
        senders.set(s.streamId, {
          sent: s.sent,
          offset: j.clockOffsetMs ?? 0,
          participant: j.participant,
          stampErrorMs: s.stampErrorMs,
        });
  }
  const receivers: ReceiverLine[] = [];
  for (const j of jobs) {
    for (const r of streamsOf(j)) {
      if (r.role !== 'receiver') continue;
      const tx = senders.get(r.streamId);
      const shift = (j.clockOffsetMs ?? 0) - (tx?.offset ?? 0);
      const lat = r.latencyMs;
      receivers.push({
        receiver: j.participant,
        sender: tx?.participant ?? null,
        streamId: r.streamId,
        sent: tx?.sent ?? null,
        received: r.unique,
        lost: tx ? tx.sent - r.unique : null,
        duplicates: r.duplicates,
        reordered: r.reordered,
        late: r.late,
        latencyMs: lat && {
          min: lat.min + shift,
          mean: lat.mean + shift,
          p50: lat.p50 + shift,
          p99: lat.p99 + shift,
          max: lat.max + shift,
        },
        // The correction applied (receiver offset − sender offset) and the raw figures, so an offset error shows.
        clockCorrectionMs: shift,
        latencyUncorrectedMs: lat,
        // What the uncorrected figures can be off by on one host: both ends' stamping error plus the
        // rounding of two epoch-ms doubles (2^-13 ms each). Null when an end did not report it.
        latencyResolutionMs:
          tx?.stampErrorMs === undefined || r.stampErrorMs === undefined
            ? null
            : tx.stampErrorMs + r.stampErrorMs + 2 ** -12,
        jitterMs: r.jitterMs,
        receiverDropped: r.engineDropped ?? null,
      });
    }
  }
  return {
    senders: [...senders.entries()].map(([streamId, s]) => ({
      streamId,
      participant: s.participant,
      sent: s.sent,
    })),
    receivers,
  };
}
