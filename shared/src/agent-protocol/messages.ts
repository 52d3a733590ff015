// Wire format of the agent protocol (agent-initiated HTTPS + JSON), shared by the server routes and the
// agent's client so both validate the same shapes. See agent/README.md, "Protocol".
import Type, { type Static } from 'typebox';
import { EpochMs, Int32 } from '../api/bounds.ts';
import { PlanSchema } from './plan.ts';
import { MonitorAssignmentsSchema } from './monitors.ts';
import { UpdateOfferSchema, UpdateReportSchema } from './updates.ts';

export const PROTOCOL_VERSION = 1;
/**
 * Liveness by heartbeats missed (results count as beats): an agent is suspect after 3, offline (lost) after
 * 6.
 */
export const SUSPECT_AFTER_BEATS = 3;
export const OFFLINE_AFTER_BEATS = 6;
/** Longest a lease request may wait for a job (long-poll), in ms. */
export const MAX_LEASE_WAIT_MS = 30_000;

const Str = (max = 200) => Type.String({ minLength: 1, maxLength: max });
/** Server − agent clock: a clock decades off is broken, and the offset must keep shifted times storable. */
export const MAX_CLOCK_OFFSET_MS = 1e12;

export const HostInterfaceSchema = Type.Object(
  {
    name: Str(64),
    mac: Type.Optional(Type.String({ maxLength: 32 })),
    addresses: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 }),
    internal: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type HostInterface = Static<typeof HostInterfaceSchema>;

export const HostFactsSchema = Type.Object(
  {
    hostname: Str(),
    os: Str(),
    arch: Str(32),
    agentVersion: Str(32),
    interfaces: Type.Array(HostInterfaceSchema, { maxItems: 256 }),
    capabilities: Type.Object(
      { rawPackets: Type.Boolean(), engines: Type.Array(Str(32), { maxItems: 8 }) },
      { additionalProperties: false },
    ),
    /** The engine the agent runs packet jobs with. */
    engine: Str(32),
    /** The local safety policy, for the GUI (the server cannot change it). */
    policy: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
export type HostFacts = Static<typeof HostFactsSchema>;

/** An agent's name, as it enrols (and as install.sh and the agent's config accept it). */
export const AGENT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$';

export const EnrolRequestSchema = Type.Object(
  {
    secret: Str(128),
    name: Type.String({ pattern: AGENT_NAME_PATTERN }),
    facts: HostFactsSchema,
  },
  { additionalProperties: false },
);
export type EnrolRequest = Static<typeof EnrolRequestSchema>;
export const EnrolResponseSchema = Type.Object({
  agentId: Type.String(),
  key: Type.String(),
  heartbeatSeconds: Type.Number(),
});
export type EnrolResponse = Static<typeof EnrolResponseSchema>;

/** A squeezed error event: the first few are sent one by one, then one carrying the repeat count. */
export const AgentEventSchema = Type.Object(
  {
    message: Type.String({ maxLength: 2000 }),
    count: Int32({ minimum: 1 }),
    firstAt: Type.Number(),
    lastAt: Type.Number(),
  },
  { additionalProperties: false },
);
export type AgentEvent = Static<typeof AgentEventSchema>;

export const HeartbeatRequestSchema = Type.Object(
  {
    /** Agent clock when the request left (ms since the epoch). */
    t0: Type.Number(),
    facts: Type.Optional(HostFactsSchema),
    clock: Type.Optional(
      Type.Object(
        {
          offsetMs: Type.Number({ minimum: -MAX_CLOCK_OFFSET_MS, maximum: MAX_CLOCK_OFFSET_MS }),
          rttMs: Type.Number({ minimum: 0, maximum: MAX_CLOCK_OFFSET_MS }),
        },
        { additionalProperties: false },
      ),
    ),
    events: Type.Optional(Type.Array(AgentEventSchema, { maxItems: 100 })),
    /** The revision of the monitor assignments the agent runs (absent: none yet, or an older agent). */
    monitorRevision: Type.Optional(Type.String({ maxLength: 128 })),
    /** Progress of an update the server offered (absent from agents older than updates). */
    update: Type.Optional(UpdateReportSchema),
  },
  { additionalProperties: false },
);
export type HeartbeatRequest = Static<typeof HeartbeatRequestSchema>;
export const HeartbeatResponseSchema = Type.Object({
  /** Server clock on receipt and on reply (ms since the epoch). */
  t1: Type.Number(),
  t2: Type.Number(),
  heartbeatSeconds: Type.Number(),
  /** Jobs of this agent that were cancelled or failed on the server: stop them. */
  stopJobs: Type.Array(Type.String()),
  /** The agent's monitor assignments, sent only when they differ from the revision it named. */
  monitors: Type.Optional(MonitorAssignmentsSchema),
  /** An admin asked this agent to move to another release: fetch, check and install it. */
  update: Type.Optional(UpdateOfferSchema),
  /** The site whose targets this agent polls over SNMP (/api/agent/polls/lease); absent: none. */
  site: Type.Optional(Type.String()),
});
export type HeartbeatResponse = Static<typeof HeartbeatResponseSchema>;

export const LeaseRequestSchema = Type.Object(
  { waitMs: Type.Integer({ minimum: 0, maximum: MAX_LEASE_WAIT_MS }) },
  { additionalProperties: false },
);
export const JobLeaseSchema = Type.Object({
  id: Type.String(),
  runId: Type.String(),
  participant: Type.String(),
  /** Counts from 1; a job re-queued after its agent was lost is leased again with the next attempt. */
  attempt: Type.Integer({ minimum: 1 }),
  plan: PlanSchema,
  /** When every participant starts, on the server clock (ms since the epoch). */
  startAt: Type.Number(),
  /** The job must have its final result uploaded by then, or the server expires it. */
  leaseDeadline: Type.Number(),
});
export type JobLease = Static<typeof JobLeaseSchema>;
export const LeaseResponseSchema = Type.Object({ job: Type.Union([JobLeaseSchema, Type.Null()]) });

export const ResultKind = Type.Union([
  Type.Literal('step'),
  Type.Literal('stream'),
  Type.Literal('series'),
  Type.Literal('event'),
  Type.Literal('barrier'),
  Type.Literal('final'),
]);
/** The data of a `final` result: it closes the job, so it must say how the job ended. */
export const FinalResultSchema = Type.Object({
  ok: Type.Boolean(),
  message: Type.String(),
  clockOffsetMs: Type.Optional(Type.Number({ minimum: -MAX_CLOCK_OFFSET_MS, maximum: MAX_CLOCK_OFFSET_MS })),
  engine: Type.Optional(Type.String()),
  summary: Type.Optional(Type.Unknown()),
});
export type FinalResult = Static<typeof FinalResultSchema>;

export const JobResultSchema = Type.Object(
  {
    /** Chosen by the agent (a UUID) before it is journalled: a replay of the same record is a no-op. */
    id: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
    kind: ResultKind,
    /** Agent clock (ms since the epoch). */
    at: EpochMs(),
    /** The attempt of the lease it was recorded under (absent from agents older than attempts). */
    attempt: Type.Optional(Int32({ minimum: 1 })),
    /**
     * By kind, as @netspotter/shared/results describes it (step outcome, stream totals, series, event,
     * final result; a `final` result must match FinalResultSchema). Stored as sent: the results are the agent's journal, and readers take those of the
     * shape they need.
     */
    data: Type.Unknown(),
  },
  {
    additionalProperties: false,
    if: { properties: { kind: { const: 'final' } } },
    then: { properties: { data: FinalResultSchema } },
  },
);
export type JobResult = Static<typeof JobResultSchema>;

export const UploadRequestSchema = Type.Object(
  { results: Type.Array(JobResultSchema, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export const UploadResponseSchema = Type.Object({
  stored: Type.Integer(),
  duplicates: Type.Integer(),
  jobState: Type.String(),
});
export type UploadResponse = Static<typeof UploadResponseSchema>;

export const BarrierRequestSchema = Type.Object(
  {
    name: Str(64),
    waitMs: Type.Integer({ minimum: 0, maximum: MAX_LEASE_WAIT_MS }),
    attempt: Type.Optional(Int32({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export const BarrierResponseSchema = Type.Object({
  passed: Type.Boolean(),
  arrived: Type.Integer(),
  of: Type.Integer(),
});
