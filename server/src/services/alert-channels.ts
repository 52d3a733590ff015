// Notification channels: checked (webhooks http(s) only, syslog hosts that resolve), their secrets sealed
// (a webhook's URL and signing key), shown masked, audited; and the sender of each.
import type { Channel as ChannelOut, NewChannelBody } from '@netspotter/shared/api';
import { Type } from 'typebox';
import type { Database } from '../db/connect.ts';
import type { AlertChannel } from '../db/generated/client.ts';
import { readJson, toJson } from '../db/json-column.ts';
import { badRequest, notFound } from '../domain-errors.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { audited, type Actor } from './audit.ts';
import { checkWebhookUrl, maskUrl, postWebhook } from '../alerts/webhook.ts';
import { DEFAULT_PORT, resolveSyslogHost, sendSyslog } from '../alerts/syslog-send.ts';
import type { Facility } from '../alerts/syslog-format.ts';
import type { Notification } from '../alerts/notification.ts';

const PublicConfigSchema = Type.Object({
  webhook: Type.Optional(Type.Object({ url: Type.String(), signed: Type.Boolean() })),
  syslog: Type.Optional(
    Type.Object({
      host: Type.String(),
      port: Type.Integer(),
      transport: Type.Union([Type.Literal('udp'), Type.Literal('tcp'), Type.Literal('tls')]),
      facility: Type.String(),
    }),
  ),
});
const SealedSchema = Type.Object({
  url: Type.Optional(Type.String()),
  secret: Type.Optional(Type.String()),
  ca: Type.Optional(Type.String()),
});

export function toPublicChannel(c: AlertChannel): ChannelOut {
  const config = readJson(PublicConfigSchema, c.config, 'alert_channels.config');
  return {
    id: c.id,
    name: c.name,
    kind: c.kind as ChannelOut['kind'],
    enabled: c.enabled,
    ...config,
    createdAt: c.createdAt.toISOString(),
  };
}

export const listChannels = (db: Database) => db.prisma.alertChannel.findMany({ orderBy: { name: 'asc' } });

export async function createChannel(db: Database, secrets: SecretBox, by: Actor, input: NewChannelBody) {
  const other = input.kind === 'webhook' ? 'syslog' : 'webhook';
  if (input[other]) throw badRequest(other, `a ${input.kind} channel takes no ${other} settings`);
  let config: object;
  let sealed: object | undefined;
  if (input.kind === 'webhook') {
    if (!input.webhook) throw badRequest('webhook', 'a webhook channel needs webhook.url');
    checkWebhookUrl(input.webhook.url);
    config = { webhook: { url: maskUrl(input.webhook.url), signed: input.webhook.secret !== undefined } };
    sealed = { url: input.webhook.url, ...(input.webhook.secret && { secret: input.webhook.secret }) };
  } else {
    const s = input.syslog;
    if (!s) throw badRequest('syslog', 'a syslog channel needs syslog.host');
    const transport = s.transport ?? 'udp';
    if (s.ca && transport !== 'tls') throw badRequest('syslog.ca', 'a CA is for the tls transport only');
    await resolveSyslogHost(s.host);
    config = {
      syslog: {
        host: s.host,
        port: s.port ?? DEFAULT_PORT[transport],
        transport,
        facility: s.facility ?? 'daemon',
      },
    };
    sealed = s.ca ? { ca: s.ca } : undefined;
  }
  if (await db.prisma.alertChannel.findUnique({ where: { name: input.name } }))
    throw badRequest('name', `a channel named "${input.name}" exists`);
  return audited(db, by, async (tx, audit) => {
    const c = await tx.alertChannel.create({
      data: {
        name: input.name,
        kind: input.kind,
        enabled: input.enabled ?? true,
        config: toJson(config),
        secretEnc: sealed ? secrets.encrypt(JSON.stringify(sealed)) : null,
      },
    });
    await audit('create', 'alert-channel', c.id, { name: c.name, kind: c.kind, ...config });
    return c;
  });
}

export async function deleteChannel(db: Database, by: Actor, id: string) {
  const c = await db.prisma.alertChannel.findUnique({ where: { id } });
  if (!c) throw notFound('channel');
  await audited(db, by, async (tx, audit) => {
    await tx.alertChannel.delete({ where: { id } });
    await audit('delete', 'alert-channel', id, { name: c.name });
  });
}

/** What a channel sends: the masked target for logs, and one try at sending a notification. */
export function channelSender(
  secrets: SecretBox,
  c: AlertChannel,
): { target: string; send(n: Notification): Promise<void> } {
  const pub = toPublicChannel(c);
  const sealed = c.secretEnc
    ? readJson(
        SealedSchema,
        JSON.parse(secrets.decrypt(c.secretEnc)) as unknown as null,
        'alert_channels.secret_enc',
      )
    : {};
  if (pub.webhook)
    return { target: pub.webhook.url, send: (n) => postWebhook(sealed.url!, n.json, sealed.secret) };
  const s = pub.syslog!;
  return {
    target: `${s.host}:${s.port}/${s.transport}`,
    send: (n) => sendSyslog({ ...s, ...(sealed.ca && { ca: sealed.ca }) }, n.syslog(s.facility as Facility)),
  };
}
