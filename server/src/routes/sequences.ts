// Packet sequences: stored validated and versioned (every change is a new version), and checked
// against the enrolled agents without running them.
import { Type } from 'typebox';
import { definitionProblems } from '@netspotter/shared/sequences';
import {
  NewSequenceBodySchema,
  SequenceChangeBodySchema,
  SequenceCheckSchema,
  SequenceVersionSchema,
  StoredSequenceSchema,
} from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { IdParams, errors } from '../http/schemas.ts';
import { DomainError } from '../domain-errors.ts';
import { actor } from '../http/auth.ts';
import {
  checkSequence,
  createSequence,
  deleteSequence,
  findSequence,
  listSequences,
  sequenceVersions,
  toPublicSequence,
  updateSequence,
} from '../services/sequences.ts';

/**
 * A body the schema refused, worded by the step's own kind: the definition's first problem, or the
 * schema's own error when the definition is fine (the name, say).
 */
function refusal(body: unknown, err: Error): Error {
  const def = (body as { definition?: unknown } | null)?.definition;
  const [problem] = def === undefined ? [] : definitionProblems(def);
  if (!problem) return err;
  const field = `definition.${problem.field}`;
  return new DomainError('validation', `${field}: ${problem.message}`, field);
}

export function sequenceRoutes(app: App, ctx: AppContext) {
  const { db } = ctx;

  app.get('/api/sequences', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['sequences'],
      summary: 'Sequences (latest versions)',
      response: { 200: Type.Array(StoredSequenceSchema), ...errors(401) },
    },
    handler: async () => (await listSequences(db)).map(toPublicSequence),
  });
  app.get('/api/sequences/:id', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['sequences'],
      summary: 'One sequence',
      params: IdParams,
      response: { 200: StoredSequenceSchema, ...errors(401, 404) },
    },
    handler: async (req) => toPublicSequence(await findSequence(db, req.params.id)),
  });
  app.get('/api/sequences/:id/versions', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['sequences'],
      summary: 'Every stored version, newest first',
      params: IdParams,
      response: { 200: Type.Array(SequenceVersionSchema), ...errors(401, 404) },
    },
    handler: async (req) => sequenceVersions(db, req.params.id),
  });
  app.post('/api/sequences', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['sequences'],
      summary: 'Store a sequence (templates and message values are validated)',
      body: NewSequenceBodySchema,
      response: { 201: StoredSequenceSchema, ...errors(400, 401, 403, 409) },
    },
    attachValidation: true,
    handler: async (req, reply) => {
      if (req.validationError) throw refusal(req.body, req.validationError);
      const s = await createSequence(db, actor(req), req.body.name, req.body.definition);
      return reply.status(201).send(toPublicSequence(s));
    },
  });
  app.put('/api/sequences/:id', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['sequences'],
      summary: 'Change a sequence: stores it as the next version',
      params: IdParams,
      body: SequenceChangeBodySchema,
      response: { 200: StoredSequenceSchema, ...errors(400, 401, 403, 404, 409) },
    },
    attachValidation: true,
    handler: async (req) => {
      if (req.validationError) throw refusal(req.body, req.validationError);
      return toPublicSequence(await updateSequence(db, actor(req), req.params.id, req.body));
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
      await deleteSequence(db, actor(req), req.params.id);
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
      response: { 200: SequenceCheckSchema, ...errors(400, 401, 404) },
    },
    handler: async (req) => checkSequence(db, req.params.id),
  });
}
