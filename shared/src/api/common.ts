// Schema pieces every API shape uses: the error body, ids, nullable values.
import Type, { type TSchema } from 'typebox';

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** Every API failure: { error: code, message: text, field?: path } (some add details, e.g. `lines`). */
export const ErrorBodySchema = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
  },
  { additionalProperties: true, $id: 'Error' },
);

export const IdParamsSchema = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
