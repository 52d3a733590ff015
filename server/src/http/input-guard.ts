// One guard for every route's path parameters, query string and body, run before schema validation:
// it refuses what no schema states but the database or our own code cannot take. PostgreSQL stores no
// NUL character (text or JSON); a lone UTF-16 surrogate is silently replaced in text and refused in
// JSON; deeply nested JSON overflows the stack of whatever walks it (ajv, Prisma, the database).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

/** Deepest nesting of objects and arrays accepted anywhere in a request (a template or plan needs ~10). */
export const MAX_DEPTH = 64;

/** Steps of the path named when a value is too deep (`facts.policy[0]`, `results[0].data`). */
const NAMED_STEPS = 3;

export interface InputProblem {
  field: string;
  message: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode (it contains a lone UTF-16 surrogate)';
  return undefined;
}

/** `facts.hostname`, `results[0]`; an array at the root is named after its part: `body[0]`. */
const child = (path: string, key: string | number, root: string) =>
  typeof key === 'number' ? `${path || root}[${key}]` : path ? `${path}.${key}` : key;

/**
 * The first problem in a parsed JSON-like value, with the dotted path of the field it is in (the same
 * notation as validation errors: `facts.hostname`, `results[0].data`). Iterative, so any depth is safe.
 */
export function inputProblem(value: unknown, rootField: string): InputProblem | undefined {
  // `near`: the path cut to its first few steps, to name where too deep a value sits without
  // spelling out 64 levels of it.
  const stack: { value: unknown; path: string; near: string; depth: number }[] = [
    { value, path: '', near: '', depth: 0 },
  ];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const field = item.path || rootField;
    if (typeof item.value === 'string') {
      const problem = stringProblem(item.value);
      if (problem) return { field, message: problem };
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    const depth = item.depth + 1;
    if (depth > MAX_DEPTH)
      return {
        field: item.near || rootField,
        message: `is nested deeper than ${MAX_DEPTH} levels of objects and arrays`,
      };
    const push = (v: unknown, key: string | number) => {
      const path = child(item.path, key, rootField);
      stack.push({ value: v, path, near: depth <= NAMED_STEPS ? path : item.near, depth });
    };
    if (Array.isArray(item.value)) {
      item.value.forEach(push);
      continue;
    }
    for (const [key, v] of Object.entries(item.value)) {
      const problem = stringProblem(key);
      if (problem) return { field, message: `has a key that ${problem}` };
      push(v, key);
    }
  }
  return undefined;
}

/** Checks params, query string and body of one request; throws a 400 naming the field. */
export function guardInput(req: Pick<FastifyRequest, 'params' | 'query' | 'body'>): void {
  for (const [part, value] of [
    ['params', req.params],
    ['querystring', req.query],
    ['body', req.body],
  ] as const) {
    const problem = inputProblem(value, part);
    if (problem) {
      // Worded as schema validation errors are: "querystring at: …", "facts.hostname: …".
      const where = part === 'body' || problem.field === part ? '' : `${part} `;
      throw new ApiError(400, 'validation', `${where}${problem.field}: ${problem.message}`, problem.field);
    }
  }
}

/** Registers the guard for every route (after authentication, so strangers still get 401 first). */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => guardInput(req));
}
