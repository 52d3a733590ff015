// What a task kind is: a name, a schema for its arguments, and how to run it.
import type { TSchema, Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { badRequest } from '../domain-errors.ts';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/connect.ts';
import type { Prisma } from '../db/generated/client.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { JobEngine } from '../jobs/engine.ts';

export interface RunContext {
  runId: string;
  db: Database;
  /** The job engine: for kinds that spread their run over jobs of their own (a discovery's devices). */
  engine: JobEngine;
  /** Opens stored credentials (for kinds that poll devices). */
  secrets: SecretBox;
  signal: AbortSignal;
  log: FastifyBaseLogger;
  /** Stores progress on the run (shown by the API); throws when the run was cancelled meanwhile. */
  progress(p: Prisma.InputJsonValue): Promise<void>;
}

export interface RunOutcome {
  /** False marks the run failed (with `message` as the reason) without throwing. */
  ok: boolean;
  /** The run goes on in jobs of its own, which finish it: it stays running. */
  continues?: boolean;
  message?: string;
  result?: Prisma.InputJsonValue;
}

export interface TaskKind<S extends TSchema = TSchema> {
  kind: string;
  description: string;
  argsSchema: S;
  /** Checks beyond the schema when a task is stored (agents it names, say); throws a coded error naming the field. */
  check?(db: Database, args: Static<S>): Promise<void>;
  run(ctx: RunContext, args: Static<S>): Promise<RunOutcome>;
}

/**
 * Arguments checked against a kind's schema, defaults filled; a bad one is refused naming the field
 * ("args.durationMs").
 */
export function kindArgs<S extends TSchema>(schema: S, args: unknown): Static<S> {
  const validator = Compile(schema);
  const withDefaults = Value.Default(schema, structuredClone(args ?? {}));
  if (validator.Check(withDefaults)) return withDefaults;
  const [first] = validator.Errors(withDefaults);
  const path = (first?.instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('');
  // TypeBox reports an unexpected property as a false sub-schema at ".../additionalProperties".
  const unknown = first?.schemaPath.endsWith('/additionalProperties');
  throw badRequest(`args${path}`, unknown ? 'unknown field' : (first?.message ?? 'invalid'));
}

/**
 * A kind as the registry keeps them: its run checks the stored arguments (with defaults) before it starts.
 */
export const defineKind = <S extends TSchema>(k: TaskKind<S>): TaskKind => ({
  ...k,
  ...(k.check && { check: (db, args) => k.check!(db, kindArgs(k.argsSchema, args)) }),
  run: (ctx, args) => k.run(ctx, kindArgs(k.argsSchema, args)),
});
