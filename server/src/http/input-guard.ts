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

/** A value met on the walk: its key in its parent, and the parent (none at the root). */
interface Step {
  value: unknown;
  key: string | number;
  up: Step | undefined;
  depth: number;
}

/** The path of a step, or of its first `steps` keys; spelt out only for a problem found (most requests have none). */
function pathOf(step: Step, root: string, steps = Infinity): string {
  const keys: (string | number)[] = [];
  for (let s: Step | undefined = step; s?.up; s = s.up) keys.unshift(s.key);
  return keys.slice(0, steps).reduce<string>((path, key) => child(path, key, root), '');
}

/**
 * The first problem in a parsed JSON-like value, with the dotted path of the field it is in (the same
 * notation as validation errors: `facts.hostname`, `results[0].data`). Iterative, so any depth is safe.
 * Strings are checked where they are met; only objects and arrays are remembered on the walk (for paths):
 * a step for every value was most of the guard's time on a burst of result uploads.
 */
export function inputProblem(value: unknown, rootField: string): InputProblem | undefined {
  const stack: Step[] = [];
  const meet = (
    v: unknown,
    key: string | number,
    up: Step | undefined,
    depth: number,
  ): InputProblem | undefined => {
    if (typeof v === 'string') {
      const problem = stringProblem(v);
      return problem
        ? { field: pathOf({ value: v, key, up, depth }, rootField) || rootField, message: problem }
        : undefined;
    }
    if (typeof v === 'object' && v !== null) stack.push({ value: v, key, up, depth });
    return undefined;
  };
  let problem = meet(value, '', undefined, 0);
  for (let item = stack.pop(); item && !problem; item = stack.pop()) {
    const depth = item.depth + 1;
    if (depth > MAX_DEPTH)
      // Named by its first few steps, not 64 levels of it.
      return {
        field: pathOf(item, rootField, NAMED_STEPS) || rootField,
        message: `is nested deeper than ${MAX_DEPTH} levels of objects and arrays`,
      };
    const container = item.value as Record<string, unknown>;
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length && !problem; i++) problem = meet(container[i], i, item, depth);
      continue;
    }
    for (const key of Object.keys(container)) {
      const keyProblem = stringProblem(key);
      if (keyProblem)
        return { field: pathOf(item, rootField) || rootField, message: `has a key that ${keyProblem}` };
      problem = meet(container[key], key, item, depth);
      if (problem) break;
    }
  }
  return problem;
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
