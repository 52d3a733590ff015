// Stored sequences and their versions as the API shows them.
import Type, { type Static } from 'typebox';
import { PlanSchema } from '../agent-protocol/plan.ts';
import { SequenceDefinitionSchema } from '../sequences/definition.ts';
import { Nullable } from './common.ts';

export const StoredSequenceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  definition: SequenceDefinitionSchema,
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type StoredSequence = Static<typeof StoredSequenceSchema>;

export const SequenceVersionSchema = Type.Object({
  version: Type.Integer(),
  definition: SequenceDefinitionSchema,
  createdBy: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type SequenceVersion = Static<typeof SequenceVersionSchema>;

const SequenceName = Type.String({ minLength: 1, maxLength: 200 });
export const NewSequenceBodySchema = Type.Object(
  { name: SequenceName, definition: SequenceDefinitionSchema },
  { additionalProperties: false },
);
export const SequenceChangeBodySchema = Type.Object(
  { name: Type.Optional(SequenceName), definition: SequenceDefinitionSchema },
  { additionalProperties: false },
);

/** A sequence compiled against the enrolled agents without running it. */
export const SequenceCheckSchema = Type.Object({
  plans: Type.Array(Type.Object({ participant: Type.String(), agentId: Type.String(), plan: PlanSchema })),
});
export type SequenceCheck = Static<typeof SequenceCheckSchema>;
