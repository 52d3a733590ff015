// SNMP credentials: encrypted at rest, merged by a keyed fingerprint, never returned in clear.
import { checkV3, type SnmpCredentialInput } from '@netspotter/shared';
import type { PublicCredential } from '@netspotter/shared/api';
import type { Database } from '../db/connect.ts';
import type { Credential, Prisma } from '../db/generated/client.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { DomainError, badRequest } from '../domain-errors.ts';
import { audited, type Actor } from './audit.ts';
import { MASK } from '@netspotter/shared/snmp/redact';

export { MASK };

export function toPublicCredential(c: Credential & { _count?: { targets: number } }): PublicCredential {
  return {
    id: c.id,
    name: c.name,
    version: c.version,
    community: c.communityEnc ? MASK : null,
    user: c.v3User,
    authProtocol: c.authProtocol,
    authKey: c.authKeyEnc ? MASK : null,
    privProtocol: c.privProtocol,
    privKey: c.privKeyEnc ? MASK : null,
    ...(c._count && { targets: c._count.targets }),
  };
}

export function validateCredential(input: SnmpCredentialInput, fieldPrefix = 'credential'): void {
  if (input.version === 'v3') {
    const [problem] = checkV3(input);
    if (problem) throw badRequest(`${fieldPrefix}.${problem[0]}`, problem[1]);
  } else if (!/^[\x20-\x7e]{1,255}$/.test(input.community)) {
    throw badRequest(`${fieldPrefix}.community`, 'must be 1-255 printable characters');
  }
}

export function credentialFingerprint(secrets: SecretBox, c: SnmpCredentialInput): string {
  return c.version === 'v3'
    ? secrets.fingerprint(
        'v3',
        c.user,
        c.authProtocol ?? '',
        c.authKey ?? '',
        c.privProtocol ?? '',
        c.privKey ?? '',
      )
    : secrets.fingerprint(c.version, c.community);
}

function sealed(secrets: SecretBox, c: SnmpCredentialInput) {
  const seal = (s?: string) => (s === undefined ? null : secrets.encrypt(s));
  return c.version === 'v3'
    ? {
        version: c.version,
        communityEnc: null,
        v3User: c.user,
        authProtocol: c.authProtocol ?? null,
        authKeyEnc: seal(c.authKey),
        privProtocol: c.privProtocol ?? null,
        privKeyEnc: seal(c.privKey),
      }
    : {
        version: c.version,
        communityEnc: seal(c.community),
        v3User: null,
        authProtocol: null,
        authKeyEnc: null,
        privProtocol: null,
        privKeyEnc: null,
      };
}

/** A credential nobody named: its kind and the first address it was given for (never the secret). */
const defaultName = (c: SnmpCredentialInput, fp: string, autoFor?: string) =>
  c.version === 'v3'
    ? `v3 ${c.user}${autoFor ? ` for ${autoFor}` : ''}`
    : autoFor
      ? `${c.version} for ${autoFor}`
      : `${c.version} #${fp.slice(0, 6)}`;

/** `base`, or `base #2`, `#3`… when the owner already has one by that name (two communities for one address). */
async function freeName(tx: Prisma.TransactionClient, base: string, ownerId: string | null): Promise<string> {
  const taken = new Set(
    (
      await tx.credential.findMany({ where: { ownerId, name: { startsWith: base } }, select: { name: true } })
    ).map((c) => c.name),
  );
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base} #${n}`;
  return name;
}

/**
 * Who may point a stored credential at an address (attach it to a target, move its target, follow
 * neighbours with it): its owner, and admins (the server's own command line acts as one). Anyone else
 * could send the secret to an address they control and read it there.
 */
export function mayUseCredential(by: Actor, c: Pick<Credential, 'ownerId'>): boolean {
  return by.role === undefined || by.role === 'admin' || (by.id !== undefined && c.ownerId === by.id);
}

/**
 * Finds the owner's identical credential or creates it. Used by single creates and bulk imports alike.
 * Only the owner's own credentials are merged: matching another user's would confirm their secret.
 */
export async function upsertCredential(
  tx: Prisma.TransactionClient,
  secrets: SecretBox,
  input: SnmpCredentialInput,
  owner: Actor,
  /** `name`: the user's; `autoFor`: made for this address's target (named after it, removed when unused). */
  opts: { name?: string; autoFor?: string } = {},
): Promise<{ credential: Credential; created: boolean }> {
  const fingerprint = credentialFingerprint(secrets, input);
  const ownerId = owner.id ?? null;
  const existing = await tx.credential.findFirst({ where: { fingerprint, ownerId } });
  if (existing) return { credential: existing, created: false };
  const credential = await tx.credential.create({
    data: {
      name: opts.name ?? (await freeName(tx, defaultName(input, fingerprint, opts.autoFor), ownerId)),
      auto: opts.name === undefined && opts.autoFor !== undefined,
      fingerprint,
      ownerId,
      ...sealed(secrets, input),
    },
  });
  return { credential, created: true };
}

export async function createCredential(
  db: Database,
  secrets: SecretBox,
  by: Actor,
  input: SnmpCredentialInput,
  name?: string,
) {
  validateCredential(input);
  return audited(db, by, async (tx, audit) => {
    const { credential, created } = await upsertCredential(
      tx,
      secrets,
      input,
      by,
      name === undefined ? {} : { name },
    );
    if (!created)
      throw new DomainError(
        'conflict',
        `you already have an identical credential (${credential.name})`,
        'credential',
      );
    await audit('create', 'credential', credential.id, {
      name: credential.name,
      version: credential.version,
    });
    return credential;
  });
}

export async function replaceCredentialSecrets(
  db: Database,
  secrets: SecretBox,
  by: Actor,
  id: string,
  change: { name?: string; secret?: SnmpCredentialInput },
) {
  const existing = await db.prisma.credential.findUnique({ where: { id } });
  if (!existing) throw new DomainError('not_found', 'credential not found');
  if (!mayUseCredential(by, existing))
    throw new DomainError('forbidden', 'only its owner or an admin may change a credential', 'id');
  if (change.secret) validateCredential(change.secret);
  const fingerprint = change.secret && credentialFingerprint(secrets, change.secret);
  if (fingerprint) {
    const twin = await db.prisma.credential.findFirst({ where: { fingerprint, ownerId: existing.ownerId } });
    if (twin && twin.id !== id)
      throw new DomainError(
        'conflict',
        `you already have an identical credential (${twin.name})`,
        'credential',
      );
  }
  return audited(db, by, async (tx, audit) => {
    const credential = await tx.credential.update({
      where: { id },
      data: {
        ...(change.name && { name: change.name }),
        ...(change.secret && fingerprint && { fingerprint, ...sealed(secrets, change.secret) }),
      },
    });
    await audit('update', 'credential', id, { name: credential.name, secretChanged: Boolean(change.secret) });
    return credential;
  });
}

/** A stored credential's sealed columns: what opening it needs. */
export type SealedCredential = Pick<
  Credential,
  'version' | 'communityEnc' | 'v3User' | 'authProtocol' | 'authKeyEnc' | 'privProtocol' | 'privKeyEnc'
>;

/** The credential in clear, for the poller only (never for an API response or a log line). */
export function openCredential(secrets: SecretBox, c: SealedCredential): SnmpCredentialInput {
  const open = (s: string | null) => (s === null ? undefined : secrets.decrypt(s));
  if (c.version !== 'v3') return { version: c.version, community: open(c.communityEnc) ?? '' };
  return {
    version: 'v3',
    user: c.v3User ?? '',
    ...(c.authProtocol && { authProtocol: c.authProtocol as never, authKey: open(c.authKeyEnc) }),
    ...(c.privProtocol && { privProtocol: c.privProtocol as never, privKey: open(c.privKeyEnc) }),
  };
}
