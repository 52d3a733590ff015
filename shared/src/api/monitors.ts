// Continuous monitors as the REST API shows them: the definition (groups, participants, rate, interval,
// thresholds), the live source × receiver matrix, one cell's series and its state changes.
import Type, { type Static } from 'typebox';
import { SequenceFieldSchema } from '../agent-protocol/monitors.ts';
import { Nullable } from './common.ts';

export const MonitorRoleSchema = Type.Union([
  Type.Literal('sender'),
  Type.Literal('receiver'),
  Type.Literal('both'),
]);
export type MonitorRole = Static<typeof MonitorRoleSchema>;

export const MonitorParticipantBodySchema = Type.Object(
  {
    /** An enrolled agent, by name or id. */
    agent: Type.String({ minLength: 1, maxLength: 64 }),
    interface: Type.String({ minLength: 1, maxLength: 15 }),
    role: Type.Optional(MonitorRoleSchema),
  },
  { additionalProperties: false },
);

export const MonitorGroupBodySchema = Type.Object(
  {
    /** Kept across edits when given (the id of an existing group); new groups get one. */
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    /** beacon: the participants' signed beacons; watch: a production stream, received as it is. */
    kind: Type.Optional(Type.Union([Type.Literal('beacon'), Type.Literal('watch')])),
    mode: Type.Union([Type.Literal('asm'), Type.Literal('ssm')]),
    group: Type.String({ minLength: 2, maxLength: 64 }),
    /**
     * SSM only: `$AGENT` (that participant's interface address; for beacons the only sender) or an IPv6
     * address (watches).
     */
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    /** Watches: the stream's sequence field (none: rate, silence and jitter only). */
    sequence: Type.Optional(SequenceFieldSchema),
    /** Watches: a gap without packets longer than this counts as a silence (default 1000). */
    silenceMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 600_000 })),
  },
  { additionalProperties: false },
);
export type MonitorGroupBody = Static<typeof MonitorGroupBodySchema>;

export const MonitorThresholdsSchema = Type.Object(
  {
    /** Loss in an interval at or above this is degraded (default 1). */
    degradedLossPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    /** Loss in an interval at or above this is lost (default 100: nothing arrived). */
    lostLossPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    /** One-way delay p99 above this is degraded (default: no delay threshold). */
    degradedDelayMs: Type.Optional(Type.Number({ minimum: 0 })),
    /** Jitter above this is degraded (default: no jitter threshold). */
    degradedJitterMs: Type.Optional(Type.Number({ minimum: 0 })),
    /** A receiver's join latency above this is a join-latency event (default: no join-latency threshold). */
    joinLatencyMs: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type MonitorThresholdsBody = Static<typeof MonitorThresholdsSchema>;

export const MonitorBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    /** Each agent at most once; sender, receiver or both (the default: a full mesh). */
    participants: Type.Array(MonitorParticipantBodySchema, { minItems: 1, maxItems: 1000 }),
    groups: Type.Array(MonitorGroupBodySchema, { minItems: 1, maxItems: 64 }),
    /** Beacons per second per sender per group (default 1). */
    beaconPps: Type.Optional(Type.Number({ minimum: 0.1, maximum: 1000 })),
    /** Summary interval (default 10). */
    intervalSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
    /** Hop limit beacons leave with (default 64). */
    hopLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 255 })),
    thresholds: Type.Optional(MonitorThresholdsSchema),
  },
  { additionalProperties: false },
);
export type MonitorBody = Static<typeof MonitorBodySchema>;

export const MonitorParticipantSchema = Type.Object({
  agentId: Type.String(),
  agent: Type.String(),
  interface: Type.String(),
  role: MonitorRoleSchema,
  /** False while an operator made this receiver leave its groups. */
  joined: Type.Boolean(),
});
export type MonitorParticipant = Static<typeof MonitorParticipantSchema>;

export const MonitorGroupSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('beacon'), Type.Literal('watch')]),
  mode: Type.Union([Type.Literal('asm'), Type.Literal('ssm')]),
  group: Type.String(),
  port: Type.Integer(),
  /** As entered (`$h1` or an address). */
  source: Nullable(Type.String()),
  /** The address it stood for when the monitor was saved. */
  sourceAddress: Nullable(Type.String()),
  sequence: Nullable(SequenceFieldSchema),
  silenceMs: Nullable(Type.Integer()),
});
export type MonitorGroup = Static<typeof MonitorGroupSchema>;

export const MonitorStateSchema = Type.Union([Type.Literal('running'), Type.Literal('stopped')]);

/** Thresholds as stored and shown: every one set (null: that threshold is off). */
export const MonitorThresholdsOutSchema = Type.Object({
  degradedLossPct: Type.Number(),
  lostLossPct: Type.Number(),
  degradedDelayMs: Nullable(Type.Number()),
  degradedJitterMs: Nullable(Type.Number()),
  joinLatencyMs: Nullable(Type.Number()),
});

export const MonitorSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  state: MonitorStateSchema,
  participants: Type.Array(MonitorParticipantSchema),
  groups: Type.Array(MonitorGroupSchema),
  beaconPps: Type.Number(),
  intervalSeconds: Type.Integer(),
  hopLimit: Type.Integer(),
  thresholds: MonitorThresholdsOutSchema,
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type Monitor = Static<typeof MonitorSchema>;

/** ok, degraded, lost, never-seen (no packet of the source ever reached the receiver), stale (no fresh summary). */
export const CELL_STATES = ['ok', 'degraded', 'lost', 'never-seen', 'stale'] as const;
export type CellState = (typeof CELL_STATES)[number];
export const CellStateSchema = Type.Union([
  Type.Literal('ok'),
  Type.Literal('degraded'),
  Type.Literal('lost'),
  Type.Literal('never-seen'),
  Type.Literal('stale'),
]);

/**
 * The fields of a matrix cell, in order. A group's cells travel as columns, one per field in this order
 * (numbers, or null when unknown), so a matrix of 20,000 cells stays a small document; `matrixCells` turns
 * them back into objects. Times and rates are rounded: ms figures to 1 µs, ratios to 1e-6.
 */
export const MATRIX_FIELDS = [
  /** Index into the group's `sources`. */
  'source',
  /** Index into the group's `receivers`. */
  'receiver',
  /** Index into CELL_STATES. */
  'state',
  /** When the cell entered its state (ms since the epoch). */
  'since',
  /** Age of the newest summary the cell's figures come from, in seconds. */
  'age',
  'received',
  'lost',
  'duplicates',
  'reordered',
  /** lost / (received + lost) over the interval (1 when the sender sent and nothing arrived). */
  'lossRatio',
  'delayMinMs',
  'delayP50Ms',
  'delayP99Ms',
  'jitterMs',
  'hops',
  /** The last measured join latency (ms), kept until the next (re)join. */
  'joinLatencyMs',
  /** The last measured leave latency (ms). */
  'leaveLatencyMs',
  /** Watches: packets and bits per second, silences, the longest gap (ms) and template mismatches. */
  'pps',
  'bps',
  'silences',
  'maxGapMs',
  'mismatches',
  /** 1 when an operator made the receiver leave. */
  'left',
] as const;
export type MatrixField = (typeof MATRIX_FIELDS)[number];

export const MatrixSourceSchema = Type.Object({
  /** The sending agent's id (beacons) or the source address (watches). */
  id: Type.String(),
  name: Type.String(),
  address: Nullable(Type.String()),
});
export const MatrixReceiverSchema = Type.Object({ id: Type.String(), name: Type.String() });

export const MatrixGroupSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('beacon'), Type.Literal('watch')]),
  mode: Type.Union([Type.Literal('asm'), Type.Literal('ssm')]),
  group: Type.String(),
  port: Type.Integer(),
  source: Nullable(Type.String()),
  sources: Type.Array(MatrixSourceSchema),
  receivers: Type.Array(MatrixReceiverSchema),
  /** How many cells the group has. */
  size: Type.Integer({ minimum: 0 }),
  /**
   * One column per MATRIX_FIELDS entry, in that order: column f holds field f of every cell (`size`
   * values); null when no cell has a value for that field.
   */
  columns: Type.Array(Nullable(Type.Array(Nullable(Type.Number())))),
});
export type MatrixGroup = Static<typeof MatrixGroupSchema>;

export const MatrixSchema = Type.Object({
  monitor: Type.Object({
    id: Type.String(),
    name: Type.String(),
    state: MonitorStateSchema,
    intervalSeconds: Type.Integer(),
  }),
  /** The time the matrix shows: now, or the `at` asked for. */
  at: Type.String(),
  /** Whether `at` was now (live states) or a past time (states from the stored events, figures from history). */
  live: Type.Boolean(),
  /** The newest summary any agent sent for this monitor, and its age in seconds. */
  newestSummaryAt: Nullable(Type.String()),
  newestSummaryAge: Nullable(Type.Number()),
  fields: Type.Array(Type.String()),
  states: Type.Array(Type.String()),
  counts: Type.Record(Type.String(), Type.Integer()),
  groups: Type.Array(MatrixGroupSchema),
  /** Agents' reasons for not running part of the monitor (local policy, missing interface), by agent name. */
  problems: Type.Record(Type.String(), Type.Array(Type.String())),
});
export type Matrix = Static<typeof MatrixSchema>;

export type MatrixCell = { [K in MatrixField]: number | null };

/** Cells given as rows of MATRIX_FIELDS, as a group's `size` and `columns`. */
export function matrixColumns(
  rows: readonly (readonly (number | null)[])[],
): Pick<MatrixGroup, 'size' | 'columns'> {
  const columns = MATRIX_FIELDS.map((_, c) => {
    let any = false;
    const column = rows.map((r) => {
      const v = r[c] ?? null;
      if (v !== null) any = true;
      return v;
    });
    return any ? column : null;
  });
  return { size: rows.length, columns };
}

/** A group's cells as objects keyed by MATRIX_FIELDS, from its columns. */
export function matrixCells(g: Pick<MatrixGroup, 'size' | 'columns'>): MatrixCell[] {
  return Array.from(
    { length: g.size },
    (_, i) => Object.fromEntries(MATRIX_FIELDS.map((f, c) => [f, g.columns[c]?.[i] ?? null])) as MatrixCell,
  );
}

export const MatrixQuerySchema = Type.Object(
  { at: Type.Optional(Type.String({ format: 'date-time' })) },
  { additionalProperties: false },
);

/** A cell: the group, the source (agent id for beacons, address for watches) and the receiving agent. */
export const CellQuerySchema = Type.Object(
  {
    group: Type.String({ minLength: 1, maxLength: 16 }),
    source: Type.String({ minLength: 1, maxLength: 64 }),
    receiver: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);

export const SeriesQuerySchema = Type.Object(
  {
    group: Type.String({ minLength: 1, maxLength: 16 }),
    source: Type.String({ minLength: 1, maxLength: 64 }),
    receiver: Type.String({ minLength: 1, maxLength: 64 }),
    from: Type.String({ format: 'date-time' }),
    to: Type.String({ format: 'date-time' }),
    /** Seconds between points; default: the interval within 48 h of raw history, else a roll-up's. */
    step: Type.Optional(Type.Integer({ minimum: 1, maximum: 31 * 86_400 })),
  },
  { additionalProperties: false },
);

/** The series a cell keeps, as columns. */
export const SERIES_FIELDS = [
  'received',
  'lost',
  'duplicates',
  'reordered',
  'lossRatio',
  'delayMinMs',
  'delayP50Ms',
  'delayP99Ms',
  'jitterMs',
  'hops',
  'joinLatencyMs',
  'pps',
  'bps',
  'silences',
  'maxGapMs',
  'mismatches',
] as const;
export type SeriesField = (typeof SERIES_FIELDS)[number];

export const CellEventSchema = Type.Object({
  at: Type.String(),
  group: Type.String(),
  source: Type.String(),
  receiver: Type.String(),
  from: Nullable(CellStateSchema),
  to: CellStateSchema,
  /** Why, in words: the figures that decided, or whose summaries stopped. */
  reason: Nullable(Type.String()),
});
export type CellEvent = Static<typeof CellEventSchema>;

export const SeriesSchema = Type.Object({
  /** raw: one point per interval; 1m and 1h: roll-ups (sums of counts; min of minima, max of p99s and maxima, mean of p50s and jitters). */
  tier: Type.Union([Type.Literal('raw'), Type.Literal('1m'), Type.Literal('1h')]),
  stepSeconds: Type.Integer(),
  /** Point times (seconds since the epoch, the start of each step). */
  t: Type.Array(Type.Number()),
  series: Type.Record(Type.String(), Type.Array(Nullable(Type.Number()))),
  events: Type.Array(CellEventSchema),
});
export type Series = Static<typeof SeriesSchema>;

export const EventsQuerySchema = Type.Object(
  {
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    receiver: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
  },
  { additionalProperties: false },
);

export const ReceiverParamsSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    agent: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);
