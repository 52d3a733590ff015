// Users, roles, sessions and API tokens as the API shows them.
import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';

export const RoleSchema = Type.Union([
  Type.Literal('admin'),
  Type.Literal('operator'),
  Type.Literal('viewer'),
]);
export type Role = Static<typeof RoleSchema>;

/** Who is calling, and how (session cookie or bearer token). */
export const MeSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleSchema,
  via: Type.String(),
});
export type Me = Static<typeof MeSchema>;

export const LoginBodySchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: RoleSchema,
  disabled: Type.Boolean(),
  createdAt: Type.String(),
});
export type User = Static<typeof UserSchema>;

export const ApiTokenSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  username: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String(),
  expiresAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
  lastUsedAt: Nullable(Type.String()),
});
export type ApiToken = Static<typeof ApiTokenSchema>;

export const NewApiTokenBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

export const AuditEventSchema = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  entity: Type.String(),
  entityId: Nullable(Type.String()),
  /** The name of what entityId points at (its name now, or the one recorded when it was deleted). */
  entityName: Type.Optional(Type.String()),
  details: Type.Unknown(),
});
export type AuditEvent = Static<typeof AuditEventSchema>;
