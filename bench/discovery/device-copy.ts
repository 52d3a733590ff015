// Device copies for the 10,000-device bench: copy k of a recording is a distinct box, so that the topology
// built from thousands of copies is one of thousands of boxes, not of 16 boxes seen many times. It has its
// own sysName (`<name>-k`), its own MACs (6-byte strings and the MACs in forwarding-table indexes, low
// three bytes XORed with k) and its own addresses (IPv4 and IPv6 addresses in the indexes of the address
// and neighbour tables, and ipAdEntAddr, XORed with k in their second and third octets, IPv6 fourth and
// fifth: a constant mask per copy, so every subnet relation between a copy's own addresses holds). Copies
// are thus islands, as boxes of a large network mostly are to each other. A copy answers in plain OID order.
import { oidContent, parseOid, TAG, tlv } from './ber.ts';
import { compareArcs, encodeValue, type Recording } from './snmprec.ts';

/** A copy's records in OID order: sub-identifiers and varbinds. */
export interface CopyView {
  oids: ArrayLike<number>[];
  varbinds: Buffer[];
}

const SYS_NAME = parseOid('1.3.6.1.2.1.1.5.0');
const IP_ADDR_ENTRY = parseOid('1.3.6.1.2.1.4.20.1'); // .col.a.b.c.d
const IP_ADDRESS_ENTRY = parseOid('1.3.6.1.2.1.4.34.1'); // .col.type.len.bytes
const IPV6_ADDR_ENTRY = parseOid('1.3.6.1.2.1.55.1.8.1'); // .col.ifIndex.16 bytes
const NET_TO_MEDIA_ENTRY = parseOid('1.3.6.1.2.1.4.22.1'); // .col.ifIndex.a.b.c.d
const NET_TO_PHYSICAL_ENTRY = parseOid('1.3.6.1.2.1.4.35.1'); // .col.ifIndex.type.len.bytes
const DOT1D_FDB_ENTRY = parseOid('1.3.6.1.2.1.17.4.3.1'); // .col.mac
const DOT1Q_FDB_ENTRY = parseOid('1.3.6.1.2.1.17.7.1.2.2.1'); // .col.fid.mac

const under = (oid: ArrayLike<number>, prefix: number[]) =>
  oid.length > prefix.length && prefix.every((x, i) => oid[i] === x);

/** The copy's OID for a record's, or undefined when it is unchanged. */
function copyOid(oid: ArrayLike<number>, k: number): number[] | undefined {
  const [hi, lo] = [(k >> 8) & 0xff, k & 0xff];
  const xor = (at: number, masks: number[]) => {
    const out = Array.from(oid);
    masks.forEach((m, i) => (out[at + i]! ^= m));
    return out;
  };
  /** An address at `at` (type.len.bytes when typed), or undefined. */
  const inet = (at: number, typed: boolean) => {
    if (!typed) return oid.length === at + 4 ? xor(at + 1, [hi, lo]) : undefined;
    const [type, len] = [oid[at], oid[at + 1]];
    if (type === 1 && len === 4 && oid.length === at + 6) return xor(at + 3, [hi, lo]);
    if (type === 2 && len === 16 && oid.length === at + 18) return xor(at + 4, [hi, lo]);
    return undefined;
  };
  const mac = (at: number) => (oid.length === at + 6 ? xor(at + 3, [(k >> 16) & 0xff, hi, lo]) : undefined);
  const col = (entry: number[]) => (under(oid, entry) ? entry.length + 1 : -1); // where the index starts
  if (col(IP_ADDR_ENTRY) > 0) return inet(col(IP_ADDR_ENTRY), false);
  if (col(IP_ADDRESS_ENTRY) > 0) return inet(col(IP_ADDRESS_ENTRY), true);
  if (col(NET_TO_MEDIA_ENTRY) > 0) return inet(col(NET_TO_MEDIA_ENTRY) + 1, false);
  if (col(NET_TO_PHYSICAL_ENTRY) > 0) return inet(col(NET_TO_PHYSICAL_ENTRY) + 1, true);
  if (col(IPV6_ADDR_ENTRY) > 0 && oid.length === col(IPV6_ADDR_ENTRY) + 17)
    return xor(col(IPV6_ADDR_ENTRY) + 1 + 2, [hi, lo]);
  if (col(DOT1D_FDB_ENTRY) > 0) return mac(col(DOT1D_FDB_ENTRY));
  if (col(DOT1Q_FDB_ENTRY) > 0) return mac(col(DOT1Q_FDB_ENTRY) + 1);
  return undefined;
}

/** The copy's value for a record, or undefined when it is unchanged. */
function copyValue(rec: Recording, i: number, k: number): Buffer | undefined {
  const [oid, tag, value] = [rec.oids[i]!, rec.tags[i]!, rec.values[i]!];
  if (tag === '4' && compareArcs(oid, SYS_NAME) === 0) return encodeValue('4', `${value}-${k}`);
  if (tag === '4x' && value.length === 12) {
    const mac = Buffer.from(value, 'hex');
    mac[3]! ^= (k >> 16) & 0xff;
    mac[4]! ^= (k >> 8) & 0xff;
    mac[5]! ^= k & 0xff;
    return tlv(TAG.OCTET_STRING, mac);
  }
  // ipAdEntAddr (column 1) holds the row's own address.
  if (tag === '64' && under(oid, [...IP_ADDR_ENTRY, 1])) {
    const a = value.split('.').map(Number);
    a[1]! ^= (k >> 8) & 0xff;
    a[2]! ^= k & 0xff;
    return encodeValue('64', a.join('.'));
  }
  return undefined;
}

/** A recording in OID order, with where the tables a copy re-indexes lie and which other records it re-values. */
interface Prepared {
  order: number[];
  oids: Uint32Array[];
  varbinds: Buffer[];
  /** [lo, hi) in OID order of each re-indexed table. */
  ranges: [number, number][];
  /** Positions outside those ranges whose value a copy may change. */
  valued: number[];
}

const RE_INDEXED = [
  IP_ADDR_ENTRY,
  IP_ADDRESS_ENTRY,
  NET_TO_MEDIA_ENTRY,
  NET_TO_PHYSICAL_ENTRY,
  IPV6_ADDR_ENTRY,
  DOT1D_FDB_ENTRY,
  DOT1Q_FDB_ENTRY,
];
const prepared = new WeakMap<Recording, Prepared>();

function prepare(rec: Recording): Prepared {
  let p = prepared.get(rec);
  if (p) return p;
  const order = rec.oids.map((_, i) => i).sort((a, b) => compareArcs(rec.oids[a]!, rec.oids[b]!) || a - b);
  const oids = order.map((i) => rec.oids[i]!);
  const first = (test: (o: Uint32Array) => boolean) => {
    let [lo, hi] = [0, oids.length];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (test(oids[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const ranges = RE_INDEXED.map((e): [number, number] => [
    first((o) => compareArcs(o, e) > 0),
    first((o) => compareArcs(o, e) > 0 && !under(o, e)),
  ]).filter(([lo, hi]) => hi > lo);
  const inRange = (pos: number) => ranges.some(([lo, hi]) => pos >= lo && pos < hi);
  const valued = order
    .map((i, pos) => ({ i, pos }))
    .filter(
      ({ i, pos }) => !inRange(pos) && (rec.tags[i] === '4x' || compareArcs(rec.oids[i]!, SYS_NAME) === 0),
    )
    .map(({ pos }) => pos);
  p = { order, oids, varbinds: order.map((i) => rec.varbinds[i]!), ranges, valued };
  prepared.set(rec, p);
  return p;
}

const varbind = (oid: ArrayLike<number>, value: Buffer) =>
  tlv(TAG.SEQUENCE, Buffer.concat([tlv(TAG.OID, oidContent(Array.from(oid))), value]));

/** A record's value TLV (what follows the OID TLV in its varbind). */
function valueTlv(rec: Recording, i: number): Buffer {
  return encodeValue(rec.tags[i]!, rec.values[i]!);
}

export function copyView(rec: Recording, k: number): CopyView {
  const p = prepare(rec);
  const oids: ArrayLike<number>[] = p.oids.slice();
  const varbinds = p.varbinds.slice();
  for (const [lo, hi] of p.ranges) {
    const rows = [];
    for (let pos = lo; pos < hi; pos++) {
      const i = p.order[pos]!;
      const [o, v] = [copyOid(rec.oids[i]!, k), copyValue(rec, i, k)];
      rows.push({
        oid: o ?? rec.oids[i]!,
        varbind: o || v ? varbind(o ?? rec.oids[i]!, v ?? valueTlv(rec, i)) : rec.varbinds[i]!,
      });
    }
    rows.sort((a, b) => compareArcs(a.oid, b.oid));
    rows.forEach((r, j) => ((oids[lo + j] = r.oid), (varbinds[lo + j] = r.varbind)));
  }
  for (const pos of p.valued) {
    const i = p.order[pos]!;
    const v = copyValue(rec, i, k);
    if (v) varbinds[pos] = varbind(rec.oids[i]!, v);
  }
  return { oids, varbinds };
}

/** Index of the first entry at or after `oid`. */
export function seek(view: CopyView, oid: ArrayLike<number>): number {
  let lo = 0;
  let hi = view.oids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareArcs(view.oids[mid]!, oid) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Copies recently asked for, built once each: a run polls a bounded number of devices at once. */
export class CopyCache {
  readonly #views = new Map<string, CopyView>();
  constructor(private readonly limit = 1024) {}

  get(key: string, rec: Recording, k: number): CopyView {
    let v = this.#views.get(key);
    if (v) {
      this.#views.delete(key); // most recent last
    } else {
      v = copyView(rec, k);
      if (this.#views.size >= this.limit) this.#views.delete(this.#views.keys().next().value!);
    }
    this.#views.set(key, v);
    return v;
  }
}
