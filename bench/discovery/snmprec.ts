// A recording in snmpsim's .snmprec format (`OID|tag|value`, tag `4x`/`64x` hex, `4e` Python escapes),
// held in memory with every varbind encoded once, the way snmpsim reads it: records in file order (blank
// and `#` lines skipped), each line stripped of surrounding white space, text byte for byte (latin-1), and
// where snmpsim looks an OID up: an exact OID through its index (the last line with that OID), any other
// by its bisection over the file's bytes. Recordings whose lines are not in OID order (some are) thus get
// the answers snmpsim gives, next lines in file order included.
import { readFileSync } from 'node:fs';
import { integerContent, oidContent, parseOid, TAG, tlv } from './ber.ts';

export interface Recording {
  /** Sub-identifiers of each record, in file order. */
  oids: Uint32Array[];
  /** SEQUENCE { OID, value } of each record. */
  varbinds: Buffer[];
  /** Record by its OID's text (the last record with it), as snmpsim's index. */
  index: Map<string, number>;
  /** Byte offset and length (with its newline) of each record's line. */
  starts: number[];
  lengths: number[];
  /** Byte offset of every physical line, and the first record at or after it. */
  lineStarts: number[];
  recordFrom: number[];
  size: number;
  /** Each record's tag and value as written (device copies re-encode some). */
  tags: string[];
  values: string[];
}

const UNSIGNED: Record<string, number> = {
  '65': TAG.COUNTER32,
  '66': TAG.GAUGE32,
  '67': TAG.TIMETICKS,
  '70': TAG.COUNTER64,
};
const EXCEPTION: Record<string, number> = {
  '128': TAG.NO_SUCH_OBJECT,
  '129': TAG.NO_SUCH_INSTANCE,
  '130': TAG.END_OF_MIB_VIEW,
};
const ESCAPES: Record<string, number> = {
  '\\': 92,
  "'": 39,
  '"': 34,
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
};

/** A Python string literal's escapes (`\n`, `\xHH`, ...) as bytes (snmprec's `e` encoding). */
function unescape(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 92) {
      out.push(c & 0xff);
      continue;
    }
    const e = text[++i]!;
    if (e === 'x') {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e in ESCAPES) out.push(ESCAPES[e]!);
    else throw new Error(`unknown escape \\${e}`);
  }
  return Buffer.from(out);
}

/** The value's bytes as the tag's type holds them (before TLV framing). */
function valueBytes(enc: string | undefined, value: string): Buffer {
  if (enc === 'x') return Buffer.from(value, 'hex');
  if (enc === 'e') return unescape(value);
  return Buffer.from(value, 'latin1');
}

export function encodeValue(rawTag: string, value: string): Buffer {
  const enc = /[xe]$/.test(rawTag) ? rawTag.at(-1) : undefined;
  const tag = enc ? rawTag.slice(0, -1) : rawTag;
  switch (tag) {
    case '2':
      return tlv(TAG.INTEGER, integerContent(BigInt(value)));
    case '4':
      return tlv(TAG.OCTET_STRING, valueBytes(enc, value));
    case '5':
      return tlv(TAG.NULL, Buffer.alloc(0));
    case '6':
      return tlv(TAG.OID, oidContent(parseOid(value)));
    case '64':
      return tlv(TAG.IP_ADDRESS, enc ? valueBytes(enc, value) : Buffer.from(value.split('.').map(Number)));
    case '68':
      return tlv(TAG.OPAQUE, valueBytes(enc, value));
  }
  if (tag in UNSIGNED) return tlv(UNSIGNED[tag]!, integerContent(BigInt(value)));
  if (tag in EXCEPTION) return tlv(EXCEPTION[tag]!, Buffer.alloc(0));
  throw new Error(`unknown snmprec tag ${rawTag}`);
}

export function compareArcs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function loadRecording(path: string): Recording {
  const bytes = readFileSync(path);
  const rec: Recording = {
    oids: [],
    varbinds: [],
    index: new Map(),
    starts: [],
    lengths: [],
    lineStarts: [],
    recordFrom: [],
    size: bytes.length,
    tags: [],
    values: [],
  };
  for (let at = 0; at < bytes.length;) {
    const nl = bytes.indexOf(10, at);
    const end = nl < 0 ? bytes.length : nl + 1;
    rec.lineStarts.push(at);
    rec.recordFrom.push(rec.oids.length);
    const line = bytes.toString('latin1', at, end).trim();
    if (line && !line.startsWith('#')) {
      const [oid, tag, ...rest] = line.split('|');
      if (!oid || !tag) throw new Error(`${path}: broken record ${line}`);
      const value = rest.join('|');
      const oidTlv = tlv(TAG.OID, oidContent(parseOid(oid)));
      rec.index.set(oid, rec.oids.length);
      rec.oids.push(Uint32Array.from(parseOid(oid)));
      rec.varbinds.push(tlv(TAG.SEQUENCE, Buffer.concat([oidTlv, encodeValue(tag, value)])));
      rec.starts.push(at);
      rec.lengths.push(end - at);
      rec.tags.push(tag);
      rec.values.push(value);
    }
    at = end;
  }
  return rec;
}

/** The first record at or after byte `offset` (a line start), or undefined at the end. */
function recordAt(rec: Recording, offset: number): number | undefined {
  if (offset >= rec.size) return undefined;
  const line = lineOf(rec, offset);
  const r = line < rec.lineStarts.length ? rec.recordFrom[line]! : rec.oids.length;
  return r < rec.oids.length ? r : undefined;
}

/** The physical line holding byte `offset`. */
function lineOf(rec: Recording, offset: number): number {
  let lo = 0;
  let hi = rec.lineStarts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rec.lineStarts[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** snmpsim's bisection over the file's bytes for an OID it has no index entry for: a byte offset. */
function bisect(rec: Recording, oid: ArrayLike<number>): number {
  let [lo, hi, mid, prev] = [0, rec.size, 0, -1];
  while (lo < hi) {
    mid = rec.lineStarts[lineOf(rec, (lo + hi) >>> 1)]!;
    if (mid === prev) break;
    if (mid >= rec.size) return rec.size;
    const r = recordAt(rec, mid);
    if (r === undefined) return hi;
    const c = compareArcs(rec.oids[r]!, oid);
    if (c < 0) lo = rec.starts[r]! + rec.lengths[r]!;
    else if (c > 0) hi = mid;
    else return mid;
    prev = mid;
  }
  return lo === mid ? lo : hi;
}

/** GET: the record with this OID, if any. */
export function exact(rec: Recording, oid: readonly number[]): number | undefined {
  return rec.index.get(oid.join('.'));
}

/** GETNEXT: the record snmpsim answers with (the next line after an exact match), if any. */
export function following(rec: Recording, oid: readonly number[]): number | undefined {
  const i = exact(rec, oid);
  if (i !== undefined) return i + 1 < rec.oids.length ? i + 1 : undefined;
  return recordAt(rec, bisect(rec, oid));
}
