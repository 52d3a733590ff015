// User message templates, versioned, on top of the built-in library of the shared packet model.
import {
  builtinLibrary,
  builtinTemplates,
  templateIssues,
  TemplateSchema,
  type TemplateDef,
  type TemplateLibrary,
} from '@netspotter/shared';
import type { Database } from '../db/connect.ts';
import { readJson, toJson } from '../db/json-column.ts';
import type { Prisma } from '../db/generated/client.ts';
import { DomainError } from '../domain-errors.ts';
import { audited, type Actor } from './audit.ts';

const BUILTIN_NAMES = new Set(builtinTemplates.map((t) => t.name));

/** A stored version's definition. */
export const storedDefinition = (json: Prisma.JsonValue): TemplateDef =>
  readJson(TemplateSchema, json, 'template definition');

/** The library a message is encoded with: built-ins plus the latest version of every user template. */
export async function currentLibrary(db: Database): Promise<TemplateLibrary> {
  const rows = await db.prisma.messageTemplate.findMany({
    include: { versions: { orderBy: { version: 'desc' }, take: 1 } },
  });
  return builtinLibrary().with(
    rows.flatMap((r) => (r.versions[0] ? [storedDefinition(r.versions[0].definition)] : [])),
  );
}

/** Refuses a definition with problems: 400 naming the first field path, listing them all. */
async function checkDefinition(db: Database, def: TemplateDef): Promise<void> {
  const issues = templateIssues(await currentLibrary(db), def);
  if (issues.length === 0) return;
  const first = issues[0]!;
  const field = first.path ? `definition.${first.path}` : 'definition';
  throw new DomainError('invalid_template', `${field}: ${first.message}`, field, { issues });
}

export async function createTemplate(db: Database, by: Actor, def: TemplateDef) {
  if (BUILTIN_NAMES.has(def.name))
    throw new DomainError(
      'conflict',
      `"${def.name}" is a built-in template; extend it under another name`,
      'definition.name',
    );
  if (await db.prisma.messageTemplate.findUnique({ where: { name: def.name } })) {
    throw new DomainError(
      'conflict',
      `template "${def.name}" exists; save a new version with PUT`,
      'definition.name',
    );
  }
  await checkDefinition(db, def);
  await audited(db, by, async (tx, audit) => {
    const created = await tx.messageTemplate.create({
      data: {
        name: def.name,
        latest: 1,
        createdBy: by.username,
        versions: {
          create: {
            version: 1,
            definition: toJson({ ...def, version: 1 }),
            createdBy: by.username,
          },
        },
      },
    });
    await audit('create', 'template', created.id, { name: def.name, version: 1 });
  });
  return { name: def.name, version: 1 };
}

export async function saveTemplateVersion(db: Database, by: Actor, name: string, def: TemplateDef) {
  if (def.name !== name)
    throw new DomainError(
      'bad_request',
      `definition.name: must stay "${name}" (create a new template to rename)`,
      'definition.name',
    );
  const existing = await db.prisma.messageTemplate.findUnique({ where: { name } });
  if (!existing) throw new DomainError('not_found', `template "${name}" not found`);
  await checkDefinition(db, def);
  const version = existing.latest + 1;
  // The version bump and the new row commit together, so concurrent saves never share a number.
  await audited(db, by, async (tx, audit) => {
    await tx.messageTemplate.update({
      where: { id: existing.id, latest: existing.latest },
      data: { latest: version },
    });
    await tx.messageTemplateVersion.create({
      data: {
        templateId: existing.id,
        version,
        definition: toJson({ ...def, version }),
        createdBy: by.username,
      },
    });
    await audit('update', 'template', existing.id, { name, version });
  });
  return { name, version };
}

/** A template's definition: a built-in, or a user template at a version (default the latest). */
export async function getTemplate(db: Database, name: string, version?: number) {
  const builtin = builtinTemplates.find((t) => t.name === name);
  if (builtin) {
    if (version !== undefined)
      throw new DomainError('bad_request', 'version: built-in templates have no versions', 'version');
    return { name, builtin: true, version: null, definition: builtin, createdAt: null, createdBy: null };
  }
  const t = await db.prisma.messageTemplate.findUnique({ where: { name } });
  if (!t) throw new DomainError('not_found', `template "${name}" not found`);
  const v = await db.prisma.messageTemplateVersion.findUnique({
    where: { templateId_version: { templateId: t.id, version: version ?? t.latest } },
  });
  if (!v) throw new DomainError('not_found', `template "${name}" has no version ${version}`);
  return {
    name,
    builtin: false,
    version: v.version,
    definition: storedDefinition(v.definition),
    createdAt: v.createdAt.toISOString(),
    createdBy: v.createdBy,
  };
}
