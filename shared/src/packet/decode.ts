// Bytes → message tree, against a named template or by walking dispatch tables from Ethernet.
// Every failure is a DecodeError; a body whose dispatch candidates all fail is kept as raw bytes.
import { readBits } from './bits.ts';
import { DecodeError, joinPath } from './errors.ts';
import { type RField, type RSize, type RTemplate, type TemplateLibrary, isPresent } from './library.ts';
import type { Message } from './schema.ts';
import { keepWrongComputed } from './keep-wrong.ts';
import { MAX_NESTING, type Node, type Raw, isMessage, toMessage, zeroOf } from './tree.ts';

export interface DecodeOptions {
  /** Template of the outermost message; default 'ethernet'. */
  template?: string;
  /**
   * A message whose nested `template` names steer body decoding instead of dispatch (used by match,
   * so an expected message decides how the frame is read).
   */
  guide?: Message;
}

/**
 * Decodes a frame into a message. Computed fields whose captured value is not what encoding would
 * compute (a bad checksum) are listed in `literal`, so `encode` gives back exactly these bytes.
 */
export function decode(lib: TemplateLibrary, bytes: Uint8Array, options: DecodeOptions = {}): Message {
  const node = decodeTree(lib, bytes, options);
  keepWrongComputed(lib, node, bytes);
  return toMessage(node);
}

export function decodeTree(lib: TemplateLibrary, bytes: Uint8Array, options: DecodeOptions = {}): Node {
  const name = options.guide?.template ?? options.template ?? 'ethernet';
  if (!lib.has(name)) throw new DecodeError(`no such template "${name}"`, '', 0);
  const { node, end } = new Decoder(lib, bytes).message(lib.get(name), 0, bytes.length, '', options.guide);
  if (end !== bytes.length)
    throw new DecodeError(`${bytes.length - end} bytes left over after "${name}"`, '', end);
  return node;
}

type MessageArgs = [tpl: RTemplate, start: number, limit: number, path: string, guide?: Message];

class Decoder {
  private depth = 0;

  constructor(
    private readonly lib: TemplateLibrary,
    private readonly buf: Uint8Array,
  ) {}

  /** Decodes one message in [start, limit); returns it and the byte where it ended. */
  message(...args: MessageArgs): { node: Node; end: number } {
    if (this.depth >= MAX_NESTING)
      throw new DecodeError(`nested deeper than ${MAX_NESTING} messages`, args[3], args[1]);
    this.depth++;
    try {
      return this.fields(...args);
    } finally {
      this.depth--;
    }
  }

  private fields(...[tpl, start, limit, path, guide]: MessageArgs): { node: Node; end: number } {
    const values: Raw[] = [];
    let bit = start * 8;
    let end = limit;
    const fields = tpl.fields;
    for (const f of fields) {
      if (!isPresent(f, values)) {
        values[f.index] = zeroOf(f);
        continue;
      }
      const at = joinPath(path, f.name);
      const pos = bit / 8;
      if (f.def.type === 'uint') {
        if (bit + f.bits > end * 8)
          throw new DecodeError(`truncated: needs ${f.bits} bits`, at, Math.floor(bit / 8));
        values[f.index] = readBits(this.buf, bit, f.bits);
        bit += f.bits;
        if (tpl.length?.index === f.index)
          end = this.bound(start, end, values[f.index] as bigint, tpl.length, at);
        continue;
      }
      const regionEnd = this.region(f, values, pos, end, fields, at);
      if (f.def.type === 'body') {
        // A body bounded by a size or by its message's length must fill that space: bytes left
        // over inside it would otherwise move elsewhere and change the lengths on re-encoding.
        const fill = !!(f.size || tpl.length);
        const sub = guide?.values?.[f.name];
        const r = isMessage(sub)
          ? this.message(this.template(sub.template, at), pos, regionEnd, at, sub)
          : this.dispatch(f, values, pos, regionEnd, fill, at);
        if (fill && r.end !== regionEnd)
          throw new DecodeError(`body ends ${regionEnd - r.end} bytes early`, at, r.end);
        values[f.index] = r.node;
        bit = r.end * 8;
      } else if (f.def.type === 'array') {
        const { items, end: e } = this.array(f, values, pos, regionEnd, at);
        values[f.index] = items;
        bit = e * 8;
      } else {
        values[f.index] = new Uint8Array(this.buf.subarray(pos, regionEnd));
        bit = regionEnd * 8;
      }
    }
    const node: Node = { tpl, values, literal: new Set() };
    return { node, end: bit / 8 };
  }

  private template(name: string, path: string): RTemplate {
    if (!this.lib.has(name)) throw new DecodeError(`no such template "${name}"`, path, 0);
    return this.lib.get(name);
  }

  /** End of the message as stated by its length field. */
  private bound(
    start: number,
    limit: number,
    v: bigint,
    spec: { unit: number; offset: number },
    at: string,
  ): number {
    const end = start + Number(v) * spec.unit + spec.offset;
    if (end > limit)
      throw new DecodeError(`length ${v} runs ${end - limit} bytes past the available data`, at, limit);
    if (end < start) throw new DecodeError(`length ${v} is too small`, at, start);
    return end;
  }

  /** End of a variable field: from its size spec, or the region end minus fixed fields after it. */
  private region(f: RField, values: Raw[], pos: number, end: number, fields: RField[], at: string): number {
    let stop: number;
    if (f.bits) stop = pos + f.bits / 8;
    else if (f.size) stop = pos + this.size(f.size, values);
    else stop = end - fields.slice(f.index + 1).reduce((s, g) => s + (g.when ? 0 : g.bits / 8), 0);
    if (stop > end || stop < pos)
      throw new DecodeError(`needs ${stop - pos} bytes, ${end - pos} available`, at, pos);
    return stop;
  }

  private size(s: RSize, values: Raw[]): number {
    return 'fixed' in s ? s.fixed : Number(values[s.index] as bigint) * s.unit + s.offset;
  }

  private dispatch(
    f: RField,
    values: Raw[],
    pos: number,
    end: number,
    fill: boolean,
    at: string,
  ): { node: Raw; end: number } {
    const d = f.dispatch;
    if (d) {
      const key = d.index === undefined ? undefined : (values[d.index] as bigint);
      for (const tpl of this.lib.candidates(d.table, key)) {
        try {
          const r = this.message(tpl, pos, end, at);
          const fits = !fill || r.end === end;
          if (fits && tpl.identify.every((i) => r.node.values[i.index] === i.value)) return r;
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }
    }
    return { node: new Uint8Array(this.buf.subarray(pos, end)), end };
  }

  private array(
    f: RField,
    values: Raw[],
    pos: number,
    end: number,
    at: string,
  ): { items: Raw[]; end: number } {
    const item = f.item!;
    const count = f.count ? this.size(f.count, values) : Infinity;
    const items: Raw[] = [];
    let p = pos;
    while (items.length < count && (f.count || p < end)) {
      const here = joinPath(at, items.length);
      if (item.type === 'message') {
        const r = this.message(this.template(item.template, here), p, end, here);
        if (r.end === p) throw new DecodeError('an empty item would repeat forever', here, p);
        items.push(r.node);
        p = r.end;
      } else {
        const n = item.bits / 8;
        if (p + n > end) throw new DecodeError(`truncated: needs ${n} bytes`, here, p);
        items.push(
          item.type === 'uint'
            ? readBits(this.buf, p * 8, item.bits)
            : new Uint8Array(this.buf.subarray(p, p + n)),
        );
        p += n;
      }
    }
    if (f.size && p !== end)
      throw new DecodeError(`items end ${end - p} bytes before the stated size`, at, p);
    return { items, end: p };
  }
}
