// Packet sequences: stored validated and versioned (every change is a new version), and checked
// against the enrolled agents without running them.
import { Type } from 'typebox';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import type { Sequence } from '../db/generated/client.ts';
import { IdParams, Nullable, errors } from '../http/schemas.ts';
import { ApiError, conflict, notFound } from '../http/errors.ts';
import { actor } from '../http/auth.ts';
import { audited } from '../services/audit.ts';
import { SequenceDefinitionSchema, type SequenceDefinition } from '../sequences/schema.ts';
import { definitionProblems } from '../sequences/definition-problems.ts';
import { compileSequence, sequenceLibrary } from '../sequences/compile.ts';
import { knownAgents } from '../agents/participants.ts';

const SequenceOut = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  definition: Type.Unknown(),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const Name = Type.String({ minLength: 1, maxLength: 200 });

/**
 * A body the schema refused, worded by the step's own kind: the definition's first problem, or the
 * schema's own error when the definition is fine (the name, say).
 */
function refusal(body: unknown, err: Error): Error {
  const def = (body as { definition?: unknown } | null)?.definition;
  const [problem] = def === undefined ? [] : definitionProblems(def);
  if (!problem) return err;
  const field = `definition.${problem.field}`;
  return new ApiError(400, 'validation', `${field}: ${problem.message}`, field);
}
const toSequence = (s: Sequence) => ({
  ...s,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

export function sequenceRoutes(app: App, ctx: AppContext) {
  const { prisma } = ctx.db;
  const find = async (id: string) => {
    const s = await prisma.sequence.findUnique({ where: { id } });
    if (!s) throw notFound('sequence');
    return s;
  };

  app.get('/api/sequences', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['sequences'],
      summary: 'Sequences (latest versions)',
      response: { 200: Type.Array(SequenceOut), ...errors(401) },
    },
    handler: async () => (await prisma.sequence.findMany({ orderBy: { name: 'asc' } })).map(toSequence),
  });
  app.get('/api/sequences/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['sequences'],
      summary: 'One sequence',
      params: IdParams,
      response: { 200: SequenceOut, ...errors(401, 404) },
    },
    handler: async (req) => toSequence(await find(req.params.id)),
  });
  app.get('/api/sequences/:id/versions', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['sequences'],
      summary: 'Every stored version, newest first',
      params: IdParams,
      response: {
        200: Type.Array(
          Type.Object({
            version: Type.Integer(),
            definition: Type.Unknown(),
            createdBy: Nullable(Type.String()),
            createdAt: Type.String(),
          }),
        ),
        ...errors(401, 404),
      },
    },
    handler: async (req) => {
      const s = await find(req.params.id);
      const rows = await prisma.sequenceVersion.findMany({
        where: { sequenceId: s.id },
        orderBy: { version: 'desc' },
      });
      return rows.map((v) => ({
        version: v.version,
        definition: v.definition,
        createdBy: v.createdBy,
        createdAt: v.createdAt.toISOString(),
      }));
    },
  });
  app.post('/api/sequences', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['sequences'],
      summary: 'Store a sequence (templates and message values are validated)',
      body: Type.Object(
        { name: Name, definition: SequenceDefinitionSchema },
        { additionalProperties: false },
      ),
      response: { 201: SequenceOut, ...errors(400, 401, 403, 409) },
    },
    attachValidation: true,
    handler: async (req, reply) => {
      if (req.validationError) throw refusal(req.body, req.validationError);
      sequenceLibrary(req.body.definition);
      if (await prisma.sequence.findUnique({ where: { name: req.body.name } }))
        throw conflict('name', `a sequence named "${req.body.name}" exists`);
      const me = actor(req);
      const definition = req.body.definition as object;
      const s = await audited(ctx.db, me, async (tx, audit) => {
        const created = await tx.sequence.create({
          data: {
            name: req.body.name,
            definition,
            createdBy: me.username,
            versions: { create: { version: 1, definition, createdBy: me.username } },
          },
        });
        await audit('create', 'sequence', created.id, { name: created.name });
        return created;
      });
      return reply.status(201).send(toSequence(s));
    },
  });
  app.put('/api/sequences/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['sequences'],
      summary: 'Change a sequence: stores it as the next version',
      params: IdParams,
      body: Type.Object(
        { name: Type.Optional(Name), definition: SequenceDefinitionSchema },
        { additionalProperties: false },
      ),
      response: { 200: SequenceOut, ...errors(400, 401, 403, 404, 409) },
    },
    attachValidation: true,
    handler: async (req) => {
      if (req.validationError) throw refusal(req.body, req.validationError);
      sequenceLibrary(req.body.definition);
      const old = await find(req.params.id);
      const me = actor(req);
      const definition = req.body.definition as object;
      const version = old.version + 1;
      const s = await audited(ctx.db, me, async (tx, audit) => {
        const updated = await tx.sequence.update({
          where: { id: old.id },
          data: { version, definition, ...(req.body.name && { name: req.body.name }) },
        });
        await tx.sequenceVersion.create({
          data: { sequenceId: old.id, version, definition, createdBy: me.username },
        });
        await audit('update', 'sequence', updated.id, { version });
        return updated;
      });
      return toSequence(s);
    },
  });
  app.delete('/api/sequences/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['sequences'],
      summary: 'Delete a sequence with its versions',
      params: IdParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404) },
    },
    handler: async (req, reply) => {
      const s = await find(req.params.id);
      await audited(ctx.db, actor(req), async (tx, audit) => {
        await tx.sequence.delete({ where: { id: s.id } });
        await audit('delete', 'sequence', s.id, { name: s.name });
      });
      return reply.status(204).send(null);
    },
  });
  app.post('/api/sequences/:id/check', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['sequences'],
      summary:
        'Compile against the enrolled agents without running: the per-participant plans, or a 400 naming the step',
      params: IdParams,
      response: {
        200: Type.Object({
          plans: Type.Array(
            Type.Object({ participant: Type.String(), agentId: Type.String(), plan: Type.Unknown() }),
          ),
        }),
        ...errors(400, 401, 404),
      },
    },
    handler: async (req) => {
      const s = await find(req.params.id);
      const jobs = compileSequence(s.definition as unknown as SequenceDefinition, await knownAgents(ctx.db));
      return { plans: jobs.map((j) => ({ participant: j.participant, agentId: j.agentId, plan: j.plan })) };
    },
  });
}
