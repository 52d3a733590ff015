// Message → bytes: normalise values, lay fields out bit by bit, fill computed lengths and counts,
// write, then compute checksums innermost first (outer checksums cover inner ones).
import { writeBits } from './bits.ts';
import { crc32, inetChecksum } from './checksum.ts';
import { type Issue, MessageError, joinPath } from './errors.ts';
import { type RField, type RSize, type TemplateLibrary, isPresent } from './library.ts';
import type { Message } from './schema.ts';
import { type Node, Normalizer, type Raw, isNode } from './tree.ts';

/** A node with its position in the frame (bit offsets of each field). */
export interface Placed {
  node: Node;
  path: string;
  start: number;
  end: number;
  pos: number[];
  len: number[];
  children: Placed[];
  parent?: Placed;
}

/** Where a checksum lives and what it covers; `compile` uses these for incremental fix-ups. */
export interface ChecksumSite {
  kind: 'inet-checksum' | 'crc32';
  /** Byte offset of the checksum field in the frame. */
  at: number;
  ranges: Array<[number, number]>;
  pseudo?: Uint8Array;
  nonZero: boolean;
  /** The message gave this checksum literally: it is neither computed nor fixed up. */
  literal: boolean;
}

export interface Encoded {
  bytes: Uint8Array;
  root: Placed;
  checksums: ChecksumSite[];
}

/** Encodes a message; throws `MessageError` listing every problem with its path. */
export function encode(lib: TemplateLibrary, message: Message): Uint8Array {
  return encodeDetailed(lib, message).bytes;
}

/** Validates a message against its templates without encoding; returns the issues (empty when fine). */
export function validateMessage(lib: TemplateLibrary, message: unknown): Issue[] {
  try {
    encodeDetailed(lib, message);
    return [];
  } catch (e) {
    if (e instanceof MessageError) return e.issues;
    throw e;
  }
}

export function encodeDetailed(lib: TemplateLibrary, message: unknown): Encoded {
  const n = new Normalizer(lib);
  const node = n.message(message, '');
  if (!node || n.issues.length) throw new MessageError(n.issues);
  return encodeNode(lib, node);
}

export function encodeNode(lib: TemplateLibrary, node: Node): Encoded {
  const issues: Issue[] = [];
  const root = place(node, 0, '');
  derive(lib, root, issues);
  if (issues.length) throw new MessageError(issues);
  const bytes = new Uint8Array(root.end);
  write(root, bytes);
  const checksums: ChecksumSite[] = [];
  checksum(root, bytes, checksums);
  return { bytes, root, checksums };
}

function place(node: Node, bitStart: number, path: string, parent?: Placed): Placed {
  const p: Placed = { node, path, start: bitStart / 8, end: 0, pos: [], len: [], children: [], parent };
  let bit = bitStart;
  for (const f of node.tpl.fields) {
    const raw = node.values[f.index]!;
    p.pos[f.index] = bit;
    if (!isPresent(f, node.values)) {
      p.len[f.index] = 0;
      continue;
    }
    const fieldPath = joinPath(path, f.name);
    if (isNode(raw)) {
      const child = place(raw, bit, fieldPath, p);
      p.children.push(child);
      bit = child.end * 8;
    } else if (Array.isArray(raw)) {
      raw.forEach((item, i) => {
        if (isNode(item)) {
          const child = place(item, bit, joinPath(fieldPath, i), p);
          p.children.push(child);
          bit = child.end * 8;
        } else bit += f.item!.bits;
      });
    } else bit += f.def.type === 'uint' ? f.bits : (raw as Uint8Array).length * 8;
    p.len[f.index] = bit - p.pos[f.index]!;
  }
  p.end = bit / 8;
  return p;
}

/** Byte range of a coverage ('message', 'header' or field list). */
function coverage(p: Placed, f: RField): Array<[number, number]> {
  const c = f.computed!;
  if (!('of' in c) || c.of === 'message') return [[p.start, p.end]];
  if (c.of === 'header') {
    const body = p.node.tpl.body;
    return [[p.start, body ? p.pos[body.index]! / 8 : p.end]];
  }
  return f.coverage!.map((i) => [p.pos[i]! / 8, (p.pos[i]! + p.len[i]!) / 8]);
}

const sizeOf = (s: RSize, value: bigint) =>
  Number(value) * ('unit' in s ? s.unit : 1) + ('offset' in s ? s.offset : 0);

/** Fills computed lengths, counts and body keys, then checks that size-giving fields agree with sizes. */
function derive(lib: TemplateLibrary, p: Placed, issues: Issue[]): void {
  for (const child of p.children) derive(lib, child, issues);
  const { node } = p;
  for (const f of node.tpl.fields) {
    const c = f.computed;
    if (!c || node.literal.has(f.index) || !isPresent(f, node.values)) continue;
    const path = joinPath(p.path, f.name);
    if (c.kind === 'length') {
      const bytes = coverage(p, f).reduce((s, [a, b]) => s + b - a, 0);
      const unit = c.unit ?? 1;
      const value = (bytes - (c.offset ?? 0)) / unit;
      if (!Number.isInteger(value) || value < 0 || value >= 2 ** f.bits) {
        issues.push({
          path,
          message: `${bytes} bytes cannot be expressed as a ${f.bits}-bit length (unit ${unit}, offset ${c.offset ?? 0})`,
        });
      } else node.values[f.index] = BigInt(value);
    } else if (c.kind === 'count') {
      const n = (node.values[f.coverage![0]!] as Raw[]).length;
      if (n >= 2 ** f.bits) issues.push({ path, message: `${n} items do not fit in ${f.bits} bits` });
      else node.values[f.index] = BigInt(n);
    } else if (c.kind === 'body-key') {
      const body = node.values[node.tpl.body!.index];
      const table = node.tpl.body!.dispatch?.table;
      const key = isNode(body) && table ? lib.keyOf(body.tpl.name, table) : undefined;
      if (key !== undefined) node.values[f.index] = BigInt(key);
    }
  }
  for (const f of node.tpl.fields) {
    for (const spec of [f.size, f.count]) {
      if (!spec || 'fixed' in spec || node.literal.has(spec.index) || !isPresent(f, node.values)) continue;
      const raw = node.values[f.index]!;
      const actual = spec === f.count ? (raw as Raw[]).length : p.len[f.index]! / 8;
      const stated = sizeOf(spec, node.values[spec.index] as bigint);
      if (stated !== actual) {
        const by = node.tpl.fields[spec.index]!.name;
        issues.push({
          path: joinPath(p.path, f.name),
          message: `is ${actual} ${spec === f.count ? 'items' : 'bytes'} but "${by}" says ${stated}`,
        });
      }
    }
  }
}

function write(p: Placed, buf: Uint8Array): void {
  const children = p.children.values();
  for (const f of p.node.tpl.fields) {
    if (!isPresent(f, p.node.values)) continue;
    const raw = p.node.values[f.index]!;
    let bit = p.pos[f.index]!;
    for (const x of Array.isArray(raw) ? raw : [raw]) {
      if (isNode(x)) write(children.next().value!, buf);
      else if (typeof x === 'bigint')
        writeBits(buf, bit, f.item && Array.isArray(raw) ? f.item.bits : f.bits, x);
      else buf.set(x as Uint8Array, bit / 8);
      bit += f.item && Array.isArray(raw) ? f.item.bits : 0;
    }
  }
}

/** The pseudo-header of the nearest enclosing IP message, for an upper-layer packet of `length` bytes. */
function pseudoHeader(
  p: Placed,
  protocol: number,
  families: number[],
  length: number,
): Uint8Array | undefined {
  for (let a = p.parent; a; a = a.parent) {
    const ph = a.node.tpl.pseudoHeader;
    if (!ph) continue;
    if (!families.includes(ph.family)) return undefined;
    const src = a.node.values[ph.src] as Uint8Array;
    const dst = a.node.values[ph.dst] as Uint8Array;
    const out = new Uint8Array(ph.family === 6 ? 40 : 12);
    const dv = new DataView(out.buffer);
    out.set(src, 0);
    out.set(dst, src.length);
    if (ph.family === 6) {
      dv.setUint32(32, length);
      out[39] = protocol;
    } else {
      out[9] = protocol;
      dv.setUint16(10, length);
    }
    return out;
  }
  return undefined;
}

function checksum(p: Placed, buf: Uint8Array, sites: ChecksumSite[]): void {
  for (const child of p.children) checksum(child, buf, sites);
  for (const f of p.node.tpl.fields) {
    const c = f.computed;
    if (!c || (c.kind !== 'inet-checksum' && c.kind !== 'crc32') || !isPresent(f, p.node.values)) continue;
    const ranges = coverage(p, f);
    const at = p.pos[f.index]! / 8;
    const covered = ranges.reduce((s, [a, b]) => s + b - a, 0);
    const pseudo =
      c.kind === 'inet-checksum' && c.pseudoHeader
        ? pseudoHeader(p, c.pseudoHeader.protocol, c.pseudoHeader.families ?? [4, 6], covered)
        : undefined;
    const site: ChecksumSite = {
      kind: c.kind,
      at,
      ranges,
      pseudo,
      nonZero: c.kind === 'inet-checksum' && !!c.nonZero,
      literal: p.node.literal.has(f.index),
    };
    sites.push(site);
    if (site.literal) continue;
    buf.fill(0, at, at + f.bits / 8);
    writeBits(buf, at * 8, f.bits, BigInt(computeChecksum(site, buf)));
  }
}

export function computeChecksum(site: ChecksumSite, buf: Uint8Array): number {
  const chunks = site.ranges.map(([a, b]) => buf.subarray(a, b));
  if (site.kind === 'crc32') return crc32(chunks);
  const sum = inetChecksum(site.pseudo ? [site.pseudo, ...chunks] : chunks);
  return sum === 0 && site.nonZero ? 0xffff : sum;
}
