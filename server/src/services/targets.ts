// Targets: addresses or ranges to poll, each with the credential to try.
import {
  AddressError,
  parseAddressOrRange,
  targetAddressProblem,
  parseTargetLines,
  type ParsedTargetLines,
  type SnmpCredentialInput,
  type TargetLineOptions,
} from '@netspotter/shared';
import type { ImportReport, PublicTarget } from '@netspotter/shared/api';
import { batches, jsonBatches } from '../db/batches.ts';
import { STEP, mapInSteps } from '../steps.ts';
import type { Database } from '../db/connect.ts';
import type { Credential, Target } from '../db/generated/client.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { DomainError, badRequest } from '../domain-errors.ts';
import { audited, type Actor, type Audit, type Tx } from './audit.ts';
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
  lastPolledAt: t.lastPolledAt?.toISOString() ?? null,
  lastStatus: t.lastStatus,
  lastSysName: t.lastSysName,
  lastReason: t.lastReason,
  lastPoller: t.lastPoller,
  site: t.site,
});

export interface TargetInput {
  address: string;
  port?: number;
  comment?: string;
  /** Null or absent: a server worker polls it; a name: an agent of that site does. */
  site?: string | null;
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
  address: string,
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
      id: (await upsertCredential(tx, secrets, input.credential, by, { autoFor: address })).credential.id,
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
  return audited(db, by, async (tx, audit) => {
    const credential = await resolveCredential(tx, secrets, by, input, address);
    if (await tx.target.findFirst({ where: { address, port, credentialId: credential?.id ?? null } })) {
      throw new DomainError(
        'conflict',
        `target ${address} port ${port} exists${credential ? ' with this credential' : ' without a credential'}`,
        'address',
      );
    }
    const target = await tx.target.create({
      data: {
        address,
        port,
        comment: input.comment ?? null,
        site: input.site ?? null,
        credentialId: credential?.id ?? null,
      },
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
  return audited(db, by, async (tx, audit) => {
    const credential =
      input.credentialId === null
        ? null
        : await resolveCredential(
            tx,
            secrets,
            by,
            { credentialId: input.credentialId ?? undefined, credential: input.credential },
            address,
          );
    const credentialId = credential === null ? null : credential?.id;
    const twin = await tx.target.findFirst({
      where: {
        address,
        port,
        credentialId: credentialId === undefined ? existing.credentialId : credentialId,
      },
    });
    if (twin && twin.id !== id)
      throw new DomainError(
        'conflict',
        `target ${address} port ${port} exists with that credential`,
        'address',
      );
    const target = await tx.target.update({
      where: { id },
      data: {
        address,
        port,
        ...(input.comment !== undefined && { comment: input.comment }),
        ...(input.site !== undefined && { site: input.site }),
        ...(credentialId !== undefined && { credentialId }),
      },
      include: { credential: true },
    });
    await audit('update', 'target', id, {
      address,
      port,
      ...(credential?.foreign && { foreignCredential: credential.id }),
    });
    await removeOrphanCredentials(tx, audit);
    return target;
  });
}

export async function deleteTarget(db: Database, by: Actor, id: string) {
  const existing = await db.prisma.target.findUnique({ where: { id } });
  if (!existing) throw new DomainError('not_found', 'target not found');
  await audited(db, by, async (tx, audit) => {
    await tx.target.delete({ where: { id } });
    await audit('delete', 'target', id, { address: existing.address, port: existing.port });
    await removeOrphanCredentials(tx, audit);
  });
}

/** Credentials made for a list or a target (not named by anyone) go when no target uses them any more. */
export async function removeOrphanCredentials(tx: Tx, audit: Audit): Promise<void> {
  const orphans = await tx.credential.findMany({
    where: { auto: true, targets: { none: {} } },
    select: { id: true, name: true },
  });
  if (orphans.length === 0) return;
  await tx.credential.deleteMany({ where: { id: { in: orphans.map((o) => o.id) } } });
  await audit('delete', 'credential', undefined, {
    unused: orphans.map((o) => o.name),
  });
}

/** A long list parsed in steps of lines: 20,000 lines parsed at once held the event loop for ~200 ms. */
async function parseInSteps(text: string, opts: TargetLineOptions): Promise<ParsedTargetLines> {
  const lines = text.split(/\r?\n/);
  const starts = Array.from({ length: Math.ceil(lines.length / STEP) }, (_, k) => k * STEP);
  const steps = await mapInSteps(
    starts,
    (i) => parseTargetLines(lines.slice(i, i + STEP).join('\n'), { ...opts, firstLine: i + 1 }),
    1,
  );
  return { targets: steps.flatMap((s) => s.targets), errors: steps.flatMap((s) => s.errors) };
}

/**
 * Imports a pasted target list (`ADDRESS[:PORT] …` lines). With bad lines, nothing is written unless
 * `partial` is set; the bad lines are always listed. Lines repeating an address, port and credential are
 * merged; the same address and port with another credential is another target (SNMP proxies and
 * community-indexed contexts answer so), except that a target there without a credential takes it.
 */
export async function importTargets(
  db: Database,
  secrets: SecretBox,
  maxRange: number,
  by: Actor,
  text: string,
  /** `site`: the site of the targets the list creates (their agents poll them). */
  opts: { defaultCommunity?: string; partial?: boolean; site?: string },
): Promise<ImportReport> {
  const { targets, errors } = await parseInSteps(text, {
    maxRange,
    defaultCommunity: opts.defaultCommunity,
    allowPort: true,
  });
  if (errors.length > 0 && !opts.partial) {
    throw new DomainError(
      'invalid_lines',
      `${errors.length} line(s) are invalid, nothing was imported: ${errors.map((e) => `line ${e.line}: ${e.reason}`).join('; ')}`,
      'text',
      { lines: errors },
    );
  }
  // One keyed hash per distinct credential, not per line (a list repeats a few communities many times).
  const fingerprints = new Map<string, string>();
  const fingerprint = (c: SnmpCredentialInput) => {
    const key = JSON.stringify(c);
    let fp = fingerprints.get(key);
    if (fp === undefined) fingerprints.set(key, (fp = credentialFingerprint(secrets, c)));
    return fp;
  };
  const fingerprintOf = (t: (typeof targets)[number]) => (t.credential ? fingerprint(t.credential) : '');
  const merged = new Map<string, (typeof targets)[number]>();
  for (const t of targets) merged.set(`${t.address.text} ${t.port ?? 161} ${fingerprintOf(t)}`, t);
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
      const fp = fingerprint(r.credential);
      let id = byFingerprint.get(fp);
      if (!id) {
        const u = await upsertCredential(tx, secrets, r.credential, by, { autoFor: r.address });
        id = u.credential.id;
        byFingerprint.set(fp, id);
        if (u.created) report.credentialsCreated++;
      }
      credentialIds.set(r.credential, id);
    }
    // Existing targets by address and port: their ids and credentials.
    const existing = new Map<string, { id: string; credentialId: string | null }[]>();
    // The bulk statements are SQL with a JSON text argument: Prisma's query compiler and interpreter
    // spend ~0.1 ms per row of a statement on the event loop (a 20,000-line list held it for seconds).
    for (const chunk of batches(rows)) {
      const found = await tx.$queryRaw<
        { id: string; address: string; port: number; credentialId: string | null }[]
      >`SELECT id, address, port, credential_id AS "credentialId" FROM targets
        WHERE address IN (SELECT jsonb_array_elements_text(${JSON.stringify(chunk.map((r) => r.address))}::jsonb))`;
      for (const f of found)
        existing.set(`${f.address} ${f.port}`, [...(existing.get(`${f.address} ${f.port}`) ?? []), f]);
    }
    const creates: { address: string; port: number; credentialId: string | null }[] = [];
    const updates = new Map<string, string[]>(); // credential id → target ids (without one) taking it
    const taken = new Set<string>();
    for (const r of rows) {
      const credentialId = r.credential ? credentialIds.get(r.credential)! : null;
      const here = existing.get(`${r.address} ${r.port}`) ?? [];
      const bare = here.find((e) => e.credentialId === null && !taken.has(e.id));
      if (here.some((e) => e.credentialId === credentialId)) report.unchanged++;
      else if (credentialId && bare) {
        taken.add(bare.id);
        updates.set(credentialId, [...(updates.get(credentialId) ?? []), bare.id]);
      } else creates.push({ address: r.address, port: r.port, credentialId });
    }
    for (const chunk of jsonBatches(creates))
      report.created +=
        await tx.$executeRaw`INSERT INTO targets (id, address, port, credential_id, site, created_at, updated_at)
        SELECT gen_random_uuid()::text, t->>'address', (t->>'port')::int, t->>'credentialId', ${opts.site ?? null}::text,
          now(), now()
        FROM jsonb_array_elements(${chunk}::jsonb) AS t`;
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
