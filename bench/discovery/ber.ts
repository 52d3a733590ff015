// The BER subset SNMP v1/v2c messages use, written as pyasn1 (snmpsim) writes it: definite lengths in
// their shortest form, TLVs, INTEGER, OCTET STRING, OBJECT IDENTIFIER, NULL and SNMP's application and
// exception types; and a reader for requests.

export const TAG = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  IP_ADDRESS: 0x40,
  COUNTER32: 0x41,
  GAUGE32: 0x42,
  TIMETICKS: 0x43,
  OPAQUE: 0x44,
  COUNTER64: 0x46,
  NO_SUCH_OBJECT: 0x80,
  NO_SUCH_INSTANCE: 0x81,
  END_OF_MIB_VIEW: 0x82,
  GET: 0xa0,
  GET_NEXT: 0xa1,
  RESPONSE: 0xa2,
  GET_BULK: 0xa5,
} as const;

export function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/**
 * Two's complement in pyasn1's length (an INTEGER, or an unsigned application type): the shortest form,
 * except that -2^(8k-1) takes k + 1 octets (ff 80 00 ...), as pyasn1 counts the magnitude's bits, adds the
 * sign bit when they fill whole octets, and rounds up.
 */
export function integerContent(value: bigint): Buffer {
  if (value === 0n) return Buffer.from([0]);
  let bits = (value < 0n ? -value : value).toString(2).length;
  if (bits % 8 === 0) bits++;
  const out = Buffer.alloc(Math.ceil(bits / 8));
  let v = BigInt.asUintN(out.length * 8, value);
  for (let i = out.length - 1; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

export function oidContent(arcs: readonly number[]): Buffer {
  if (arcs.length < 2) throw new Error(`OID needs two arcs: ${arcs.join('.')}`);
  const out: number[] = [];
  const put = (n: number) => {
    const b: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) b.unshift(0x80 | (v & 0x7f));
    out.push(...b);
  };
  put(arcs[0]! * 40 + arcs[1]!);
  for (let i = 2; i < arcs.length; i++) put(arcs[i]!);
  return Buffer.from(out);
}

export const parseOid = (dotted: string): number[] => dotted.replace(/^\./, '').split('.').map(Number);

/** A cursor over a BER buffer; every read checks its bounds and throws on malformed input. */
export class BerReader {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
    private readonly end = buf.length,
  ) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next TLV's tag, and a reader over its content (the cursor moves past it). */
  next(): { tag: number; content: BerReader; start: number; length: number } {
    if (this.pos + 2 > this.end) throw new Error('truncated TLV');
    const tag = this.buf[this.pos++]!;
    let length = this.buf[this.pos++]!;
    if (length & 0x80) {
      const n = length & 0x7f;
      if (n === 0 || n > 4 || this.pos + n > this.end) throw new Error('bad length');
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + this.buf[this.pos++]!;
    }
    const start = this.pos;
    if (start + length > this.end) throw new Error('TLV runs past its container');
    this.pos = start + length;
    return { tag, content: new BerReader(this.buf, start, start + length), start, length };
  }

  expect(tag: number): BerReader {
    const t = this.next();
    if (t.tag !== tag) throw new Error(`expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
    return t.content;
  }

  integer(): bigint {
    const c = this.expect(TAG.INTEGER);
    if (c.end === c.pos) throw new Error('empty INTEGER');
    let v = BigInt.asIntN(8, BigInt(c.buf[c.pos]!));
    for (let i = c.pos + 1; i < c.end; i++) v = (v << 8n) | BigInt(c.buf[i]!);
    return v;
  }

  octets(): Buffer {
    const c = this.expect(TAG.OCTET_STRING);
    return c.buf.subarray(c.pos, c.end);
  }

  oid(): number[] {
    const c = this.expect(TAG.OID);
    const arcs: number[] = [];
    let v = 0;
    for (let i = c.pos; i < c.end; i++) {
      const b = c.buf[i]!;
      v = v * 128 + (b & 0x7f);
      if (b & 0x80) continue;
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
    if (arcs.length === 0) throw new Error('empty OID');
    return arcs;
  }

  /** Skips one TLV (a varbind's value in a request). */
  skip(): void {
    this.next();
  }
}
