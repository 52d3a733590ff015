// Captured frames may carry wrong checksums or lengths. Marking those computed fields `literal`
// makes the decoded message re-encode to exactly the captured bytes (and shows which were wrong).
import { readBits } from './bits.ts';
import { type Placed, encodeNode } from './encode.ts';
import { MessageError } from './errors.ts';
import { type TemplateLibrary, isPresent } from './library.ts';
import type { Node } from './tree.ts';

export function keepWrongComputed(lib: TemplateLibrary, node: Node, original: Uint8Array): void {
  let encoded;
  try {
    encoded = encodeNode(lib, node);
  } catch (e) {
    // Sizes that disagree with their fields (possible in user templates): nothing to compare.
    if (e instanceof MessageError) return;
    throw e;
  }
  mark(encoded.root, encoded.bytes, original);
}

function mark(p: Placed, ours: Uint8Array, original: Uint8Array): void {
  for (const child of p.children) mark(child, ours, original);
  for (const f of p.node.tpl.fields) {
    if (!f.computed || p.node.literal.has(f.index) || !isPresent(f, p.node.values)) continue;
    const at = p.pos[f.index]!;
    if (readBits(ours, at, f.bits) !== readBits(original, at, f.bits)) p.node.literal.add(f.index);
  }
}
