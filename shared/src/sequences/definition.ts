// A sequence as users store it: participants bound to agents and interfaces, optional user templates
// and address aliases, and steps in global order (the arrows of a sequence diagram).
import { Type, type Static } from 'typebox';
import { MessageSchema, TemplateSchema } from '../packet/index.ts';

const Name = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,31}$' });
const Ms = Type.Integer({ minimum: 0, maximum: 3600_000 });
const Group = Type.String({ minLength: 2, maxLength: 64 });

export const SequenceDefinitionSchema = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    participants: Type.Array(
      Type.Object(
        {
          name: Name,
          agent: Type.String({ minLength: 1, maxLength: 64 }),
          interface: Type.String({ minLength: 1, maxLength: 15 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 64 },
    ),
    /** `$name` in message values and join sources: an address (or a participant's own address / MAC via `$h1`, `$h1.mac`). */
    aliases: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,31}$' }), Type.String({ maxLength: 64 })),
    ),
    templates: Type.Optional(Type.Array(TemplateSchema, { maxItems: 256 })),
    steps: Type.Array(
      Type.Union([
        Type.Object(
          {
            op: Type.Literal('send'),
            from: Name,
            message: MessageSchema,
            count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
            intervalMs: Type.Optional(Ms),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            op: Type.Union([Type.Literal('expect'), Type.Literal('expect-none')]),
            at: Name,
            message: MessageSchema,
            count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
            timeoutMs: Type.Optional(Ms),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            op: Type.Union([Type.Literal('join'), Type.Literal('leave')]),
            at: Name,
            group: Group,
            source: Type.Optional(Type.String({ minLength: 2, maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          { op: Type.Literal('wait'), ms: Ms, at: Type.Optional(Name) },
          { additionalProperties: false },
        ),
        Type.Object(
          { op: Type.Literal('barrier'), timeoutMs: Type.Optional(Ms) },
          { additionalProperties: false },
        ),
      ]),
      { minItems: 1, maxItems: 10_000 },
    ),
  },
  { additionalProperties: false },
);
export type SequenceDefinition = Static<typeof SequenceDefinitionSchema>;
export type SequenceStep = SequenceDefinition['steps'][number];
