// A definition's problems by the sequence schema, each named at its field. Each step is checked
// against the one kind its `op` names: the union as a whole reports the first kind's complaints
// ("from is required" for a wait step), which say nothing useful. Pure; the API words its refusals
// with it and the GUI checks with it before sending.
import { Value } from 'typebox/value';
import type { TSchema } from 'typebox';
import { SequenceDefinitionSchema } from './definition.ts';

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

type SchemaNode = TSchema & {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  const?: unknown;
};
const stepKinds = (SequenceDefinitionSchema as SchemaNode).properties!.steps!.items!.anyOf!;
const opsOf = (kind: SchemaNode): unknown[] => {
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

/** Any value (a request body's definition too): its problems, none when it is a valid definition. */
export function definitionProblems(def: unknown): Problem[] {
  const problems: Problem[] = [];
  for (const e of Value.Errors(SequenceDefinitionSchema, def) as SchemaError[]) {
    if (/^\/steps\/\d+/.test(e.instancePath) || !useful(e)) continue;
    problems.push({ field: fieldOf('', e), message: describe(e) });
  }
  const steps = (def as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return problems;
  steps.forEach((step: unknown, i) => {
    const op = (step as { op?: unknown } | null)?.op;
    const kind = stepKinds.find((k) => opsOf(k).includes(op));
    if (!kind)
      return problems.push({ field: `steps[${i}].op`, message: `unknown step kind "${String(op)}"` });
    const first = (Value.Errors(kind, step) as SchemaError[]).find(useful);
    if (first) problems.push({ field: fieldOf(`steps[${i}]`, first), message: describe(first) });
  });
  return problems;
}
