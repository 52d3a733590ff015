// A per-agent plan: what one participant does in a run, compiled by the server from a sequence or a
// load task. Steps run in order from the synchronised start; every step names its interface so the
// agent's local safety policy can check the whole plan before anything is sent.
import Type, { type Static } from 'typebox';
import { MessageSchema, TemplateSchema } from '../packet/index.ts';

const Ifname = Type.String({ minLength: 1, maxLength: 15 });
const Group = Type.String({ minLength: 2, maxLength: 64 });
const Source = Type.Optional(Type.String({ minLength: 2, maxLength: 64 }));
const Ms = (max = 24 * 3600_000) => Type.Integer({ minimum: 0, maximum: max });

export const JoinStepSchema = Type.Object(
  {
    op: Type.Union([Type.Literal('join'), Type.Literal('leave')]),
    step: Type.Integer(),
    interface: Ifname,
    group: Group,
    source: Source,
  },
  { additionalProperties: false },
);
export const SendStepSchema = Type.Object(
  {
    op: Type.Literal('send'),
    step: Type.Integer(),
    interface: Ifname,
    message: MessageSchema,
    count: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    intervalMs: Ms(3600_000),
  },
  { additionalProperties: false },
);
export const ExpectStepSchema = Type.Object(
  {
    op: Type.Union([Type.Literal('expect'), Type.Literal('expect-none')]),
    step: Type.Integer(),
    interface: Ifname,
    message: MessageSchema,
    count: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    timeoutMs: Ms(),
  },
  { additionalProperties: false },
);
export const WaitStepSchema = Type.Object(
  { op: Type.Literal('wait'), step: Type.Integer(), ms: Ms() },
  { additionalProperties: false },
);
export const BarrierStepSchema = Type.Object(
  {
    op: Type.Literal('barrier'),
    step: Type.Integer(),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    timeoutMs: Ms(),
  },
  { additionalProperties: false },
);
/** Load sender: signed UDP frames to a group at a fixed rate. */
export const StreamStepSchema = Type.Object(
  {
    op: Type.Literal('stream'),
    step: Type.Integer(),
    interface: Ifname,
    group: Group,
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    streamId: Type.Integer({ minimum: 0, maximum: 0xffffffff }),
    pps: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    frameSize: Type.Integer({ minimum: 90, maximum: 9000 }),
    durationMs: Ms(),
    hopLimit: Type.Integer({ minimum: 1, maximum: 255 }),
  },
  { additionalProperties: false },
);
/** Load receiver: joins through the kernel, counts the signed frames of the given streams. */
export const ReceiveStepSchema = Type.Object(
  {
    op: Type.Literal('receive'),
    step: Type.Integer(),
    interface: Ifname,
    group: Group,
    source: Source,
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    durationMs: Ms(),
    /**
     * Frames whose one-way latency (receipt on this host's clock − the sender's stamp) exceeds this are
     * counted late; the receiver also keeps listening this long after the stream's end.
     */
    lateMs: Ms(60_000),
  },
  { additionalProperties: false },
);

export const StepSchema = Type.Union([
  JoinStepSchema,
  SendStepSchema,
  ExpectStepSchema,
  WaitStepSchema,
  BarrierStepSchema,
  StreamStepSchema,
  ReceiveStepSchema,
]);
export type Step = Static<typeof StepSchema>;

export const PlanSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('sequence'), Type.Literal('load')]),
    /** User templates the messages use beyond the built-in library. */
    templates: Type.Array(TemplateSchema, { maxItems: 256 }),
    steps: Type.Array(StepSchema, { maxItems: 10_000 }),
  },
  { additionalProperties: false },
);
export type Plan = Static<typeof PlanSchema>;

/** How long a plan runs at most, from its start: the basis of the job's lease deadline. */
export function planDurationMs(plan: Plan): number {
  let total = 0;
  for (const s of plan.steps) {
    if (s.op === 'send') total += s.count * s.intervalMs;
    else if (s.op === 'expect' || s.op === 'expect-none' || s.op === 'barrier') total += s.timeoutMs;
    else if (s.op === 'wait') total += s.ms;
    else if (s.op === 'stream') total += s.durationMs;
    else if (s.op === 'receive') total += s.durationMs + s.lateMs;
  }
  return total;
}
