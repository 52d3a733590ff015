// JSON columns: the one way their documents are read (checked against their schema, so a row that does
// not fit is an error naming the column, never a wrong type further on) and written.
import type { Static, TSchema } from 'typebox';
import { checked } from '@netspotter/shared';
import { Prisma } from './generated/client.ts';

export function readJson<S extends TSchema>(
  schema: S,
  value: Prisma.JsonValue | null,
  column: string,
): Static<S> {
  return checked(schema, value, column);
}

/** A document for a JSON column: what this server stores there is plain JSON data built here or parsed. */
export const toJson = (value: object): Prisma.InputJsonValue => value as Prisma.InputJsonValue;

/** A value for a nullable JSON column (an agent's uploaded data, say): null is stored as JSON null. */
export function toJsonOrNull(value: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  return value === null || value === undefined ? Prisma.JsonNull : (value as Prisma.InputJsonValue);
}
