// Checks a definition in the browser with the server's own schema (server/src/sequences/schema.ts),
// so a problem is shown at its step before anything is sent. Each step is checked against the one
// kind its `op` names: the union as a whole would report the first kind's complaints ("from is
// required" for a wait step), which say nothing useful.
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';
import { SequenceDefinitionSchema, type SequenceDefinition } from '../../../server/src/sequences/schema.ts';

export interface Problem {
  /** As the server names fields: `steps[2].ms`, `participants[0].name`. */
  field: string;
  message: string;
}

interface SchemaError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

type Node = TSchema & { properties?: Record<string, Node>; items?: Node; anyOf?: Node[]; const?: unknown };
const stepKinds = (SequenceDefinitionSchema as Node).properties!.steps!.items!.anyOf!;
const opsOf = (kind: Node): unknown[] => {
  const op = kind.properties!.op!;
  return op.anyOf ? op.anyOf.map((o) => o.const) : [op.const];
};

/** `/steps/0/ms` → `steps[0].ms`; the missing or unknown property is named too. */
function fieldOf(base: string, e: SchemaError): string {
  const parts = e.instancePath.split('/').filter(Boolean);
  const extra = e.params.requiredProperties ?? e.params.additionalProperties;
  if (Array.isArray(extra) && extra.length === 1) parts.push(String(extra[0]));
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), base);
}

const describe = (e: SchemaError): string =>
  e.keyword === 'additionalProperties'
    ? 'unknown field'
    : e.keyword === 'pattern'
      ? 'a letter, then up to 31 letters, digits, - or _'
      : e.message;

const useful = (e: SchemaError) => e.keyword !== 'boolean'; // the twin of an additionalProperties error

export function definitionProblems(def: SequenceDefinition): Problem[] {
  const problems: Problem[] = [];
  for (const e of Value.Errors(SequenceDefinitionSchema, def) as SchemaError[]) {
    if (/^\/steps\/\d+/.test(e.instancePath) || !useful(e)) continue;
    problems.push({ field: fieldOf('', e), message: describe(e) });
  }
  def.steps.forEach((step, i) => {
    const kind = stepKinds.find((k) => opsOf(k).includes(step.op));
    if (!kind) return problems.push({ field: `steps[${i}].op`, message: `unknown step kind "${step.op}"` });
    const first = (Value.Errors(kind, step) as SchemaError[]).find(useful);
    if (first) problems.push({ field: fieldOf(`steps[${i}]`, first), message: describe(first) });
  });
  return problems;
}
