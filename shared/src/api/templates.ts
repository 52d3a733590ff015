// Message templates and encode/decode previews as the API shows them.
import Type, { type Static } from 'typebox';
import { MessageSchema, TemplateSchema } from '../packet/schema.ts';
import { Nullable } from './common.ts';

export const TemplateNameParamsSchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const TemplateSummarySchema = Type.Object({
  name: Type.String(),
  builtin: Type.Boolean(),
  latest: Nullable(Type.Integer()),
  extends: Nullable(Type.String()),
  description: Nullable(Type.String()),
});
export type TemplateSummary = Static<typeof TemplateSummarySchema>;

export const TemplateDetailSchema = Type.Object({
  name: Type.String(),
  builtin: Type.Boolean(),
  version: Nullable(Type.Integer()),
  definition: TemplateSchema,
  createdAt: Nullable(Type.String()),
  createdBy: Nullable(Type.String()),
});
export type TemplateDetail = Static<typeof TemplateDetailSchema>;

export const TemplateVersionSchema = Type.Object({
  version: Type.Integer(),
  createdAt: Type.String(),
  createdBy: Nullable(Type.String()),
});

export const TemplateBodySchema = Type.Object(
  { definition: TemplateSchema },
  { additionalProperties: false },
);
export const SavedTemplateSchema = Type.Object({ name: Type.String(), version: Type.Integer() });
export type SavedTemplate = Static<typeof SavedTemplateSchema>;

/** A refused message or template: the error body plus every issue by path. */
export const IssuesErrorSchema = Type.Object({
  error: Type.String(),
  message: Type.String(),
  field: Type.Optional(Type.String()),
  issues: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
});

export const EncodeBodySchema = Type.Object({ message: MessageSchema }, { additionalProperties: false });
/** The bytes of a message, with the tree they decode to (64-bit values as decimal strings, bytes as hex). */
export const EncodedSchema = Type.Object({
  hex: Type.String(),
  length: Type.Integer(),
  decoded: Type.Unknown(),
});
export type EncodePreview = Static<typeof EncodedSchema>;

export const DecodeBodySchema = Type.Object(
  {
    hex: Type.String({ minLength: 2, maxLength: 20_000, pattern: '^([0-9a-fA-F]{2}[\\s:]?)+$' }),
    template: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export const DecodedSchema = Type.Object({ message: Type.Unknown() });
