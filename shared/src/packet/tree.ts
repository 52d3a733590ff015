// The internal message tree (raw bytes and bigints per field) and its conversion from and to the
// JSON-friendly `Message` form, with path-named validation issues.
import { type Issue, joinPath } from './errors.ts';
import { type RField, type RTemplate, type TemplateLibrary, isPresent } from './library.ts';
import type { FieldValue, ItemDef, Message, Values } from './schema.ts';
import * as v from './values.ts';
import { BYTE_FIELD_TYPES, byteFieldType, type ByteFieldType } from './field-types.ts';

export type Raw = bigint | Uint8Array | Node | Raw[];

export interface Node {
  tpl: RTemplate;
  values: Raw[];
  /** Computed fields whose given value is kept. */
  literal: Set<number>;
}

export const isNode = (r: Raw | undefined): r is Node => typeof r === 'object' && r !== null && 'tpl' in r;

/** A scalar as parse and format see it: its type and (for uint and fixed widths) its bits. */
export type Scalar = { type: string; bits: number };

/** Parses one scalar value (uint, or a byte type: address, bytes, text) of a field or an array item. */
export function parseScalar(s: Scalar, value: unknown): v.Parsed<Raw> {
  return s.type === 'uint' ? v.parseUint(value, s.bits) : byteTypeOf(s).parse(value);
}

export function formatScalar(s: Scalar, raw: Raw): FieldValue {
  return s.type === 'uint' ? v.formatUint(raw as bigint, s.bits) : byteTypeOf(s).format(raw as Uint8Array);
}

/** A body given as bytes is read and written as hex, as a bytes field is. */
const byteTypeOf = (s: Scalar): ByteFieldType => byteFieldType(s.type) ?? BYTE_FIELD_TYPES.bytes;

/** A byte value of a fixed width: shorter text is padded with zero bytes, anything else must fit exactly. */
function fitted(type: ByteFieldType, r: Uint8Array, width: number): v.Parsed<Uint8Array> {
  if (r.length === width) return r;
  if (!type.padShort || r.length > width) return { error: `must be ${width} bytes, not ${r.length}` };
  const padded = new Uint8Array(width);
  padded.set(r);
  return padded;
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);

export const isMessage = (x: unknown): x is Message => isPlainObject(x) && typeof x.template === 'string';

/** A field's default in raw form (zeros when the definition gives none). */
export function zeroOf(f: RField): Raw {
  if (f.def.type === 'uint') return 0n;
  if (f.def.type === 'array') return [];
  return new Uint8Array(f.bits / 8);
}

/** Value → raw for a uint field: enum names are accepted, range and enum are enforced. */
export function parseUintField(f: RField, value: unknown): v.Parsed<Raw> {
  const named = typeof value === 'string' ? f.enumValues?.get(value) : undefined;
  const r = named ?? v.parseUint(value, f.bits);
  if (v.isError(r)) return r;
  if (f.min !== undefined && r < f.min) return { error: `${r} is below the minimum ${f.min}` };
  if (f.max !== undefined && r > f.max) return { error: `${r} is above the maximum ${f.max}` };
  if (f.enumValues && ![...f.enumValues.values()].includes(r)) {
    return { error: `${r} is not one of ${[...f.enumValues].map(([k, x]) => `${k}=${x}`).join(', ')}` };
  }
  return r;
}

/** Messages nest at most this deep (encode and decode), so crafted input cannot exhaust the stack. */
export const MAX_NESTING = 64;

export class Normalizer {
  readonly issues: Issue[] = [];
  private depth = 0;
  constructor(private readonly lib: TemplateLibrary) {}

  message(msg: unknown, path: string): Node | undefined {
    if (this.depth >= MAX_NESTING) return this.fail(path, `nested deeper than ${MAX_NESTING} messages`);
    this.depth++;
    try {
      return this.fields(msg, path);
    } finally {
      this.depth--;
    }
  }

  private fields(msg: unknown, path: string): Node | undefined {
    if (!isMessage(msg)) {
      this.issues.push({ path, message: 'not a message (an object with "template" and "values")' });
      return undefined;
    }
    if (!this.lib.has(msg.template)) {
      this.issues.push({ path: joinPath(path, 'template'), message: `no such template "${msg.template}"` });
      return undefined;
    }
    const tpl = this.lib.get(msg.template);
    const values = (msg.values ?? {}) as Record<string, unknown>;
    if (!isPlainObject(values)) {
      this.issues.push({ path, message: '"values" must be an object' });
      return undefined;
    }
    for (const key of Object.keys(values)) {
      if (!tpl.byName.has(key))
        this.issues.push({ path: joinPath(path, key), message: `no such field in "${tpl.name}"` });
    }
    const literal = new Set<number>();
    if (msg.literal !== undefined && !Array.isArray(msg.literal)) {
      this.issues.push({ path: joinPath(path, 'literal'), message: 'must be a list of field names' });
    }
    for (const name of Array.isArray(msg.literal) ? msg.literal : []) {
      const f = tpl.byName.get(name);
      if (f?.computed) literal.add(f.index);
      else this.issues.push({ path: joinPath(path, name), message: 'only computed fields can be literal' });
    }
    const raw: Raw[] = [];
    for (const f of tpl.fields) {
      const given = values[f.name];
      if (!isPresent(f, raw)) {
        if (given !== undefined) this.fail(joinPath(path, f.name), 'not present with these values');
        raw.push(zeroOf(f));
        continue;
      }
      const value = given === undefined ? f.def.default : given;
      raw.push(value === undefined ? zeroOf(f) : (this.field(f, value, joinPath(path, f.name)) ?? zeroOf(f)));
    }
    return { tpl, values: raw, literal };
  }

  private field(f: RField, value: unknown, path: string): Raw | undefined {
    const def = f.def;
    if (def.type === 'body') {
      if (isMessage(value)) return this.message(value, path);
      if (typeof value !== 'string')
        return this.fail(path, 'not a message {"template", "values"} or hex bytes');
      return this.scalar({ type: 'bytes', bits: 0 }, value, path);
    }
    if (def.type === 'array') {
      if (!Array.isArray(value)) return this.fail(path, 'not a list');
      return value.map((x, i) => this.item(f.item!, x, joinPath(path, i)) ?? new Uint8Array());
    }
    if (def.type === 'uint') return this.check(parseUintField(f, value), path);
    const r = this.scalar(f, value, path);
    return r instanceof Uint8Array && f.bits ? this.check(fitted(byteTypeOf(f), r, f.bits / 8), path) : r;
  }

  private item(item: ItemDef & { bits: number }, value: unknown, path: string): Raw | undefined {
    if (item.type === 'message') {
      if (!isPlainObject(value)) return this.fail(path, 'not an object of field values');
      return this.message({ template: item.template, values: value }, path);
    }
    const r = this.scalar(item, value, path);
    return r instanceof Uint8Array ? this.check(fitted(byteTypeOf(item), r, item.bits / 8), path) : r;
  }

  private scalar(s: Scalar, value: unknown, path: string): Raw | undefined {
    return this.check(parseScalar(s, value), path);
  }

  private check(r: v.Parsed<Raw>, path: string): Raw | undefined {
    return v.isError(r) ? this.fail(path, r.error) : r;
  }

  private fail(path: string, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }
}

/** Raw tree → JSON-friendly message (what decode returns and encode accepts). */
export function toMessage(node: Node): Message {
  const values: Values = {};
  for (const f of node.tpl.fields) {
    if (isPresent(f, node.values)) values[f.name] = formatField(f, node.values[f.index]!);
  }
  const out: Message = { template: node.tpl.name, values };
  if (node.literal.size) out.literal = [...node.literal].map((i) => node.tpl.fields[i]!.name);
  return out;
}

function formatField(f: RField, raw: Raw): FieldValue {
  if (isNode(raw)) return toMessage(raw);
  if (Array.isArray(raw)) {
    const item = f.item!;
    return raw.map((x) => (isNode(x) ? (toMessage(x).values ?? {}) : formatScalar(item, x)));
  }
  return formatScalar(f.def.type === 'body' ? { type: 'bytes', bits: 0 } : f, raw);
}
