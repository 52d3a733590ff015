// Agent releases on the wire: the version every agent request carries, the update the server offers in
// a heartbeat answer (the SHA-256 it signed off, checked by the agent before anything runs), the
// progress an agent reports back, and the notice an uninstalled agent sends.
import Type, { type Static } from 'typebox';
import { VERSION_PATTERN } from './versions.ts';

/** Every agent request names the agent's release, so the server can refuse outdated ones early. */
export const AGENT_VERSION_HEADER = 'x-netspotter-agent-version';
/** The exit code of an agent that stops to be restarted into a new release (systemd: Restart=always). */
export const EXIT_RESTART_FOR_UPDATE = 75;

export const ReleaseVersionSchema = Type.String({ pattern: VERSION_PATTERN, maxLength: 64 });
/** Architectures as Node names them (process.arch). */
export const ReleaseArchSchema = Type.Union([Type.Literal('x64'), Type.Literal('arm64')]);
export type ReleaseArch = Static<typeof ReleaseArchSchema>;
export const Sha256Schema = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const UpdateOfferSchema = Type.Object({
  version: ReleaseVersionSchema,
  arch: ReleaseArchSchema,
  /** Of the tarball, as the server registered it: a download with any other digest is refused. */
  sha256: Sha256Schema,
  size: Type.Integer({ minimum: 1 }),
  /** Where to download it on this server: /agent/download/VERSION/ARCH. */
  path: Type.String(),
});
export type UpdateOffer = Static<typeof UpdateOfferSchema>;

export const UpdateStateSchema = Type.Union([
  Type.Literal('requested'),
  Type.Literal('downloading'),
  Type.Literal('trial'),
  Type.Literal('restarting'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('rolled-back'),
]);
export type UpdateState = Static<typeof UpdateStateSchema>;

/** What an agent tells the server about an update it works on (heartbeat field `update`). */
export const UpdateReportSchema = Type.Object(
  {
    version: ReleaseVersionSchema,
    state: Type.Union([
      Type.Literal('downloading'),
      Type.Literal('trial'),
      Type.Literal('restarting'),
      Type.Literal('succeeded'),
      Type.Literal('failed'),
      Type.Literal('rolled-back'),
    ]),
    message: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type UpdateReport = Static<typeof UpdateReportSchema>;

export const UninstallRequestSchema = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export type UninstallRequest = Static<typeof UninstallRequestSchema>;

/** The refusal of an agent too old for this server (HTTP 426): the update it should install. */
export const OutdatedAgentSchema = Type.Object({
  error: Type.Literal('agent_outdated'),
  message: Type.String(),
  serverVersion: Type.String(),
  update: Type.Union([UpdateOfferSchema, Type.Null()]),
});
