// Targets and SNMP credentials as the API takes and shows them (secrets always masked).
import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';
import { SiteSchema } from '../agent-protocol/remote-polls.ts';

/**
 * The credential as the API accepts it: one flat object, checked in detail by the server so every error names
 * its field.
 */
export const CredentialBodySchema = Type.Object(
  {
    version: Type.Union([Type.Literal('v1'), Type.Literal('v2c'), Type.Literal('v3')]),
    community: Type.Optional(Type.String({ maxLength: 255 })),
    user: Type.Optional(Type.String({ maxLength: 32 })),
    authProtocol: Type.Optional(Type.String({ maxLength: 16 })),
    authKey: Type.Optional(Type.String({ maxLength: 256 })),
    privProtocol: Type.Optional(Type.String({ maxLength: 16 })),
    privKey: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type CredentialBody = Static<typeof CredentialBodySchema>;

export const PublicCredentialSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.Union([Type.Literal('v1'), Type.Literal('v2c'), Type.Literal('v3')]),
  community: Type.Union([Type.String(), Type.Null()], { description: 'masked' }),
  user: Type.Union([Type.String(), Type.Null()]),
  authProtocol: Type.Union([Type.String(), Type.Null()]),
  authKey: Type.Union([Type.String(), Type.Null()], { description: 'masked' }),
  privProtocol: Type.Union([Type.String(), Type.Null()]),
  privKey: Type.Union([Type.String(), Type.Null()], { description: 'masked' }),
  /** How many targets use it (in listings). */
  targets: Type.Optional(Type.Integer()),
});
export type PublicCredential = Static<typeof PublicCredentialSchema>;

const CredentialName = Type.String({ minLength: 1, maxLength: 100 });
export const NewCredentialBodySchema = Type.Object(
  { name: Type.Optional(CredentialName), credential: CredentialBodySchema },
  { additionalProperties: false },
);
export const CredentialChangeBodySchema = Type.Object(
  { name: Type.Optional(CredentialName), credential: Type.Optional(CredentialBodySchema) },
  { additionalProperties: false, minProperties: 1 },
);

export const PublicTargetSchema = Type.Object({
  id: Type.String(),
  address: Type.String(),
  port: Type.Integer(),
  comment: Nullable(Type.String()),
  credential: Nullable(PublicCredentialSchema),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  /** What the newest discovery found here. */
  lastPolledAt: Nullable(Type.String()),
  lastStatus: Nullable(
    Type.String({ description: 'ok, partial, a failure kind (timeout, …), or counts for a range' }),
  ),
  lastSysName: Nullable(Type.String()),
  lastReason: Nullable(Type.String({ description: 'why it could not be polled' })),
  lastPoller: Nullable(
    Type.String({ description: 'who polled it last: "server", or the agents of its site that did' }),
  ),
  site: Nullable(
    Type.String({
      description: 'the site whose agents poll it (remote pollers); null: a server worker polls it',
    }),
  ),
});
export type PublicTarget = Static<typeof PublicTargetSchema>;

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Address = Type.String({ minLength: 1, maxLength: 100 });
const Comment = Type.String({ maxLength: 500 });
export const NewTargetBodySchema = Type.Object(
  {
    address: Address,
    port: Type.Optional(Port),
    comment: Type.Optional(Comment),
    site: Type.Optional(Nullable(SiteSchema)),
    credentialId: Type.Optional(Type.String({ maxLength: 64 })),
    credential: Type.Optional(CredentialBodySchema),
  },
  { additionalProperties: false },
);
export const TargetChangeBodySchema = Type.Object(
  {
    address: Type.Optional(Address),
    port: Type.Optional(Port),
    comment: Type.Optional(Comment),
    site: Type.Optional(Nullable(SiteSchema)),
    credentialId: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
    credential: Type.Optional(CredentialBodySchema),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const LineErrorSchema = Type.Object({ line: Type.Integer(), reason: Type.String() });
export type LineError = Static<typeof LineErrorSchema>;
/** Limits the browser checks a pasted list against before sending it (the server checks the same). */
export const TargetLimitsSchema = Type.Object({ maxTargetRange: Type.Integer() });
export type TargetLimits = Static<typeof TargetLimitsSchema>;

export const ImportBodySchema = Type.Object(
  {
    text: Type.String({ maxLength: 1_000_000 }),
    defaultCommunity: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    /** The site of the targets the list creates: agents of that site poll them. */
    site: Type.Optional(SiteSchema),
  },
  { additionalProperties: false },
);
export const ImportReportSchema = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  /** Lines that repeated an address given earlier in the same text. */
  duplicates: Type.Integer(),
  credentialsCreated: Type.Integer(),
  errors: Type.Array(LineErrorSchema),
});
export type ImportReport = Static<typeof ImportReportSchema>;
/** A refused import: the error body plus every bad line, its number and the reason. */
export const ImportRefusalSchema = Type.Object({
  error: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
  lines: Type.Optional(Type.Array(LineErrorSchema)),
});
