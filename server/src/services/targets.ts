// Targets: addresses or ranges to poll, each with the credential to try.
import {
  AddressError,
  parseAddressOrRange,
  targetAddressProblem,
  parseTargetLines,
  type SnmpCredentialInput,
} from '@netspotter/shared';
import type { ImportReport, PublicTarget } from '@netspotter/shared/api';
import { batches } from '../db/batches.ts';
import type { Database } from '../db/connect.ts';
import type { Credential, Target } from '../db/generated/client.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { DomainError, badRequest } from '../domain-errors.ts';
import { audited, type Actor, type Tx } from './audit.ts';
import {
  credentialFingerprint,
  mayUseCredential,
  toPublicCredential,
  upsertCredential,
  validateCredential,
} from './credentials.ts';

export const toPublicTarget = (t: Target & { credential: Credential | null }): PublicTarget => ({
  id: t.id,
  address: t.address,
  port: t.port,
  comment: t.comment,
  credential: t.credential ? toPublicCredential(t.credential) : null,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

export interface TargetInput {
  address: string;
  port?: number;
  comment?: string;
  credentialId?: string;
  credential?: SnmpCredentialInput;
}

function normaliseAddress(address: string, maxRange: number): string {
  try {
    const parsed = parseAddressOrRange(address);
    const problem = targetAddressProblem(parsed);
    if (problem) throw badRequest('address', problem);
    if (parsed.size > BigInt(maxRange)) {
      throw badRequest('address', `range has ${parsed.size} addresses, more than the limit of ${maxRange}`);
    }
    return parsed.text;
  } catch (err) {
    if (err instanceof AddressError) throw badRequest('address', err.message);
    throw err;
  }
}

/** The credential a target gets, checked against who may use it; `foreign`: it belongs to another user. */
async function resolveCredential(
  tx: Tx,
  secrets: SecretBox,
  by: Actor,
  input: Pick<TargetInput, 'credentialId' | 'credential'>,
): Promise<{ id: string; foreign: boolean } | undefined> {
  if (input.credentialId && input.credential)
    throw badRequest('credential', 'give credentialId or credential, not both');
  if (input.credentialId) {
    const c = await tx.credential.findUnique({ where: { id: input.credentialId } });
    if (!c) throw badRequest('credentialId', 'no such credential');
    if (!mayUseCredential(by, c)) throw foreignCredential('credentialId');
    return { id: c.id, foreign: c.ownerId !== (by.id ?? null) };
  }
  if (input.credential) {
    validateCredential(input.credential);
    return {
      id: (await upsertCredential(tx, secrets, input.credential, by)).credential.id,
      foreign: false,
    };
  }
  return undefined;
}

const foreignCredential = (field: string) =>
  new DomainError(
    'forbidden',
    'only an admin may point a credential another user created at an address',
    field,
  );

export async function createTarget(
  db: Database,
  secrets: SecretBox,
  maxRange: number,
  by: Actor,
  input: TargetInput,
) {
  const address = normaliseAddress(input.address, maxRange);
  const port = input.port ?? 161;
  if (await db.prisma.target.findUnique({ where: { address_port: { address, port } } })) {
    throw new DomainError('conflict', `target ${address} port ${port} exists`, 'address');
  }
  return audited(db, by, async (tx, audit) => {
    const credential = await resolveCredential(tx, secrets, by, input);
    const target = await tx.target.create({
      data: { address, port, comment: input.comment ?? null, credentialId: credential?.id ?? null },
      include: { credential: true },
    });
    await audit('create', 'target', target.id, {
      address,
      port,
      ...(credential?.foreign && { foreignCredential: credential.id }),
    });
    return target;
  });
}

export async function updateTarget(
  db: Database,
  secrets: SecretBox,
  maxRange: number,
  by: Actor,
  id: string,
  input: Partial<Omit<TargetInput, 'credentialId'>> & { credentialId?: string | null },
) {
  const existing = await db.prisma.target.findUnique({ where: { id }, include: { credential: true } });
  if (!existing) throw new DomainError('not_found', 'target not found');
  const address = input.address !== undefined ? normaliseAddress(input.address, maxRange) : existing.address;
  const port = input.port ?? existing.port;
  const moved = address !== existing.address || port !== existing.port;
  // Moving a target moves its credential to the new address too.
  const keeps = input.credentialId === undefined && input.credential === undefined;
  if (moved && keeps && existing.credential && !mayUseCredential(by, existing.credential))
    throw foreignCredential('address');
  const twin = await db.prisma.target.findUnique({ where: { address_port: { address, port } } });
  if (twin && twin.id !== id)
    throw new DomainError('conflict', `target ${address} port ${port} exists`, 'address');
  return audited(db, by, async (tx, audit) => {
    const credential =
      input.credentialId === null
        ? null
        : await resolveCredential(tx, secrets, by, {
            credentialId: input.credentialId ?? undefined,
            credential: input.credential,
          });
    const credentialId = credential === null ? null : credential?.id;
    const target = await tx.target.update({
      where: { id },
      data: {
        address,
        port,
        ...(input.comment !== undefined && { comment: input.comment }),
        ...(credentialId !== undefined && { credentialId }),
      },
      include: { credential: true },
    });
    await audit('update', 'target', id, {
      address,
      port,
      ...(credential?.foreign && { foreignCredential: credential.id }),
    });
    return target;
  });
}

export async function deleteTarget(db: Database, by: Actor, id: string) {
  const existing = await db.prisma.target.findUnique({ where: { id } });
  if (!existing) throw new DomainError('not_found', 'target not found');
  await audited(db, by, async (tx, audit) => {
    await tx.target.delete({ where: { id } });
    await audit('delete', 'target', id, { address: existing.address, port: existing.port });
  });
}

/**
 * Imports a pasted target list. With bad lines, nothing is written unless `partial` is set;
 * the bad lines are always listed. Repeated addresses are merged (the last line's credential wins).
 */
export async function importTargets(
  db: Database,
  secrets: SecretBox,
  maxRange: number,
  by: Actor,
  text: string,
  opts: { defaultCommunity?: string; partial?: boolean },
): Promise<ImportReport> {
  const { targets, errors } = parseTargetLines(text, { maxRange, defaultCommunity: opts.defaultCommunity });
  if (errors.length > 0 && !opts.partial) {
    throw new DomainError(
      'invalid_lines',
      `${errors.length} line(s) are invalid, nothing was imported: ${errors.map((e) => `line ${e.line}: ${e.reason}`).join('; ')}`,
      'text',
      { lines: errors },
    );
  }
  const merged = new Map<string, (typeof targets)[number]>();
  for (const t of targets) merged.set(`${t.address.text} ${t.port ?? 161}`, t);
  const report: ImportReport = {
    created: 0,
    updated: 0,
    unchanged: 0,
    duplicates: targets.length - merged.size,
    credentialsCreated: 0,
    errors,
  };
  // A few statements per batch rather than three per line: a 20,000-line list is one short transaction
  // (all or nothing), not 60,000 round trips holding the database.
  const rows = [...merged.values()].map((t) => ({
    address: t.address.text,
    port: t.port ?? 161,
    credential: t.credential,
  }));
  await audited(db, by, async (tx, audit) => {
    const credentialIds = new Map<SnmpCredentialInput, string>();
    const byFingerprint = new Map<string, string>();
    for (const r of rows) {
      if (!r.credential) continue;
      const fp = credentialFingerprint(secrets, r.credential);
      let id = byFingerprint.get(fp);
      if (!id) {
        const u = await upsertCredential(tx, secrets, r.credential, by);
        id = u.credential.id;
        byFingerprint.set(fp, id);
        if (u.created) report.credentialsCreated++;
      }
      credentialIds.set(r.credential, id);
    }
    const existing = new Map<string, { id: string; credentialId: string | null }>();
    for (const chunk of batches(rows)) {
      const found = await tx.target.findMany({
        where: { address: { in: [...new Set(chunk.map((r) => r.address))] } },
        select: { id: true, address: true, port: true, credentialId: true },
      });
      for (const f of found) existing.set(`${f.address} ${f.port}`, f);
    }
    const creates: { address: string; port: number; credentialId: string | null }[] = [];
    const updates = new Map<string, string[]>(); // credential id → target ids moving to it
    for (const r of rows) {
      const credentialId = r.credential ? credentialIds.get(r.credential)! : null;
      const e = existing.get(`${r.address} ${r.port}`);
      if (!e) creates.push({ address: r.address, port: r.port, credentialId });
      else if (credentialId && e.credentialId !== credentialId)
        updates.set(credentialId, [...(updates.get(credentialId) ?? []), e.id]);
      else report.unchanged++;
    }
    for (const chunk of batches(creates))
      report.created += (await tx.target.createMany({ data: chunk })).count;
    for (const [credentialId, ids] of updates)
      for (const chunk of batches(ids))
        report.updated += (
          await tx.target.updateMany({ where: { id: { in: chunk } }, data: { credentialId } })
        ).count;
    await audit('import', 'target', undefined, {
      created: report.created,
      updated: report.updated,
      rejectedLines: errors.map((e) => e.line),
    });
  });
  return report;
}
