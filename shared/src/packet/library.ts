// Template library: stores definitions, resolves `extends` (rejecting cycles), checks each template's
// structure once, and keeps the dispatch tables that auto-decoding walks.
import { Compile } from 'typebox/compile';
import { type Issue, TemplateError } from './errors.ts';
import {
  type Computed,
  type FieldDef,
  type ItemDef,
  type SizeSpec,
  type TemplateDef,
  TemplateSchema,
} from './schema.ts';
import { isError, parseUint } from './values.ts';
import { byteFieldType } from './field-types.ts';

/** A size resolved against the template: fixed bytes, or value of field #index × unit + offset. */
export type RSize = { fixed: number } | { index: number; unit: number; offset: number };

export interface RField {
  name: string;
  index: number;
  type: FieldDef['type'];
  def: FieldDef;
  /** Width in bits when fixed (uint, mac, ipv4, ipv6, fixed bytes/string); 0 when variable. */
  bits: number;
  size?: RSize;
  count?: RSize;
  computed?: Computed;
  /** Field indexes a computed field covers when `of` lists names. */
  coverage?: number[];
  /** Array element; `bits` is its fixed width for scalar items. */
  item?: ItemDef & { bits: number };
  dispatch?: { table: string; index?: number };
  /** Present only when field #index's value is (or is not, with `negate`) one of `values`. */
  when?: { index: number; values: bigint[]; negate: boolean };
  min?: bigint;
  max?: bigint;
  enumValues?: Map<string, bigint>;
}

export interface RTemplate {
  name: string;
  version?: number;
  /** The definition after `extends` was applied (what the GUI edits is the stored `definition`). */
  flat: TemplateDef;
  fields: RField[];
  byName: Map<string, RField>;
  body?: RField;
  length?: { index: number; unit: number; offset: number };
  pseudoHeader?: { family: 4 | 6; src: number; dst: number };
  identify: Array<{ index: number; value: bigint }>;
}

const checkSchema = Compile(TemplateSchema);

export class TemplateLibrary {
  private readonly defs = new Map<string, TemplateDef>();
  private readonly resolved = new Map<string, RTemplate>();
  private readonly tables = new Map<string, Array<{ value?: number; name: string }>>();

  constructor(defs: Iterable<TemplateDef> = []) {
    for (const d of defs) this.add(d);
  }

  /** A new library with these definitions added (later names replace earlier ones). */
  with(defs: Iterable<TemplateDef>): TemplateLibrary {
    return new TemplateLibrary([...this.defs.values(), ...defs]);
  }

  /** Adds a definition after checking it against the JSON Schema; structure is checked on first use. */
  private add(def: TemplateDef): void {
    if (!checkSchema.Check(def)) {
      // The first schema error is the telling one; the rest repeat it for each union branch.
      const e = [...checkSchema.Errors(def)][0]!;
      const path = e.instancePath
        .replace(/\/(\d+)/g, '[$1]')
        .replace(/\//g, '.')
        .replace(/^\./, '');
      throw new TemplateError(String((def as { name?: unknown }).name ?? '?'), [
        { path, message: e.message },
      ]);
    }
    this.defs.set(def.name, def);
    this.resolved.clear();
    for (const list of this.tables.values())
      list.splice(0, list.length, ...list.filter((e) => e.name !== def.name));
    for (const entry of def.dispatchIn ?? []) {
      const list = this.tables.get(entry.table) ?? [];
      list.push({ value: entry.value, name: def.name });
      this.tables.set(entry.table, list);
    }
  }

  has(name: string): boolean {
    return this.defs.has(name);
  }

  names(): string[] {
    return [...this.defs.keys()];
  }

  definition(name: string): TemplateDef {
    const def = this.defs.get(name);
    if (!def) throw new TemplateError(name, [{ path: '', message: 'no such template' }]);
    return def;
  }

  /** Templates registered in `table` for `value` (plus value-less entries), in registration order. */
  candidates(table: string, value: bigint | undefined): RTemplate[] {
    return (this.tables.get(table) ?? [])
      .filter((e) => e.value === undefined || (value !== undefined && BigInt(e.value) === value))
      .map((e) => this.get(e.name));
  }

  /** The dispatch value under which `template` is registered in `table`. */
  keyOf(template: string, table: string): number | undefined {
    return this.defs.get(template)?.dispatchIn?.find((d) => d.table === table)?.value;
  }

  get(name: string): RTemplate {
    let t = this.resolved.get(name);
    if (!t) {
      t = resolve(name, this.flatten(name, []), this);
      this.resolved.set(name, t);
    }
    return t;
  }

  /** Checks every template; returns the errors instead of throwing. */
  check(): TemplateError[] {
    const errors: TemplateError[] = [];
    for (const name of this.defs.keys()) {
      try {
        this.get(name);
      } catch (e) {
        if (e instanceof TemplateError) errors.push(e);
        else throw e;
      }
    }
    return errors;
  }

  private flatten(name: string, chain: string[]): TemplateDef {
    const def = this.defs.get(name);
    if (!def) {
      const from = chain.at(-1);
      throw new TemplateError(from ?? name, [
        { path: from ? 'extends' : '', message: `no such template "${name}"` },
      ]);
    }
    if (chain.includes(name)) {
      throw new TemplateError(chain[0]!, [
        { path: 'extends', message: `cycle ${[...chain, name].join(' → ')}` },
      ]);
    }
    if (!def.extends) return def;
    const parent = this.flatten(def.extends, [...chain, name]);
    const fields = [...parent.fields];
    const added: FieldDef[] = [];
    for (const f of def.fields) {
      const at = fields.findIndex((p) => p.name === f.name);
      if (at >= 0) fields[at] = f;
      else added.push(f);
    }
    // New fields go before the parent's body (extending adds header fields); a new body replaces it.
    let bodyAt = fields.findIndex((f) => f.type === 'body');
    if (bodyAt >= 0 && added.some((f) => f.type === 'body')) fields.splice(bodyAt, 1);
    else if (bodyAt < 0) bodyAt = fields.length;
    fields.splice(bodyAt, 0, ...added);
    return {
      ...def,
      fields,
      defaults: { ...parent.defaults, ...def.defaults },
      length: def.length ?? parent.length,
      pseudoHeader: def.pseudoHeader ?? parent.pseudoHeader,
    };
  }
}

/** Whether a field is on the wire, given the values decoded or set so far. */
export function isPresent(f: RField, values: ArrayLike<unknown>): boolean {
  if (!f.when) return true;
  return f.when.values.includes(values[f.when.index] as bigint) !== f.when.negate;
}

/**
 * Problems of a template definition checked against a library (schema, structure, `extends`), for
 * an API or editor to show before storing it. Empty when it can be used.
 */
export function templateIssues(lib: TemplateLibrary, def: unknown): Issue[] {
  try {
    const name = (def as TemplateDef).name;
    lib.with([def as TemplateDef]).get(name);
    return [];
  } catch (e) {
    if (e instanceof TemplateError) return e.issues;
    throw e;
  }
}

function resolve(name: string, flat: TemplateDef, lib: TemplateLibrary): RTemplate {
  const issues: Issue[] = [];
  const byName = new Map<string, RField>();
  const fields: RField[] = [];
  const at = (i: number) => `fields[${i}]`;
  const defaults = flat.defaults ?? {};

  flat.fields.forEach((def0, index) => {
    const def = def0.name in defaults ? ({ ...def0, default: defaults[def0.name] } as FieldDef) : def0;
    if (byName.has(def.name)) issues.push({ path: at(index), message: `duplicate field name "${def.name}"` });
    const f: RField = {
      name: def.name,
      index,
      type: def.type,
      def,
      bits: byteFieldType(def.type)?.bits ?? 0,
    };
    if (def.type === 'uint') {
      f.bits = def.bits;
      f.computed = def.computed;
      for (const key of ['min', 'max'] as const) {
        if (def[key] === undefined) continue;
        const v = parseUint(def[key], def.bits);
        if (isError(v)) issues.push({ path: `${at(index)}.${key}`, message: v.error });
        else f[key] = v;
      }
      if (def.enum) f.enumValues = new Map(Object.entries(def.enum).map(([k, v]) => [k, BigInt(v)]));
    }
    if (byteFieldType(def.type) && 'size' in def && def.size && 'fixed' in def.size)
      f.bits = def.size.fixed * 8;
    if (def.type === 'array') {
      if (def.size && def.count)
        issues.push({ path: at(index), message: 'an array has a size or a count, not both' });
      const item = def.item;
      const bits =
        item.type === 'uint'
          ? item.bits
          : 'size' in item
            ? item.size.fixed * 8
            : (byteFieldType(item.type)?.bits ?? 0);
      if (bits % 8 !== 0)
        issues.push({ path: `${at(index)}.item`, message: 'array items must be whole bytes' });
      if (item.type === 'message' && !lib.has(item.template)) {
        issues.push({ path: `${at(index)}.item`, message: `no such template "${item.template}"` });
      }
      f.item = { ...item, bits };
    }
    fields.push(f);
    byName.set(def.name, f);
  });

  const ref = (path: string, fieldName: string, before: number): RField | undefined => {
    const r = byName.get(fieldName);
    if (!r) issues.push({ path, message: `no field "${fieldName}"` });
    else if (r.def.type !== 'uint') issues.push({ path, message: `"${fieldName}" is not a uint field` });
    else if (r.index >= before)
      issues.push({ path, message: `"${fieldName}" must come before the field it sizes` });
    else return r;
    return undefined;
  };
  const size = (spec: SizeSpec | undefined, path: string, index: number): RSize | undefined => {
    if (!spec || 'fixed' in spec) return spec;
    const r = ref(path, spec.field, index);
    return r && { index: r.index, unit: spec.unit ?? 1, offset: spec.offset ?? 0 };
  };

  let bitPos = 0;
  const bodies = fields.filter((f) => f.def.type === 'body');
  if (bodies.length > 1) issues.push({ path: 'fields', message: 'a template has at most one body' });
  for (const f of fields) {
    const def = f.def;
    const path = at(f.index);
    if (def.when && def.type === 'uint' && def.bits % 8 !== 0) {
      issues.push({ path, message: 'a conditional uint must be whole bytes' });
    }
    if (def.type !== 'uint' && bitPos % 8 !== 0) {
      issues.push({
        path,
        message: `"${f.name}" starts at bit ${bitPos % 8} of a byte; uint fields before it must fill whole bytes`,
      });
    }
    bitPos += def.type === 'uint' ? def.bits : 0;
    if ('size' in def) f.size = size(def.size, `${path}.size`, f.index);
    if (def.when) {
      const r = ref(`${path}.when`, def.when.field, f.index);
      const negate = 'notIn' in def.when;
      const values = ('notIn' in def.when ? def.when.notIn : def.when.in).map(BigInt);
      if (r?.computed) issues.push({ path: `${path}.when`, message: `"${r.name}" is computed` });
      else if (r) f.when = { index: r.index, values, negate };
      if (def.type === 'body') issues.push({ path, message: 'a body is always present' });
    }
    if (def.type === 'array') f.count = size(def.count, `${path}.count`, f.index);
    if (def.type === 'body' && def.dispatch) {
      const d = def.dispatch.field ? ref(`${path}.dispatch`, def.dispatch.field, f.index) : undefined;
      f.dispatch = { table: def.dispatch.table, index: d?.index };
    }
    const c = f.computed;
    if (c && c.kind !== 'body-key') {
      if (c.kind === 'count') {
        if (byName.get(c.of)?.def.type !== 'array')
          issues.push({ path, message: `count of "${c.of}": not an array field` });
        else f.coverage = [byName.get(c.of)!.index];
      } else if (Array.isArray(c.of)) {
        f.coverage = c.of.flatMap((n) => {
          const r = byName.get(n);
          if (!r) issues.push({ path: `${path}.computed.of`, message: `no field "${n}"` });
          return r ? [r.index] : [];
        });
      }
      if (c.kind === 'inet-checksum' && f.bits !== 16)
        issues.push({ path, message: 'an Internet checksum is 16 bits' });
      if (c.kind === 'crc32' && f.bits !== 32) issues.push({ path, message: 'a CRC-32 is 32 bits' });
    }
    if (c?.kind === 'body-key' && !bodies[0]?.def.type)
      issues.push({ path, message: 'body-key needs a body' });
  }
  if (bitPos % 8 !== 0)
    issues.push({ path: 'fields', message: `fields add up to ${bitPos} bits, not whole bytes` });

  const t: RTemplate = { name, version: flat.version, flat, fields, byName, body: bodies[0], identify: [] };
  if (flat.length) {
    const r = ref('length', flat.length.field, fields.length);
    if (r) t.length = { index: r.index, unit: flat.length.unit ?? 1, offset: flat.length.offset ?? 0 };
  }
  if (flat.pseudoHeader) {
    const { src, dst, family } = flat.pseudoHeader;
    const want = family === 6 ? 'ipv6' : 'ipv4';
    const [s, d] = [byName.get(src), byName.get(dst)];
    if (s?.def.type !== want || d?.def.type !== want) {
      issues.push({ path: 'pseudoHeader', message: `src and dst must name ${want} fields` });
    } else t.pseudoHeader = { family, src: s.index, dst: d.index };
  }
  for (const [fieldName, value] of Object.entries(flat.identify ?? {})) {
    const r = byName.get(fieldName);
    const v = r?.def.type === 'uint' ? parseUint(value, r.bits) : { error: `no uint field "${fieldName}"` };
    if (isError(v)) issues.push({ path: `identify.${fieldName}`, message: v.error });
    else t.identify.push({ index: r!.index, value: v });
  }
  if (issues.length) throw new TemplateError(name, issues);
  return t;
}
