// Packet sequences: stored validated and versioned (every change is a new version), compiled against
// the enrolled agents to check them without running.
import { SequenceDefinitionSchema, type SequenceDefinition } from '@netspotter/shared/sequences';
import type { SequenceCheck, SequenceVersion as VersionOut, StoredSequence } from '@netspotter/shared/api';
import type { Database } from '../db/connect.ts';
import type { Prisma, Sequence } from '../db/generated/client.ts';
import { readJson, toJson } from '../db/json-column.ts';
import { conflict, notFound } from '../domain-errors.ts';
import { knownAgents } from '../agents/participants.ts';
import { compileSequence, sequenceLibrary } from '../sequences/compile.ts';
import { audited, type Actor } from './audit.ts';

export const storedDefinition = (json: Prisma.JsonValue): SequenceDefinition =>
  readJson(SequenceDefinitionSchema, json, 'sequence definition');

export const toPublicSequence = (s: Sequence): StoredSequence => ({
  id: s.id,
  name: s.name,
  version: s.version,
  definition: storedDefinition(s.definition),
  createdBy: s.createdBy,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

export const listSequences = (db: Database) => db.prisma.sequence.findMany({ orderBy: { name: 'asc' } });

export async function findSequence(db: Database, id: string): Promise<Sequence> {
  const s = await db.prisma.sequence.findUnique({ where: { id } });
  if (!s) throw notFound('sequence');
  return s;
}

/** Every stored version, newest first. */
export async function sequenceVersions(db: Database, id: string): Promise<VersionOut[]> {
  const s = await findSequence(db, id);
  const rows = await db.prisma.sequenceVersion.findMany({
    where: { sequenceId: s.id },
    orderBy: { version: 'desc' },
  });
  return rows.map((v) => ({
    version: v.version,
    definition: storedDefinition(v.definition),
    createdBy: v.createdBy,
    createdAt: v.createdAt.toISOString(),
  }));
}

/** One stored version of a sequence, or undefined when the sequence or that version is gone. */
export async function sequenceVersion(db: Database, id: string, version?: number) {
  const seq = await db.prisma.sequence.findUnique({ where: { id } });
  if (!seq) return undefined;
  const v = version ?? seq.version;
  const stored = await db.prisma.sequenceVersion.findUnique({
    where: { sequenceId_version: { sequenceId: seq.id, version: v } },
  });
  return { sequence: seq, version: v, definition: stored && storedDefinition(stored.definition) };
}

export async function createSequence(
  db: Database,
  by: Actor,
  name: string,
  definition: SequenceDefinition,
): Promise<Sequence> {
  sequenceLibrary(definition);
  if (await db.prisma.sequence.findUnique({ where: { name } }))
    throw conflict('name', `a sequence named "${name}" exists`);
  const json = toJson(definition);
  return audited(db, by, async (tx, audit) => {
    const s = await tx.sequence.create({
      data: {
        name,
        definition: json,
        createdBy: by.username,
        versions: { create: { version: 1, definition: json, createdBy: by.username } },
      },
    });
    await audit('create', 'sequence', s.id, { name: s.name });
    return s;
  });
}

/** Stores the change as the next version. */
export async function updateSequence(
  db: Database,
  by: Actor,
  id: string,
  change: { name?: string; definition: SequenceDefinition },
): Promise<Sequence> {
  sequenceLibrary(change.definition);
  const old = await findSequence(db, id);
  const json = toJson(change.definition);
  const version = old.version + 1;
  return audited(db, by, async (tx, audit) => {
    const s = await tx.sequence.update({
      where: { id: old.id },
      data: { version, definition: json, ...(change.name && { name: change.name }) },
    });
    await tx.sequenceVersion.create({
      data: { sequenceId: old.id, version, definition: json, createdBy: by.username },
    });
    await audit('update', 'sequence', s.id, { version });
    return s;
  });
}

export async function deleteSequence(db: Database, by: Actor, id: string): Promise<void> {
  const s = await findSequence(db, id);
  await audited(db, by, async (tx, audit) => {
    await tx.sequence.delete({ where: { id: s.id } });
    await audit('delete', 'sequence', s.id, { name: s.name });
  });
}

/** The per-participant plans the sequence compiles into against the agents enrolled now. */
export async function checkSequence(db: Database, id: string): Promise<SequenceCheck> {
  const s = await findSequence(db, id);
  const jobs = compileSequence(storedDefinition(s.definition), await knownAgents(db));
  return { plans: jobs.map((j) => ({ participant: j.participant, agentId: j.agentId, plan: j.plan })) };
}
