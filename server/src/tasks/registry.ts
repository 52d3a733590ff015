// The task kinds this server knows, and validation of a task's arguments against its kind.
import { badRequest } from '../domain-errors.ts';
import type { Database } from '../db/connect.ts';
import { kindArgs, type TaskKind } from './kind.ts';
import { noopKind } from './kinds/noop.ts';
import { maintenanceKind } from './kinds/maintenance.ts';
import { loadKind } from './kinds/load.ts';
import { sequenceKind } from './kinds/sequence.ts';
import { discoveryKind } from './kinds/discovery.ts';
import { convergenceKind } from './kinds/convergence.ts';

const kinds = new Map<string, TaskKind>();

export function registerKind(k: TaskKind): void {
  if (kinds.has(k.kind)) throw new Error(`task kind ${k.kind} registered twice`);
  kinds.set(k.kind, k);
}

[noopKind, maintenanceKind, discoveryKind, loadKind, sequenceKind, convergenceKind].forEach(registerKind);

export function listKinds(): TaskKind[] {
  return [...kinds.values()];
}

export function getKind(kind: string): TaskKind {
  const k = kinds.get(kind);
  if (!k) throw badRequest('kind', `unknown task kind "${kind}" (known: ${[...kinds.keys()].join(', ')})`);
  return k;
}

/**
 * Validates args for a kind (its schema, then its own checks), returning them with defaults filled; errors
 * name the field ("args.durationMs").
 */
export async function checkArgs(db: Database, kind: string, args: unknown): Promise<unknown> {
  const k = getKind(kind);
  const checked = kindArgs(k.argsSchema, args);
  await k.check?.(db, checked);
  return checked;
}
