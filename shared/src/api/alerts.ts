// Events, alert rules, notification channels, alerts and incidents as the REST API shows them.
import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';
import { GroupTreeSchema } from './multicast.ts';

export const EventKindSchema = Type.Union([
  /** A monitor cell changed state (ok, degraded, lost, never-seen, stale). */
  Type.Literal('cell-state'),
  /** A receiver's join latency was above the monitor's threshold. */
  Type.Literal('join-latency'),
  /** A receiver the expected tree serves got nothing. */
  Type.Literal('receiver-not-served'),
  /** A group's tree changed between snapshots (RPF change, branch added or removed). */
  Type.Literal('tree-change'),
  Type.Literal('device-unreachable'),
  Type.Literal('agent-offline'),
  /** A link added or removed, or a spanning-tree port state changed, between snapshots. */
  Type.Literal('topology-change'),
]);
export type EventKind = Static<typeof EventKindSchema>;

/** raised/cleared: a condition starts or ends on its subject; change: a one-off; note: neither. */
export const EventConditionSchema = Type.Union([
  Type.Literal('raised'),
  Type.Literal('cleared'),
  Type.Literal('change'),
  Type.Literal('note'),
]);
export type EventCondition = Static<typeof EventConditionSchema>;

export const AlertSeveritySchema = Type.Union([
  Type.Literal('critical'),
  Type.Literal('major'),
  Type.Literal('minor'),
  Type.Literal('warning'),
  Type.Literal('info'),
]);
export type AlertSeverity = Static<typeof AlertSeveritySchema>;

export const EventSchema = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  kind: EventKindSchema,
  /** What the event is about: `cell:<monitor>:<cell>`, `agent:<id>`, `device:<id>`, `link:<key>`. */
  subject: Type.String(),
  condition: EventConditionSchema,
  monitorId: Nullable(Type.String()),
  groupId: Nullable(Type.String()),
  deviceId: Nullable(Type.String()),
  agentId: Nullable(Type.String()),
  summary: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type Event = Static<typeof EventSchema>;

export const EventQuerySchema = Type.Object(
  {
    kind: Type.Optional(EventKindSchema),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    monitorId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

const ruleFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  enabled: Type.Boolean(),
  /** The event kinds whose conditions this rule watches. */
  kinds: Type.Array(EventKindSchema, { minItems: 1, maxItems: 7, uniqueItems: true }),
  /** cell-state only: which states count as the condition (default lost, degraded, never-seen). */
  states: Type.Array(
    Type.Union([Type.Literal('lost'), Type.Literal('degraded'), Type.Literal('never-seen')]),
    { minItems: 1, maxItems: 3, uniqueItems: true },
  ),
  monitorId: Nullable(Type.String({ minLength: 1, maxLength: 64 })),
  groupId: Nullable(Type.String({ minLength: 1, maxLength: 16 })),
  deviceId: Nullable(Type.String({ minLength: 1, maxLength: 200 })),
  agentId: Nullable(Type.String({ minLength: 1, maxLength: 64 })),
  /** The condition must hold this long before the alert fires (0: at once). */
  forSeconds: Type.Integer({ minimum: 0, maximum: 86_400 }),
  severity: AlertSeveritySchema,
  /** Channels notified when the alert fires and when it clears. */
  channelIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20, uniqueItems: true }),
};

export const NewAlertRuleBodySchema = Type.Object(
  {
    name: ruleFields.name,
    kinds: ruleFields.kinds,
    enabled: Type.Optional(ruleFields.enabled),
    states: Type.Optional(ruleFields.states),
    monitorId: Type.Optional(ruleFields.monitorId),
    groupId: Type.Optional(ruleFields.groupId),
    deviceId: Type.Optional(ruleFields.deviceId),
    agentId: Type.Optional(ruleFields.agentId),
    forSeconds: Type.Optional(ruleFields.forSeconds),
    severity: Type.Optional(ruleFields.severity),
    channelIds: Type.Optional(ruleFields.channelIds),
  },
  { additionalProperties: false },
);
export type NewAlertRuleBody = Static<typeof NewAlertRuleBodySchema>;

export const AlertRuleChangeBodySchema = Type.Partial(NewAlertRuleBodySchema);
export type AlertRuleChangeBody = Static<typeof AlertRuleChangeBodySchema>;

export const AlertRuleSchema = Type.Object({
  id: Type.String(),
  ...ruleFields,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type AlertRule = Static<typeof AlertRuleSchema>;

export const SyslogTransportSchema = Type.Union([
  Type.Literal('udp'),
  Type.Literal('tcp'),
  Type.Literal('tls'),
]);

export const WebhookConfigSchema = Type.Object(
  {
    /** http(s) only; credentials or tokens in it are kept secret and shown masked. */
    url: Type.String({ minLength: 8, maxLength: 2000 }),
    /** HMAC-SHA256 key for the `x-netspotter-signature` header (write-only). */
    secret: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const SyslogConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    transport: Type.Optional(SyslogTransportSchema),
    facility: Type.Optional(
      Type.Union(
        ['daemon', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'].map((f) =>
          Type.Literal(f),
        ),
      ),
    ),
    /** TLS: a PEM CA to trust besides the system's (for a private syslog server). */
    ca: Type.Optional(Type.String({ minLength: 1, maxLength: 20_000 })),
  },
  { additionalProperties: false },
);

export const NewChannelBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Union([Type.Literal('webhook'), Type.Literal('syslog')]),
    enabled: Type.Optional(Type.Boolean()),
    /** kind webhook only. */
    webhook: Type.Optional(WebhookConfigSchema),
    /** kind syslog only. */
    syslog: Type.Optional(SyslogConfigSchema),
  },
  { additionalProperties: false },
);
export type NewChannelBody = Static<typeof NewChannelBodySchema>;

export const ChannelSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('webhook'), Type.Literal('syslog')]),
  enabled: Type.Boolean(),
  /** webhook: the URL with its secrets masked, and whether it signs. */
  webhook: Type.Optional(Type.Object({ url: Type.String(), signed: Type.Boolean() })),
  syslog: Type.Optional(
    Type.Object({
      host: Type.String(),
      port: Type.Integer(),
      transport: SyslogTransportSchema,
      facility: Type.String(),
    }),
  ),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Channel = Static<typeof ChannelSchema>;

export const AlertStateSchema = Type.Union([Type.Literal('firing'), Type.Literal('resolved')]);

export const AlertSchema = Type.Object({
  id: Type.String(),
  ruleId: Nullable(Type.String()),
  ruleName: Type.String(),
  subject: Type.String(),
  kind: EventKindSchema,
  severity: AlertSeveritySchema,
  state: AlertStateSchema,
  /** A one-off change (a failover, a tree or topology change): notified, never an outage. */
  change: Type.Boolean(),
  /** Not notified: why (the upstream device known unreachable). */
  suppressedBy: Nullable(Type.String()),
  summary: Type.String(),
  since: Type.String({ format: 'date-time' }),
  firedAt: Type.String({ format: 'date-time' }),
  resolvedAt: Nullable(Type.String({ format: 'date-time' })),
  resolvedBy: Nullable(Type.String()),
  acknowledgedAt: Nullable(Type.String({ format: 'date-time' })),
  acknowledgedBy: Nullable(Type.String()),
  incidentId: Type.String(),
});
export type Alert = Static<typeof AlertSchema>;

export const AlertQuerySchema = Type.Object(
  {
    state: Type.Optional(AlertStateSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

export const SuspectSchema = Type.Object({
  device: Type.String(),
  point: Type.Union([Type.Literal('in'), Type.Literal('out')]),
  interface: Type.Optional(Type.String()),
  upstream: Type.Optional(Type.String()),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  receivers: Type.Array(Type.String()),
  evidence: Type.Array(Type.String()),
});

export const LocalisationSchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  suspects: Type.Array(SuspectSchema),
  undecided: Type.Array(Type.Object({ receiver: Type.String(), reason: Type.String() })),
});

/** A group's trees as the newest snapshot held them when an alert fired. */
export const IncidentTreeSchema = Type.Object({
  snapshotTakenAt: Type.String({ format: 'date-time' }),
  trees: Type.Array(GroupTreeSchema),
});

export const IncidentSchema = Type.Object({
  id: Type.String(),
  alert: AlertSchema,
  openedAt: Type.String({ format: 'date-time' }),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
  /** The alert's events and transitions in time order. */
  timeline: Type.Array(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      what: Type.String(),
      eventId: Type.Optional(Type.String()),
    }),
  ),
  affectedCells: Type.Array(
    Type.Object({ monitorId: Type.String(), cellNo: Type.Integer(), state: Type.String() }),
  ),
  localisation: Nullable(LocalisationSchema),
  /** The group's expected trees when the alert fired (null: no tree known). */
  tree: Nullable(IncidentTreeSchema),
});
export type Incident = Static<typeof IncidentSchema>;
