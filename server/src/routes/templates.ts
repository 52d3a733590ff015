// Message templates (built-in and user, versioned) and encode/decode previews.
import { Type } from 'typebox';
import {
  DecodeError,
  MessageError,
  builtinTemplates,
  decode,
  encode,
  type Message,
  type TemplateDef,
} from '@netspotter/shared';
import { Int32 } from '@netspotter/shared/api';
import {
  DecodeBodySchema,
  DecodedSchema,
  EncodeBodySchema,
  EncodedSchema,
  IssuesErrorSchema as Issues,
  SavedTemplateSchema as Saved,
  TemplateBodySchema,
  TemplateDetailSchema as Detail,
  TemplateNameParamsSchema as NameParams,
  TemplateSummarySchema as Summary,
  TemplateVersionSchema,
} from '@netspotter/shared/api';
import type { App } from '../http/app-type.ts';
import type { AppContext } from '../context.ts';
import { errors } from '../http/schemas.ts';
import { DomainError, badRequest } from '../domain-errors.ts';
import { actor } from '../http/auth.ts';
import { audited } from '../services/audit.ts';
import {
  createTemplate,
  currentLibrary,
  getTemplate,
  saveTemplateVersion,
  storedDefinition,
} from '../services/templates.ts';

/** Decoded trees hold bigints (64-bit fields) and bytes; JSON gets decimal strings and hex. */
const toJson = (x: unknown): unknown =>
  JSON.parse(
    JSON.stringify(x, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
    ),
  );

const messageError = (err: unknown): never => {
  if (err instanceof MessageError) {
    const first = err.issues[0];
    const field = first?.path ? `message.${first.path}` : 'message';
    throw new DomainError('invalid_message', `${field}: ${first?.message ?? err.message}`, field, {
      issues: err.issues,
    });
  }
  throw err;
};

export function templateRoutes(app: App, ctx: AppContext) {
  app.get('/api/templates', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['templates'],
      summary: 'Built-in and user templates',
      response: { 200: Type.Array(Summary), ...errors(401) },
    },
    handler: async () => {
      const users = await ctx.db.prisma.messageTemplate.findMany({
        orderBy: { name: 'asc' },
        include: { versions: { orderBy: { version: 'desc' }, take: 1 } },
      });
      const summary = (d: TemplateDef, builtin: boolean, latest: number | null) => ({
        name: d.name,
        builtin,
        latest,
        extends: d.extends ?? null,
        description: d.description ?? null,
      });
      return [
        ...builtinTemplates.map((d) => summary(d, true, null)),
        ...users.map((u) => summary(storedDefinition(u.versions[0]!.definition), false, u.latest)),
      ];
    },
  });
  app.get('/api/templates/:name', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['templates'],
      summary: 'One template’s definition (user templates: the latest or a given version)',
      params: NameParams,
      querystring: Type.Object(
        { version: Type.Optional(Int32({ minimum: 1 })) },
        { additionalProperties: false },
      ),
      response: { 200: Detail, ...errors(400, 401, 404) },
    },
    handler: async (req) => getTemplate(ctx.db, req.params.name, req.query.version),
  });
  app.get('/api/templates/:name/versions', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['templates'],
      summary: 'The versions of a user template',
      params: NameParams,
      response: {
        200: Type.Array(TemplateVersionSchema),
        ...errors(401, 404),
      },
    },
    handler: async (req) => {
      const t = await ctx.db.prisma.messageTemplate.findUnique({
        where: { name: req.params.name },
        include: {
          versions: {
            orderBy: { version: 'asc' },
            select: { version: true, createdAt: true, createdBy: true },
          },
        },
      });
      if (!t) throw new DomainError('not_found', `template "${req.params.name}" not found`);
      return t.versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() }));
    },
  });
  app.post('/api/templates', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['templates'],
      summary: 'Create a user template (version 1)',
      body: TemplateBodySchema,
      response: { 201: Saved, 400: Issues, ...errors(401, 403, 409) },
    },
    handler: async (req, reply) =>
      reply.status(201).send(await createTemplate(ctx.db, actor(req), req.body.definition)),
  });
  app.put('/api/templates/:name', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['templates'],
      summary: 'Save a new version of a user template (earlier versions stay readable)',
      params: NameParams,
      body: TemplateBodySchema,
      response: { 200: Saved, 400: Issues, ...errors(401, 403, 404) },
    },
    handler: async (req) => saveTemplateVersion(ctx.db, actor(req), req.params.name, req.body.definition),
  });
  app.delete('/api/templates/:name', {
    config: { minRole: 'operator' },
    schema: {
      tags: ['templates'],
      summary: 'Delete a user template and its versions',
      params: NameParams,
      response: { 204: Type.Null(), ...errors(401, 403, 404) },
    },
    handler: async (req, reply) => {
      const t = await ctx.db.prisma.messageTemplate.findUnique({ where: { name: req.params.name } });
      if (!t) throw new DomainError('not_found', `template "${req.params.name}" not found`);
      await audited(ctx.db, actor(req), async (tx, audit) => {
        await tx.messageTemplate.delete({ where: { id: t.id } });
        await audit('delete', 'template', t.id, { name: t.name });
      });
      return reply.status(204).send(null);
    },
  });
  app.post('/api/frames/encode', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['templates'],
      summary: 'Encode a message to bytes (the same encoder the agents use), with its decoded tree',
      body: EncodeBodySchema,
      response: { 200: EncodedSchema, 400: Issues, ...errors(401) },
    },
    handler: async (req) => {
      const lib = await currentLibrary(ctx.db);
      let bytes: Uint8Array;
      try {
        bytes = encode(lib, req.body.message as Message);
      } catch (err) {
        return messageError(err);
      }
      return {
        hex: Buffer.from(bytes).toString('hex'),
        length: bytes.length,
        decoded: toJson(decode(lib, bytes, { template: req.body.message.template })),
      };
    },
  });
  app.post('/api/frames/decode', {
    config: { minRole: 'viewer' },
    schema: {
      tags: ['templates'],
      summary: 'Decode bytes (hex) against a template, or from Ethernet walking the built-in dispatch',
      body: DecodeBodySchema,
      response: { 200: DecodedSchema, ...errors(400, 401) },
    },
    handler: async (req) => {
      const bytes = Buffer.from(req.body.hex.replace(/[\s:]/g, ''), 'hex');
      try {
        return {
          message: toJson(
            decode(
              await currentLibrary(ctx.db),
              bytes,
              req.body.template ? { template: req.body.template } : {},
            ),
          ),
        };
      } catch (err) {
        if (err instanceof DecodeError) throw badRequest('hex', err.message);
        throw err;
      }
    },
  });
}
