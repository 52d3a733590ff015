// Agents, their sessions and enrolment tokens as the admin API shows them (the agents' own wire
// protocol is @netspotter/shared/agent-protocol).
import Type, { type Static } from 'typebox';
import { HostFactsSchema } from '../agent-protocol/messages.ts';
import { Nullable } from './common.ts';

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
});
export type Agent = Static<typeof AgentSchema>;

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
  Type.Object({ token: Type.String(), fingerprint: Nullable(Type.String()) }),
]);
export type NewEnrolmentToken = Static<typeof NewEnrolmentTokenSchema>;

export const EnrolmentSettingSchema = Type.Object({ blocked: Type.Boolean() });
export const EnrolmentSettingBodySchema = Type.Object(
  { blocked: Type.Boolean() },
  { additionalProperties: false },
);
