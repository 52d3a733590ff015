// A sequence number inside a user template: a dotted path of field names (`seq`, `body.counter`), whose
// last field is an unsigned integer. Checked against the template when a monitor is saved, read from
// each decoded packet by the agent watching the stream.
import { decodeTree } from './decode.ts';
import { DecodeError } from './errors.ts';
import type { TemplateLibrary } from './library.ts';
import { isNode, type Node } from './tree.ts';

/** Widest sequence field: its values must stay exact as JavaScript numbers. */
const MAX_SEQUENCE_BITS = 53;

/**
 * Why `path` cannot be a sequence field of `template`, or undefined when it can. Segments after a body
 * are checked when a packet is read (what the body holds is only known then).
 */
export function sequenceFieldProblem(
  lib: TemplateLibrary,
  template: string,
  path: string,
): string | undefined {
  if (!lib.has(template)) return `no template "${template}"`;
  const [first, ...rest] = path.split('.');
  const f = lib.get(template).byName.get(first!);
  if (!f) return `template "${template}" has no field "${first}"`;
  if (rest.length) return f.type === 'body' ? undefined : `"${first}" is a ${f.type} field, not a body`;
  if (f.type !== 'uint') return `"${first}" is a ${f.type} field, not an unsigned integer`;
  if (f.bits > MAX_SEQUENCE_BITS) return `"${first}" has ${f.bits} bits (at most ${MAX_SEQUENCE_BITS})`;
  return undefined;
}

export interface SequenceValue {
  value: number;
  /** The field's width: sequence numbers wrap at 2^bits. */
  bits: number;
}

/** Decodes `payload` as `template` and reads the uint at `path`; undefined when either fails. */
export function readSequenceField(
  lib: TemplateLibrary,
  template: string,
  path: string,
  payload: Uint8Array,
): SequenceValue | undefined {
  let node: Node;
  try {
    node = decodeTree(lib, payload, { template });
  } catch (err) {
    if (err instanceof DecodeError) return undefined;
    throw err;
  }
  const segments = path.split('.');
  for (let i = 0; ; i++) {
    const f = node.tpl.byName.get(segments[i]!);
    const raw = f && node.values[f.index];
    if (i === segments.length - 1)
      return f?.type === 'uint' && typeof raw === 'bigint' && f.bits <= MAX_SEQUENCE_BITS
        ? { value: Number(raw), bits: f.bits }
        : undefined;
    if (!isNode(raw)) return undefined;
    node = raw;
  }
}
