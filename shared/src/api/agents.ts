// Agents, their sessions and enrolment tokens as the admin API shows them (the agents' own wire
// protocol is @netspotter/shared/agent-protocol).
import Type, { type Static } from 'typebox';
import { HostFactsSchema } from '../agent-protocol/messages.ts';
import { ReleaseVersionSchema, UpdateStateSchema } from '../agent-protocol/updates.ts';
import { SiteSchema } from '../agent-protocol/remote-polls.ts';
import { Nullable } from './common.ts';

/** An update an admin asked for, and how far the agent got with it. */
export const AgentUpdateStatusSchema = Type.Object({
  targetVersion: Type.String(),
  state: UpdateStateSchema,
  message: Nullable(Type.String()),
  requestedAt: Type.String(),
  updatedAt: Type.String(),
});
export type AgentUpdateStatus = Static<typeof AgentUpdateStatusSchema>;

export const AgentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  state: Type.String(),
  hostname: Nullable(Type.String()),
  version: Nullable(Type.String()),
  facts: Nullable(HostFactsSchema),
  lastSeenAt: Nullable(Type.String()),
  lastAddress: Nullable(Type.String()),
  clockOffsetMs: Nullable(Type.Number()),
  clockRttMs: Nullable(Type.Number()),
  disconnectedAt: Nullable(Type.String()),
  enrolledAt: Type.String(),
  /** The last update asked for, or null. */
  update: Nullable(AgentUpdateStatusSchema),
  /** The site whose targets this agent polls over SNMP (a remote poller), or null. */
  site: Nullable(Type.String()),
});
export type Agent = Static<typeof AgentSchema>;

/** What an admin may change on an agent: its site (null: it polls no site). */
export const AgentChangeBodySchema = Type.Object(
  { site: Nullable(SiteSchema) },
  { additionalProperties: false },
);

export const AgentSessionSchema = Type.Object({
  id: Type.String(),
  agentId: Type.String(),
  agentName: Type.String(),
  address: Nullable(Type.String()),
  version: Nullable(Type.String()),
  startedAt: Type.String(),
  lastSeenAt: Type.String(),
  endedAt: Nullable(Type.String()),
  endReason: Nullable(Type.String()),
});
export type AgentSession = Static<typeof AgentSessionSchema>;

export const SessionsQuerySchema = Type.Object(
  {
    agentId: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

export const EnrolmentTokenInfoSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  usedAt: Nullable(Type.String()),
  agentId: Nullable(Type.String()),
});
export type EnrolmentTokenInfo = Static<typeof EnrolmentTokenInfoSchema>;

export const NewEnrolmentTokenBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    ttlMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 24 * 60, default: 60 })),
  },
  { additionalProperties: false },
);
/** A new token: the text to hand to the agent (shown once) and the certificate fingerprint it pins. */
export const NewEnrolmentTokenSchema = Type.Intersect([
  EnrolmentTokenInfoSchema,
  Type.Object({
    token: Type.String(),
    fingerprint: Nullable(Type.String()),
    /** `sha256//BASE64` of the certificate's public key, for `curl --pinnedpubkey` (null without TLS). */
    publicKeyPin: Nullable(Type.String()),
  }),
]);
export type NewEnrolmentToken = Static<typeof NewEnrolmentTokenSchema>;

export const EnrolmentSettingSchema = Type.Object({ blocked: Type.Boolean() });
export const EnrolmentSettingBodySchema = Type.Object(
  { blocked: Type.Boolean() },
  { additionalProperties: false },
);

/** An agent release the server hands out (`npm run build` makes one per architecture). */
export const AgentReleaseSchema = Type.Object({
  version: Type.String(),
  arch: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  registeredAt: Type.String(),
});
export type AgentRelease = Static<typeof AgentReleaseSchema>;

export const AgentReleasesSchema = Type.Object({
  serverVersion: Type.String(),
  /** The newest release of any architecture, which updates install unless told otherwise. */
  latest: Nullable(Type.String()),
  releases: Type.Array(AgentReleaseSchema),
});
export type AgentReleases = Static<typeof AgentReleasesSchema>;

export const AgentUpdateBodySchema = Type.Object(
  {
    /** The agents to update; or `all: true`. */
    agentIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 1000 }),
    ),
    all: Type.Optional(Type.Boolean()),
    /** Default: the newest release. */
    version: Type.Optional(ReleaseVersionSchema),
  },
  { additionalProperties: false },
);
export type AgentUpdateBody = Static<typeof AgentUpdateBodySchema>;

export const AgentUpdateResultSchema = Type.Object({
  version: Type.String(),
  requested: Type.Array(Type.Object({ agentId: Type.String(), name: Type.String() })),
  /** Agents left alone, each with why (already on that version, no release for its architecture…). */
  skipped: Type.Array(Type.Object({ agentId: Type.String(), name: Type.String(), reason: Type.String() })),
});
export type AgentUpdateResult = Static<typeof AgentUpdateResultSchema>;
