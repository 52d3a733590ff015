// A value from outside the type system (a JSON column, a stored result, an API answer) read as the type
// its schema describes: checked first, so code past this point can rely on the type.
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';

export class ShapeError extends Error {}

/** `value` as `Static<S>`, or a ShapeError naming `what` and the first place it does not fit. */
export function checked<S extends TSchema>(schema: S, value: unknown, what: string): Static<S> {
  if (Value.Check(schema, value)) return value;
  const [first] = Value.Errors(schema, value);
  const where = first ? `${first.instancePath || '/'}: ${first.message}` : 'does not fit';
  throw new ShapeError(`${what} does not have the expected shape (${where})`);
}
