// Template and message definitions as TypeBox schemas: one source for the TypeScript types and for the
// JSON Schema the API and the GUI validate stored templates against.
import Type, { type Static } from 'typebox';
import { FIXED_WIDTH_TYPES, SIZED_TYPES } from './field-types.ts';
import { Int32 } from '../api/bounds.ts';

const Name = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_-]*$', maxLength: 64 });
const Description = Type.Optional(Type.String({ maxLength: 1000 }));

/** How many bytes a region spans: fixed, or `value(field) × unit + offset` where field is an earlier uint. */
export const SizeSpecSchema = Type.Union([
  Type.Object({ fixed: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  Type.Object(
    { field: Name, unit: Type.Optional(Type.Integer({ minimum: 1 })), offset: Type.Optional(Type.Integer()) },
    { additionalProperties: false },
  ),
]);
export type SizeSpec = Static<typeof SizeSpecSchema>;

/** Bytes covered by a computed field: the whole message, everything before the body, or named fields. */
const Coverage = Type.Union([
  Type.Literal('message'),
  Type.Literal('header'),
  Type.Array(Name, { minItems: 1 }),
]);

export const ComputedSchema = Type.Union([
  // value = (covered bytes − offset) / unit
  Type.Object(
    {
      kind: Type.Literal('length'),
      of: Coverage,
      unit: Type.Optional(Type.Integer({ minimum: 1 })),
      offset: Type.Optional(Type.Integer()),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('count'), of: Name }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('inet-checksum'),
      of: Coverage,
      // Include the IPv4/IPv6 pseudo-header of the nearest enclosing IP message (for these families).
      pseudoHeader: Type.Optional(
        Type.Object(
          {
            protocol: Type.Integer({ minimum: 0, maximum: 255 }),
            families: Type.Optional(Type.Array(Type.Union([Type.Literal(4), Type.Literal(6)]))),
          },
          { additionalProperties: false },
        ),
      ),
      // UDP: a computed 0 is sent as 0xffff (0 means "no checksum").
      nonZero: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('crc32'), of: Coverage }, { additionalProperties: false }),
  // The dispatch value of the body's template (ethertype, next header, protocol); the given value when raw.
  Type.Object({ kind: Type.Literal('body-key') }, { additionalProperties: false }),
]);
export type Computed = Static<typeof ComputedSchema>;

/** The field is on the wire only when an earlier uint field has (or has not) one of these values. */
export const WhenSchema = Type.Union([
  Type.Object(
    { field: Name, in: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { field: Name, notIn: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 1 }) },
    { additionalProperties: false },
  ),
]);
export type When = Static<typeof WhenSchema>;

const common = {
  name: Name,
  description: Description,
  default: Type.Optional(Type.Unknown()),
  when: Type.Optional(WhenSchema),
};

const UintProps = {
  type: Type.Literal('uint'),
  bits: Type.Integer({ minimum: 1, maximum: 64 }),
};
const UintRules = {
  min: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.String()])),
  max: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.String()])),
  enum: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0 }))),
  computed: Type.Optional(ComputedSchema),
};
/** The byte field types (field-types.ts): of a fixed width (addresses), or sized by the field. */
const FixedWidthType = Type.Enum(FIXED_WIDTH_TYPES);
const SizedType = Type.Enum(SIZED_TYPES);

/** What an array holds: a fixed-size scalar or a message of a named template. */
export const ItemSchema = Type.Union([
  Type.Object(UintProps, { additionalProperties: false }),
  Type.Object({ type: FixedWidthType }, { additionalProperties: false }),
  Type.Object(
    { type: SizedType, size: Type.Object({ fixed: Type.Integer({ minimum: 1 }) }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('message'), template: Name }, { additionalProperties: false }),
]);
export type ItemDef = Static<typeof ItemSchema>;

export const FieldSchema = Type.Union([
  Type.Object({ ...common, ...UintProps, ...UintRules }, { additionalProperties: false }),
  Type.Object({ ...common, type: FixedWidthType }, { additionalProperties: false }),
  Type.Object(
    { ...common, type: SizedType, size: Type.Optional(SizeSpecSchema) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...common,
      type: Type.Literal('array'),
      item: ItemSchema,
      // Either a byte size or an item count; neither means "to the end of the enclosing region".
      size: Type.Optional(SizeSpecSchema),
      count: Type.Optional(SizeSpecSchema),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      ...common,
      type: Type.Literal('body'),
      size: Type.Optional(SizeSpecSchema),
      // Auto-decoding: try the templates registered in `table` for the value of `field`.
      dispatch: Type.Optional(
        Type.Object({ table: Name, field: Type.Optional(Name) }, { additionalProperties: false }),
      ),
    },
    { additionalProperties: false },
  ),
]);
export type FieldDef = Static<typeof FieldSchema>;
export type FieldType = FieldDef['type'];

export const TemplateSchema = Type.Object(
  {
    name: Name,
    version: Type.Optional(Int32({ minimum: 1 })),
    description: Description,
    extends: Type.Optional(Name),
    fields: Type.Array(FieldSchema),
    defaults: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    // Whole message length from a field (IPv4 total length, UDP length): bounds the body when decoding.
    length: Type.Optional(
      Type.Object(
        {
          field: Name,
          unit: Type.Optional(Type.Integer({ minimum: 1 })),
          offset: Type.Optional(Type.Integer()),
        },
        { additionalProperties: false },
      ),
    ),
    // This message carries the addresses that pseudo-header checksums of its payload use.
    pseudoHeader: Type.Optional(
      Type.Object(
        { family: Type.Union([Type.Literal(4), Type.Literal(6)]), src: Name, dst: Name },
        { additionalProperties: false },
      ),
    ),
    // Registration in dispatch tables, e.g. { table: 'ip-protocol', value: 17 }.
    dispatchIn: Type.Optional(
      Type.Array(
        Type.Object(
          { table: Name, value: Type.Optional(Type.Integer({ minimum: 0 })) },
          { additionalProperties: false },
        ),
      ),
    ),
    // Field values that must hold for auto-decoding to pick this template (e.g. ICMPv6 type 143).
    identify: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type TemplateDef = Static<typeof TemplateSchema>;

/**
 * A message: a template name plus field values. Values are JSON: uint as number (or decimal/0x string,
 * required above 2^53), MAC/IPv4/IPv6 as text, bytes as hex, body as a nested message or hex,
 * arrays as lists (message items as plain value objects). `literal` names computed fields whose given
 * value is sent as is (e.g. a deliberately wrong checksum).
 */
export const MessageSchema = Type.Object(
  {
    template: Name,
    values: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    literal: Type.Optional(Type.Array(Name)),
  },
  { additionalProperties: false },
);
export type MessageJson = Static<typeof MessageSchema>;

export type FieldValue = number | bigint | string | Message | FieldValue[] | Values;
/** Field values by name: `FieldValue`s in decoded messages; inputs may also hold `Expectation`s. */
export type Values = Record<string, unknown>;
export interface Message {
  template: string;
  values?: Values;
  literal?: string[];
}

/** In an expected message, a field may hold one of these instead of a value. */
export type Expectation =
  | { any: true }
  | { mask: number | bigint | string; value: number | bigint | string }
  | { min: number | bigint | string; max: number | bigint | string };
