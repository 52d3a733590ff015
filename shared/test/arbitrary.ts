// fast-check generators for messages of the built-in templates, derived from the template definitions.
import fc from 'fast-check';
import type { Message, RField } from '../src/packet/index.ts';
import { builtinLibrary } from '../src/packet/index.ts';
import { byteFieldType } from '../src/packet/field-types.ts';
import { bytesToHex } from '../src/packet/values.ts';

const lib = builtinLibrary();
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const byteRuns = (min: number, max: number, unit = 1) =>
  fc.integer({ min, max }).chain((n) => bytes(n * unit));
const hex = (min: number, max: number) => byteRuns(min, max).map(bytesToHex);

function scalar(type: string, bits: number): fc.Arbitrary<unknown> {
  const t = byteFieldType(type);
  return t ? bytes(bits / 8).map((b) => t.format(b)) : fc.bigInt(0n, (1n << BigInt(bits)) - 1n);
}

function field(f: RField): fc.Arbitrary<unknown> | undefined {
  const def = f.def;
  if (def.type === 'uint') {
    if (f.enumValues) return fc.constantFrom(...f.enumValues.values());
    return fc.bigInt(f.min ?? 0n, f.max ?? (1n << BigInt(f.bits)) - 1n);
  }
  const t = byteFieldType(def.type);
  if (t && !f.bits) {
    const s = f.size;
    const runs =
      s && 'unit' in s
        ? byteRuns(0, s.offset < 0 ? -s.offset / s.unit + 2 : 3, s.unit).filter(
            (b) => b.length + s.offset >= 0,
          )
        : byteRuns(0, 12);
    return runs.map((b) => t.format(b));
  }
  if (def.type === 'array') {
    // Arrays sized in multi-byte units (Hop-by-Hop options) keep their valid default.
    if (f.size && 'unit' in f.size && f.size.unit > 1) return undefined;
    const item = f.item!;
    const each = item.type === 'message' ? values(item.template) : scalar(item.type, item.bits);
    return fc.array(each, { maxLength: 3 });
  }
  if (def.type === 'body' && !def.dispatch) return hex(0, 12);
  return scalar(def.type, f.bits);
}

/** Random values for the plain fields of a template (computed, identifying and dispatch fields keep defaults). */
export function values(template: string): fc.Arbitrary<Record<string, unknown>> {
  const tpl = lib.get(template);
  const fixed = new Set(tpl.identify.map((i) => i.index));
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of tpl.fields) {
    if (f.computed || fixed.has(f.index) || f.def.type === 'body') continue;
    const a = field(f);
    if (a) shape[f.name] = a;
  }
  return fc.record(shape);
}

/** A message nesting each template of `stack` in the body of the one before. */
export function stackMessage(stack: string[]): fc.Arbitrary<Message> {
  const [head, ...rest] = stack;
  const tpl = lib.get(head!);
  const inner: fc.Arbitrary<unknown> = rest.length
    ? stackMessage(rest)
    : tpl.body?.def.type === 'body' && !tpl.body.def.dispatch
      ? hex(0, 12)
      : fc.constant(undefined);
  return fc.tuple(values(head!), inner).map(([v, body]) => ({
    template: head!,
    values: (tpl.body && body !== undefined ? { ...v, [tpl.body.name]: body } : v) as Message['values'],
  }));
}

/** Protocol stacks covering every built-in template that auto-decoding can reach. */
export const stacks: string[][] = [
  ['ethernet', 'ipv6', 'udp', 'test-signature'],
  ['ethernet', 'vlan', 'ipv6', 'udp'],
  ['ethernet', 'ipv6', 'ipv6-fragment', 'udp'],
  ['ethernet', 'ipv6', 'ipv6-hop-by-hop', 'mldv1-query'],
  ['ethernet', 'ipv6', 'ipv6-hop-by-hop', 'mldv1-report'],
  ['ethernet', 'ipv6', 'ipv6-hop-by-hop', 'mldv1-done'],
  ['ethernet', 'ipv6', 'ipv6-hop-by-hop', 'mldv2-query'],
  ['ethernet', 'ipv6', 'ipv6-hop-by-hop', 'mldv2-report'],
  ['ethernet', 'ipv6', 'icmpv6-echo-request'],
  ['ethernet', 'ipv6', 'icmpv6-echo-reply'],
  ['ethernet', 'ipv6', 'icmpv6'],
  ['ethernet', 'ipv6', 'pim-hello'],
  ['ethernet', 'ipv4', 'igmpv2'],
  ['ethernet', 'ipv4', 'igmpv3-query'],
  ['ethernet', 'ipv4', 'igmpv3-report'],
  ['ethernet', 'ipv4', 'udp', 'test-signature'],
  ['ethernet', 'ipv4', 'pim-hello'],
];
