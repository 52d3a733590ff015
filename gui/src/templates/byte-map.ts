// Which bytes each field occupies, from the encoder's own layout (encodeDetailed's placed tree), so
// the hex view highlights exactly what the shared encoder wrote — bit fields share their bytes.
import type { Placed } from '@netspotter/shared/packet/encode';

export interface Span {
  /** Field path as the encoder names it in issues, e.g. `body.body.hopLimit`. */
  path: string;
  /** Bit range in the frame, end exclusive. */
  startBit: number;
  endBit: number;
}

const join = (base: string, name: string) => (base ? `${base}.${name}` : name);

/** Leaf fields in frame order; a nested message contributes its own fields instead of one span. */
export function fieldSpans(root: Placed): Span[] {
  const spans: Span[] = [];
  const walk = (p: Placed) => {
    for (const f of p.node.tpl.fields) {
      const path = join(p.path, f.name);
      const startBit = p.pos[f.index]!;
      const endBit = startBit + p.len[f.index]!;
      const nested = p.children.filter((c) => c.path === path || c.path.startsWith(`${path}[`));
      if (nested.length && f.type === 'body') nested.forEach(walk);
      else spans.push({ path, startBit, endBit });
    }
  };
  walk(root);
  return spans;
}

/** Byte indexes a span touches. */
export function bytesOf(s: Span): number[] {
  const out: number[] = [];
  for (let i = Math.floor(s.startBit / 8); i < Math.ceil(s.endBit / 8); i++) out.push(i);
  return out;
}

/** Fields that touch byte `i`, in frame order (several when bit fields share the byte). */
export const spansAtByte = (spans: Span[], i: number): Span[] =>
  spans.filter((s) => s.startBit < (i + 1) * 8 && s.endBit > i * 8);

/** The field a click on byte `i` selects: the next one after the current selection when several share it. */
export function pickAtByte(spans: Span[], i: number, current?: string): string | undefined {
  const here = spansAtByte(spans, i);
  if (here.length === 0) return undefined;
  const at = here.findIndex((s) => s.path === current);
  return here[(at + 1) % here.length]!.path;
}

export const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
