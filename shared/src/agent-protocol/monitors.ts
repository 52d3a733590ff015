// Continuous monitors on the agent protocol: the assignments an agent keeps running (they come with the
// heartbeat answer whenever their revision changed) and the per-interval summaries it reports back
// through its journal. See agent/README.md, "Monitors".
import Type, { type Static } from 'typebox';
import { TemplateSchema } from '../packet/schema.ts';
import { LATEST_TIME_MS } from '../api/bounds.ts';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Address = Type.String({ minLength: 2, maxLength: 64 });

/** Where a watched stream carries a sequence number: RTP's, MPEG-TS continuity counters per PID, or a template field. */
export const SequenceFieldSchema = Type.Union([
  Type.Object({ kind: Type.Literal('rtp') }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('mpegts') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('template'),
      /** A stored user template that describes the UDP payload. */
      template: Type.String({ minLength: 1, maxLength: 64 }),
      /** The unsigned-integer field holding the sequence number (dotted path into the template). */
      field: Type.String({ minLength: 1, maxLength: 200 }),
    },
    { additionalProperties: false },
  ),
]);
export type SequenceField = Static<typeof SequenceFieldSchema>;

export const AssignedSourceSchema = Type.Object(
  { agentId: Id, name: Type.String(), address: Type.Optional(Address) },
  { additionalProperties: false },
);

/** One group of a monitor as one agent runs it. */
export const AssignedGroupSchema = Type.Object(
  {
    /** The group's id within its monitor (summaries name it). */
    id: Id,
    kind: Type.Union([Type.Literal('beacon'), Type.Literal('watch')]),
    mode: Type.Union([Type.Literal('asm'), Type.Literal('ssm')]),
    group: Address,
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    /** SSM: the source address receivers include (for beacons: the sender's address). */
    source: Type.Optional(Address),
    /** This agent sends beacons into the group (from `source` when SSM). */
    send: Type.Boolean(),
    /** This agent receives (beacons) or watches (production streams) the group. */
    receive: Type.Boolean(),
    /** False while an operator made this receiver leave: it stays out until told to join again. */
    joined: Type.Boolean(),
    /** Beacon groups: the agents beaconing into the group (receivers expect them). */
    senders: Type.Optional(Type.Array(AssignedSourceSchema, { maxItems: 2000 })),
    /** Watches: where the sequence number is, if the stream has one. */
    sequence: Type.Optional(SequenceFieldSchema),
    /** Watches: a gap without packets longer than this is a silence. */
    silenceMs: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type AssignedGroup = Static<typeof AssignedGroupSchema>;

export const MonitorAssignmentSchema = Type.Object(
  {
    monitorId: Id,
    name: Type.String(),
    /** This agent's interface for the monitor. */
    interface: Type.String({ minLength: 1, maxLength: 15 }),
    intervalMs: Type.Integer({ minimum: 1000 }),
    beaconPps: Type.Number({ exclusiveMinimum: 0 }),
    hopLimit: Type.Integer({ minimum: 1, maximum: 255 }),
    /** Base64 of the monitor's beacon key: beacons carry an HMAC-SHA256 under it (never logged). */
    key: Type.String({ minLength: 1, maxLength: 128 }),
    groups: Type.Array(AssignedGroupSchema, { maxItems: 256 }),
    /** User templates a watch's sequence field refers to. */
    templates: Type.Optional(Type.Array(TemplateSchema, { maxItems: 32 })),
  },
  { additionalProperties: false },
);
export type MonitorAssignment = Static<typeof MonitorAssignmentSchema>;

/** What the heartbeat answer carries when the agent's revision is not the current one. */
export const MonitorAssignmentsSchema = Type.Object(
  {
    /** A digest of the assignments: equal assignments have equal revisions, across server restarts too. */
    revision: Type.String({ maxLength: 128 }),
    assignments: Type.Array(MonitorAssignmentSchema, { maxItems: 1000 }),
  },
  { additionalProperties: false },
);
export type MonitorAssignments = Static<typeof MonitorAssignmentsSchema>;

const Num = Type.Number();
const OptNum = Type.Optional(Type.Number());

/** One source as one receiver saw it during one interval. */
export const SourceFiguresSchema = Type.Object(
  {
    /** Beacons: the sending agent's id (from the signed beacon). Watches: the source address. */
    source: Type.String({ minLength: 1, maxLength: 64 }),
    address: Type.Optional(Address),
    /** Beacons: the sender's epoch (its start time); a new epoch restarts sequence accounting. */
    epoch: OptNum,
    received: Type.Integer({ minimum: 0 }),
    /** Missing sequence numbers: gaps, and beacons overdue by the sender's own period. */
    lost: Type.Integer({ minimum: 0 }),
    duplicates: Type.Integer({ minimum: 0 }),
    reordered: Type.Integer({ minimum: 0 }),
    /** One-way delay (beacons), clock-corrected by both agents' offsets to the server, in ms. */
    delayMinMs: OptNum,
    delayP50Ms: OptNum,
    delayP99Ms: OptNum,
    /** RFC 3550 interarrival jitter (beacons: of transit times; watches: of inter-arrival gaps), ms. */
    jitterMs: OptNum,
    /** Beacons: initial hop limit minus the received one (the last beacon's). */
    hops: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    /** Join → first packet of this source, when a (re)join completed during the interval, ms. */
    joinLatencyMs: OptNum,
    /** Watches: payload bytes, silences (gaps over silenceMs), the longest gap and template mismatches. */
    bytes: Type.Optional(Type.Integer({ minimum: 0 })),
    silences: Type.Optional(Type.Integer({ minimum: 0 })),
    maxGapMs: OptNum,
    mismatches: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type SourceFigures = Static<typeof SourceFiguresSchema>;

export const ReceivedGroupSchema = Type.Object(
  {
    group: Id,
    /** Whether the receiver was a member at the end of the interval. */
    joined: Type.Boolean(),
    /** A leave during this or an earlier interval: leave → last packet, once packets stopped, ms. */
    leaveLatencyMs: OptNum,
    /** Frames that looked like beacons of this monitor but failed the signature check. */
    badSignatures: Type.Optional(Type.Integer({ minimum: 0 })),
    sources: Type.Array(SourceFiguresSchema, { maxItems: 4000 }),
  },
  { additionalProperties: false },
);
export type ReceivedGroup = Static<typeof ReceivedGroupSchema>;

export const SentGroupSchema = Type.Object(
  {
    group: Id,
    epoch: Num,
    /** Beacons sent during the interval, and the sequence number of the last one. */
    count: Type.Integer({ minimum: 0 }),
    lastSeq: Type.Integer({ minimum: -1 }),
  },
  { additionalProperties: false },
);
export type SentGroup = Static<typeof SentGroupSchema>;

/** One agent's report on one monitor for one interval (aligned to the server clock). */
export const MonitorSummarySchema = Type.Object(
  {
    /** Chosen by the agent before journalling; (monitor, agent, interval) also identifies it. */
    id: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
    monitorId: Id,
    /** Interval start on the server clock (ms since the epoch), a multiple of intervalMs. */
    intervalStart: Type.Integer({ minimum: 0, maximum: LATEST_TIME_MS }),
    intervalMs: Type.Integer({ minimum: 1000 }),
    /** Why part of the assignment is not running (local policy, a missing interface). */
    problems: Type.Optional(Type.Array(Type.String({ maxLength: 500 }), { maxItems: 50 })),
    sent: Type.Optional(Type.Array(SentGroupSchema, { maxItems: 256 })),
    received: Type.Optional(Type.Array(ReceivedGroupSchema, { maxItems: 256 })),
  },
  { additionalProperties: false },
);
export type MonitorSummary = Static<typeof MonitorSummarySchema>;

export const SummariesRequestSchema = Type.Object(
  { summaries: Type.Array(MonitorSummarySchema, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
export const SummariesResponseSchema = Type.Object({
  stored: Type.Integer(),
  duplicates: Type.Integer(),
  /**
   * Dropped: summaries of monitors this agent no longer takes part in (deleted, edited), of another
   * interval length than the monitor's, off its interval grid, or of an interval not over yet.
   */
  ignored: Type.Integer(),
});
export type SummariesResponse = Static<typeof SummariesResponseSchema>;
