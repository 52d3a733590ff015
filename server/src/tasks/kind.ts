// What a task kind is: a name, a schema for its arguments, and how to run it.
import type { TSchema, Static } from 'typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/connect.ts';
import type { Prisma } from '../db/generated/client.ts';
import type { SecretBox } from '../security/secret-box.ts';

export interface RunContext {
  runId: string;
  db: Database;
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
  message?: string;
  result?: Prisma.InputJsonValue;
}

export interface TaskKind<S extends TSchema = TSchema> {
  kind: string;
  description: string;
  argsSchema: S;
  run(ctx: RunContext, args: Static<S>): Promise<RunOutcome>;
}

export const defineKind = <S extends TSchema>(k: TaskKind<S>): TaskKind => k as unknown as TaskKind;
