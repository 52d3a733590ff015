// The arguments of the task kinds that run on agents (sequence, load and convergence), checked by the server when a
// task is stored (GET /api/task-kinds lists them) and read by the GUI.
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { Int32 } from './bounds.ts';
import { OFFLINE_AFTER_BEATS } from '../agent-protocol/messages.ts';

/**
 * A schema keyword telling forms what a string names, so they offer a picker instead of a text box:
 * 'agent', 'agent-interface' (of the agent beside it), 'agent-address', 'sequence', 'target'.
 */
export const PICK = 'x-pick';
export type PickKind = 'agent' | 'agent-interface' | 'agent-address' | 'sequence' | 'target';

/** What happens to a job whose agent is lost mid-run: fail with the reason, or go back to the queue. */
export const AgentLossArgs = {
  requeueOnAgentLoss: Type.Boolean({
    default: false,
    description:
      `When an agent is lost (offline after ${OFFLINE_AFTER_BEATS} missed heartbeats) while it holds a job, queue the job again for that ` +
      'agent instead of failing it; the agent runs the plan afresh when it returns. Results of the earlier ' +
      'attempt stay stored, each tagged with its attempt; summaries use the current attempt.',
  }),
  requeueWithinMs: Type.Integer({
    minimum: 1000,
    maximum: 24 * 3600_000,
    default: 600_000,
    description:
      'With requeueOnAgentLoss: a job not leased (again) within this many ms of the run start fails.',
  }),
};

const StartDelayMs = Type.Integer({ minimum: 0, maximum: 600_000, default: 3000 });
const SequenceId = Type.String({ minLength: 1, maxLength: 64, [PICK]: 'sequence' });
/** A stored version; the latest when unset. */
const SequenceVersionNumber = Type.Optional(Int32({ minimum: 1 }));

export const SequenceArgsSchema = Type.Object(
  { sequenceId: SequenceId, version: SequenceVersionNumber, startDelayMs: StartDelayMs, ...AgentLossArgs },
  { additionalProperties: false },
);
export type SequenceArgs = Static<typeof SequenceArgsSchema>;

const SequenceTaskRefSchema = Type.Object({ sequenceId: SequenceId, version: SequenceVersionNumber });

/** The sequence (and version, when it names one) a stored task runs, if it is a sequence task. */
export function sequenceOfTask(task: {
  kind: string;
  args: unknown;
}): Static<typeof SequenceTaskRefSchema> | undefined {
  return task.kind === 'sequence' && Value.Check(SequenceTaskRefSchema, task.args) ? task.args : undefined;
}

const Endpoint = Type.Object(
  {
    agent: Type.String({ minLength: 1, maxLength: 64, [PICK]: 'agent' }),
    interface: Type.String({ minLength: 1, maxLength: 15, [PICK]: 'agent-interface' }),
  },
  { additionalProperties: false },
);

export const LoadArgsSchema = Type.Object(
  {
    group: Type.String({ minLength: 2, maxLength: 64, description: 'IPv6 multicast group, e.g. ff3e::1234' }),
    source: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 64,
        description: 'SSM source the receivers join (S,G) with',
        [PICK]: 'agent-address',
      }),
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
    startDelayMs: StartDelayMs,
    ...AgentLossArgs,
  },
  { additionalProperties: false },
);
export type LoadArgs = Static<typeof LoadArgsSchema>;

export const ConvergenceArgsSchema = Type.Object(
  {
    group: Type.String({ minLength: 2, maxLength: 64, description: 'IPv6 multicast group, e.g. ff3e::1234' }),
    source: LoadArgsSchema.properties.source,
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 5000 }),
    senders: Type.Array(Endpoint, { minItems: 1, maxItems: 16 }),
    receivers: Type.Array(
      Type.Object(
        {
          ...Endpoint.properties,
          joinAfterMs: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 24 * 3600_000,
              description:
                'join this long after the start (reports join latency); unset: joined before the start',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 64 },
    ),
    pps: Type.Integer({
      minimum: 100,
      maximum: 10_000,
      default: 1000,
      description:
        'frames per second per sender; each lost frame counts 1000/pps ms of outage (1 ms at 1,000 pps)',
    }),
    durationMs: Type.Integer({ minimum: 1000, maximum: 3600_000, default: 30_000 }),
    frameSize: Type.Integer({ minimum: 90, maximum: 1500, default: 128 }),
    hopLimit: Type.Integer({ minimum: 1, maximum: 255, default: 8 }),
    startDelayMs: StartDelayMs,
  },
  { additionalProperties: false },
);
export type ConvergenceArgs = Static<typeof ConvergenceArgsSchema>;
