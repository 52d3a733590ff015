// Expected message vs frame: decode the frame the way the expectation reads it, then compare field by
// field in wire order and report the first difference. Fields left out must equal their defaults
// (or match anything with `unspecified: 'any'`); computed fields and bodies left out match anything.
import { decodeTree } from './decode.ts';
import { DecodeError, MessageError, joinPath } from './errors.ts';
import { type RField, type TemplateLibrary, isPresent } from './library.ts';
import type { Message } from './schema.ts';
import {
  type Node,
  type Raw,
  type Scalar,
  formatScalar,
  isMessage,
  isNode,
  parseScalar,
  parseUintField,
} from './tree.ts';
import { type Parsed, bytesToBigint, bytesToHex, isError } from './values.ts';

export type MatchResult =
  { ok: true } | { ok: false; path: string; expected: string; actual: string; reason?: string };

export interface MatchOptions {
  /** What a field the expected message leaves out must be: its template default (default) or anything. */
  unspecified?: 'default' | 'any';
}

export function match(
  lib: TemplateLibrary,
  expected: Message,
  frame: Uint8Array,
  options: MatchOptions = {},
): MatchResult {
  let node: Node;
  try {
    node = decodeTree(lib, frame, { guide: expected });
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { ok: false, path: e.path, expected: expected.template, actual: 'undecodable', reason: e.message };
  }
  return (
    new Matcher(options.unspecified === 'any').message(
      node,
      (expected.values ?? {}) as Record<string, unknown>,
      '',
    ) ?? { ok: true }
  );
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const asBig = (r: Raw): bigint => (typeof r === 'bigint' ? r : bytesToBigint(r as Uint8Array));

class Matcher {
  constructor(private readonly anyWhenLeftOut: boolean) {}

  message(node: Node, spec: Record<string, unknown>, path: string): MatchResult | undefined {
    for (const key of Object.keys(spec)) {
      if (!node.tpl.byName.has(key))
        throw new MessageError([
          { path: joinPath(path, key), message: `no such field in "${node.tpl.name}"` },
        ]);
    }
    for (const f of node.tpl.fields) {
      if (!isPresent(f, node.values)) continue;
      let s = spec[f.name];
      const at = joinPath(path, f.name);
      if (s === undefined) {
        if (f.computed || f.type === 'body' || this.anyWhenLeftOut) continue;
        s = f.def.default;
      }
      const r = this.field(f, node.values[f.index]!, s, at);
      if (r) return r;
    }
    return undefined;
  }

  private field(f: RField, actual: Raw, s: unknown, at: string): MatchResult | undefined {
    if (isObject(s) && s.any === true) return undefined;
    if (f.type === 'body') {
      if (isMessage(s))
        return isNode(actual)
          ? this.message(actual, (s.values ?? {}) as Record<string, unknown>, at)
          : undefined;
      return this.scalar({ type: 'bytes', bits: 0 }, actual, s, at);
    }
    if (f.type === 'array') {
      const items = actual as Raw[];
      const list = s === undefined ? [] : s;
      if (!Array.isArray(list)) throw new MessageError([{ path: at, message: 'not a list' }]);
      if (list.length !== items.length) {
        return { ok: false, path: at, expected: `${list.length} items`, actual: `${items.length} items` };
      }
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        const r = isNode(item)
          ? this.message(item, isObject(list[i]) ? list[i] : {}, joinPath(at, i))
          : this.scalar(f.item!, item, list[i], joinPath(at, i));
        if (r) return r;
      }
      return undefined;
    }
    return this.scalar(f, actual, s, at, f);
  }

  private scalar(
    t: Scalar,
    actual: Raw,
    s: unknown,
    at: string,
    uintField?: RField,
  ): MatchResult | undefined {
    const check = (r: Parsed<Raw>): Raw => {
      if (isError(r)) throw new MessageError([{ path: at, message: r.error }]);
      return r;
    };
    const parse = (x: unknown): Raw => {
      if (x === undefined) return zeroOrEmpty(t);
      return check(uintField?.type === 'uint' ? parseUintField(uintField, x) : parseScalar(t, x));
    };
    const show = (r: Raw) => String(formatScalar(t, r));
    const fail = (expected: string): MatchResult => ({ ok: false, path: at, expected, actual: show(actual) });
    if (isObject(s) && 'mask' in s && 'value' in s) {
      const mask = asBig(check(parseScalar(t, s.mask)));
      const value = asBig(parse(s.value));
      return (asBig(actual) & mask) === (value & mask)
        ? undefined
        : fail(`${show(parse(s.value))} under mask ${String(s.mask)}`);
    }
    if (isObject(s) && 'min' in s && 'max' in s) {
      const [lo, hi] = [parse(s.min), parse(s.max)];
      const a = asBig(actual);
      return a >= asBig(lo) && a <= asBig(hi) ? undefined : fail(`${show(lo)}..${show(hi)}`);
    }
    const want = parse(s);
    const same =
      typeof want === 'bigint'
        ? want === actual
        : bytesToHex(want as Uint8Array) === bytesToHex(actual as Uint8Array);
    return same ? undefined : fail(show(want));
  }
}

function zeroOrEmpty(t: Scalar): Raw {
  return t.type === 'uint' ? 0n : new Uint8Array(t.bits / 8);
}
