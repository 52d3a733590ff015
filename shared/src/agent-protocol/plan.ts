// A per-agent plan: what one participant does in a run, compiled by the server from a sequence or a
// load task. Steps run in order from the synchronised start; every step names its interface so the
// agent's local safety policy can check the whole plan before anything is sent.
import Type, { type Static } from 'typebox';
import { MessageSchema, TemplateSchema } from '../packet/index.ts';

const Ifname = Type.String({ minLength: 1, maxLength: 15 });
const Group = Type.String({ minLength: 2, maxLength: 64 });
const Source = Type.Optional(Type.String({ minLength: 2, maxLength: 64 }));
const Ms = (max = 24 * 3600_000) => Type.Integer({ minimum: 0, maximum: max });
/**
 * Sequence plans: the definition step (its index in the sequence's steps) this step came from; a
 * barrier the compiler added holds the step it was added before. Absent from load plans.
 */
const DefinitionStep = Type.Optional(Type.Integer({ minimum: 0 }));
/** The plan step's number (its index in the plan) and its provenance. */
const Numbered = { step: Type.Integer(), definitionStep: DefinitionStep };

export const JoinStepSchema = Type.Object(
  {
    op: Type.Union([Type.Literal('join'), Type.Literal('leave')]),
    ...Numbered,
    interface: Ifname,
    group: Group,
    source: Source,
  },
  { additionalProperties: false },
);
export const SendStepSchema = Type.Object(
  {
    op: Type.Literal('send'),
    ...Numbered,
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
    ...Numbered,
    interface: Ifname,
    message: MessageSchema,
    count: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    timeoutMs: Ms(),
  },
  { additionalProperties: false },
);
export const WaitStepSchema = Type.Object(
  { op: Type.Literal('wait'), ...Numbered, ms: Ms() },
  { additionalProperties: false },
);
export const BarrierOriginSchema = Type.Union([Type.Literal('definition'), Type.Literal('handover')]);
export type BarrierOrigin = Static<typeof BarrierOriginSchema>;

export const BarrierStepSchema = Type.Object(
  {
    op: Type.Literal('barrier'),
    ...Numbered,
    name: Type.String({ minLength: 1, maxLength: 64 }),
    timeoutMs: Ms(),
    /**
     * Sequence plans: a barrier of the definition, or one the compiler added where the acting participant
     * changes.
     */
    origin: Type.Optional(BarrierOriginSchema),
  },
  { additionalProperties: false },
);
/** Load sender: signed UDP frames to a group at a fixed rate. */
export const StreamStepSchema = Type.Object(
  {
    op: Type.Literal('stream'),
    ...Numbered,
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
    ...Numbered,
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
    /** Join this long after the start instead of before it (a convergence receiver joining mid-run). */
    joinAfterMs: Type.Optional(Ms()),
    /** Report the streams' sequence gaps with send times (convergence), counting frames in JS on any engine. */
    gaps: Type.Optional(Type.Boolean()),
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

type StepRef = { op: string; step: number; definitionStep?: number; origin?: BarrierOrigin };

/**
 * A plan step's number as people see it: its definition step counted from 1 (as the results table and the
 * editor count), else its place in the plan from 1.
 */
export const stepNumber = (s: StepRef): number => (s.definitionStep ?? s.step) + 1;

/**
 * A plan step as people see it: `step 3 (expect)`, or `sync before step 3` for a barrier the compiler added.
 */
export const describeStep = (s: StepRef): string =>
  s.origin === 'handover' ? `sync before step ${stepNumber(s)}` : `step ${stepNumber(s)} (${s.op})`;
