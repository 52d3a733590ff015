// JSON columns: the one way their documents are read (checked against their schema, so a row that does
// not fit is an error naming the column, never a wrong type further on) and written.
import type { Static, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { checked } from '@netspotter/shared';
import { Prisma } from './generated/client.ts';

/**
 * Each schema's check, compiled once. The interpreted check (`checked`, which the GUI must use: its content
 * security policy forbids compiled code) walked an agent's facts in ~25 us: 1,000 agents listed were 43 ms of
 * the event loop, 37% of it in that walk. A value that does not fit is checked again by `checked`, for its
 * message naming where.
 */
const compiled = new WeakMap<TSchema, Validator>();

export function readJson<S extends TSchema>(schema: S, value: unknown, column: string): Static<S> {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = Compile(schema) as Validator));
  return check.Check(value) ? (value as Static<S>) : checked(schema, value, column);
}

/** A document for a JSON column: what this server stores there is plain JSON data built here or parsed. */
export const toJson = (value: object): Prisma.InputJsonValue => value as Prisma.InputJsonValue;

/** A value for a nullable JSON column (an agent's uploaded data, say): null is stored as JSON null. */
export function toJsonOrNull(value: unknown): Prisma.InputJsonValue | typeof Prisma.JsonNull {
  return value === null || value === undefined ? Prisma.JsonNull : (value as Prisma.InputJsonValue);
}
