// Schema pieces of the routes: the shared ones (@netspotter/shared/api) and the error responses a route
// lists.
import type { TSchema } from 'typebox';
import { ErrorBodySchema } from '@netspotter/shared/api';

export { IdParamsSchema as IdParams, Nullable } from '@netspotter/shared/api';

/** Standard error responses for a route, so the OpenAPI document lists them. */
export function errors(...codes: number[]): Record<number, TSchema> {
  return Object.fromEntries(codes.map((c) => [c, ErrorBodySchema]));
}
