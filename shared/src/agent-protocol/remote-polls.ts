// Remote polling: an agent given a site (by an admin) polls that site's discovery targets over SNMP for the
// server. It long-polls for one device at a time; the lease carries the device's credential in clear — only
// over TLS, only for that poll — and the agent uploads what it collected (the same PolledTarget a server
// worker produces), which the server stores as its own worker would.
import Type, { type Static } from 'typebox';
import { MAX_LEASE_WAIT_MS } from './messages.ts';

/** A site's name, on targets and agents alike. */
export const SITE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$';
export const SiteSchema = Type.String({ pattern: SITE_PATTERN, maxLength: 63 });

export const RemotePollLeaseRequestSchema = Type.Object(
  { waitMs: Type.Integer({ minimum: 0, maximum: MAX_LEASE_WAIT_MS }) },
  { additionalProperties: false },
);

const Credential = Type.Union([
  Type.Object({ version: Type.Union([Type.Literal('v1'), Type.Literal('v2c')]), community: Type.String() }),
  Type.Object({
    version: Type.Literal('v3'),
    user: Type.String(),
    authProtocol: Type.Optional(
      Type.Union([
        Type.Literal('md5'),
        Type.Literal('sha'),
        Type.Literal('sha224'),
        Type.Literal('sha256'),
        Type.Literal('sha384'),
        Type.Literal('sha512'),
      ]),
    ),
    authKey: Type.Optional(Type.String()),
    privProtocol: Type.Optional(
      Type.Union([
        Type.Literal('des'),
        Type.Literal('aes'),
        Type.Literal('aes256b'),
        Type.Literal('aes256r'),
      ]),
    ),
    privKey: Type.Optional(Type.String()),
  }),
]);

export const RemotePollSchema = Type.Object({
  /** The discovery device's id: the result goes to /api/agent/polls/:id/result. */
  id: Type.String(),
  target: Type.Object({
    address: Type.String(),
    port: Type.Integer(),
    name: Type.Optional(Type.String()),
    credential: Credential,
  }),
  settings: Type.Object({
    timeoutMs: Type.Integer(),
    retries: Type.Integer(),
    bulkBudget: Type.Integer(),
    maxRows: Type.Integer(),
    deviceBudgetMs: Type.Integer(),
    vlanBudget: Type.Integer(),
  }),
  /** Server clock (ms since the epoch): a result uploaded later is refused, the device reported as not polled. */
  deadline: Type.Number(),
});
export type RemotePoll = Static<typeof RemotePollSchema>;
export const RemotePollLeaseResponseSchema = Type.Object({
  poll: Type.Union([RemotePollSchema, Type.Null()]),
});

const Issue = Type.Object({
  table: Type.String({ maxLength: 200 }),
  reason: Type.String({ maxLength: 2000 }),
});
/**
 * What the agent collected: the report line, and the device's facts or why it did not answer. Facts are the
 * collectors' output (shared/src/snmp/facts.ts), checked by the server only for their outer shape.
 */
export const RemotePollResultSchema = Type.Object(
  {
    report: Type.Object({
      target: Type.String({ maxLength: 300 }),
      status: Type.String({ maxLength: 32 }),
      issues: Type.Array(Issue, { maxItems: 10_000 }),
      requests: Type.Optional(Type.Integer({ minimum: 0 })),
      varbinds: Type.Optional(Type.Integer({ minimum: 0 })),
      fdb: Type.Optional(Type.Unknown()),
      ms: Type.Number({ minimum: 0 }),
    }),
    facts: Type.Optional(
      Type.Object({ target: Type.String(), issues: Type.Array(Issue) }, { additionalProperties: true }),
    ),
    unreachable: Type.Optional(
      Type.Object({ target: Type.String({ maxLength: 300 }), reason: Type.String({ maxLength: 2000 }) }),
    ),
  },
  { additionalProperties: false },
);
export type RemotePollResult = Static<typeof RemotePollResultSchema>;
