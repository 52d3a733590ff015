// The task kinds this server knows, and validation of a task's arguments against its kind.
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { badRequest } from '../domain-errors.ts';
import type { TaskKind } from './kind.ts';
import { noopKind } from './kinds/noop.ts';
import { maintenanceKind } from './kinds/maintenance.ts';
import { loadKind } from './kinds/load.ts';
import { sequenceKind } from './kinds/sequence.ts';
import { discoveryKind } from './kinds/discovery.ts';

const kinds = new Map<string, TaskKind>();

export function registerKind(k: TaskKind): void {
  if (kinds.has(k.kind)) throw new Error(`task kind ${k.kind} registered twice`);
  kinds.set(k.kind, k);
}

[noopKind, maintenanceKind, discoveryKind, loadKind, sequenceKind].forEach(registerKind);

export function listKinds(): TaskKind[] {
  return [...kinds.values()];
}

export function getKind(kind: string): TaskKind {
  const k = kinds.get(kind);
  if (!k) throw badRequest('kind', `unknown task kind "${kind}" (known: ${[...kinds.keys()].join(', ')})`);
  return k;
}

/** Validates args for a kind, returning them with defaults filled; errors name the field ("args.durationMs"). */
export function checkArgs(kind: string, args: unknown): unknown {
  const k = getKind(kind);
  const validator = Compile(k.argsSchema);
  const withDefaults = Value.Default(k.argsSchema, structuredClone(args ?? {}));
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
