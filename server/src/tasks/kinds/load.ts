// Multicast load test: senders stream signed frames to a group; receivers joined through the kernel
// report received/lost/duplicated/reordered/late, one-way latency and RFC 3550 jitter per stream.
import { Type } from 'typebox';
import type { Prisma } from '../../db/generated/client.ts';
import { defineKind } from '../kind.ts';
import { compileLoad, summariseLoad, type FinishedLoadJob } from '../../agents/compile-load.ts';
import { knownAgents } from '../../agents/participants.ts';
import { AgentLossArgs } from '../../agents/agent-loss.ts';
import { runAgentJobs } from '../../agents/run-jobs.ts';

const Endpoint = Type.Object(
  {
    agent: Type.String({ minLength: 1, maxLength: 64 }),
    interface: Type.String({ minLength: 1, maxLength: 15 }),
  },
  { additionalProperties: false },
);

export const LoadArgsSchema = Type.Object(
  {
    group: Type.String({ minLength: 2, maxLength: 64, description: 'IPv6 multicast group, e.g. ff3e::1234' }),
    source: Type.Optional(
      Type.String({ minLength: 2, maxLength: 64, description: 'SSM source the receivers join (S,G) with' }),
    ),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 5000 }),
    senders: Type.Array(Endpoint, { minItems: 1, maxItems: 64 }),
    receivers: Type.Array(Endpoint, { minItems: 1, maxItems: 1024 }),
    pps: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
    bitsPerSecond: Type.Optional(Type.Integer({ minimum: 1000, maximum: 400_000_000_000 })),
    frameSize: Type.Integer({ minimum: 90, maximum: 9000, default: 128 }),
    durationMs: Type.Integer({ minimum: 100, maximum: 24 * 3600_000, default: 10_000 }),
    hopLimit: Type.Integer({ minimum: 1, maximum: 255, default: 8 }),
    lateMs: Type.Integer({
      minimum: 0,
      maximum: 60_000,
      default: 1000,
      description:
        'frames with a one-way latency above this count as late; receivers listen this long past the end',
    }),
    startDelayMs: Type.Integer({ minimum: 0, maximum: 600_000, default: 3000 }),
    ...AgentLossArgs,
  },
  { additionalProperties: false },
);

export const loadKind = defineKind({
  kind: 'load',
  description:
    'Multicast load test between agents: loss, duplicates, reordering, latency and jitter per receiver',
  argsSchema: LoadArgsSchema,
  async run(rc, args) {
    const jobs = compileLoad(args, await knownAgents(rc.db));
    const outcome = await runAgentJobs(rc, jobs, args);
    const finished = (outcome.result as unknown as { jobs: FinishedLoadJob[] }).jobs;
    return {
      ...outcome,
      result: { ...(outcome.result as object), load: summariseLoad(finished) } as Prisma.InputJsonValue,
    };
  },
});
