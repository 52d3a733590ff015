// One cell's figures for one interval (or roll-up bucket) as a fixed 48-byte record, so a history row
// of a receiver is its cells' records back to back and one cell's record is found by position alone
// (a slice, not a parse). Counts are unsigned integers (the small ones saturate at 65535), times and
// rates float32 ms (NaN: none), the hop count a byte (255: none).

export const RECORD_BYTES = 48;

export interface CellFigures {
  received: number;
  lost: number;
  duplicates: number;
  reordered: number;
  silences: number;
  hops: number | null;
  /** The receiver was not a member (an operator made it leave). */
  left: boolean;
  delayMinMs: number | null;
  delayP50Ms: number | null;
  delayP99Ms: number | null;
  jitterMs: number | null;
  joinLatencyMs: number | null;
  mismatches: number;
  maxGapMs: number | null;
  bytes: number;
}

const PRESENT = 1;
const LEFT = 2;
const NO_HOPS = 255;
const U16 = 0xffff;
const U32 = 0xffffffff;

const sat = (n: number, max: number) => Math.min(max, Math.max(0, Math.round(n)));
const f32 = (v: number | null) => (v === null ? NaN : v);
const opt = (v: number) => (Number.isNaN(v) ? null : v);

export function writeRecord(buf: Buffer, at: number, f: CellFigures): void {
  buf.writeUInt32BE(sat(f.received, U32), at);
  buf.writeUInt32BE(sat(f.lost, U32), at + 4);
  buf.writeUInt16BE(sat(f.duplicates, U16), at + 8);
  buf.writeUInt16BE(sat(f.reordered, U16), at + 10);
  buf.writeUInt16BE(sat(f.silences, U16), at + 12);
  buf.writeUInt8(f.hops === null ? NO_HOPS : sat(f.hops, NO_HOPS - 1), at + 14);
  buf.writeUInt8(PRESENT | (f.left ? LEFT : 0), at + 15);
  buf.writeFloatBE(f32(f.delayMinMs), at + 16);
  buf.writeFloatBE(f32(f.delayP50Ms), at + 20);
  buf.writeFloatBE(f32(f.delayP99Ms), at + 24);
  buf.writeFloatBE(f32(f.jitterMs), at + 28);
  buf.writeFloatBE(f32(f.joinLatencyMs), at + 32);
  buf.writeUInt32BE(sat(f.mismatches, U32), at + 36);
  buf.writeFloatBE(f32(f.maxGapMs), at + 40);
  buf.writeFloatBE(f.bytes, at + 44);
}

/** The figures at `at`, or undefined for an empty slot (a cell the row has no figures for). */
export function readRecord(buf: Uint8Array, at: number): CellFigures | undefined {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const flags = v.getUint8(at + 15);
  if (!(flags & PRESENT)) return undefined;
  const hops = v.getUint8(at + 14);
  return {
    received: v.getUint32(at),
    lost: v.getUint32(at + 4),
    duplicates: v.getUint16(at + 8),
    reordered: v.getUint16(at + 10),
    silences: v.getUint16(at + 12),
    hops: hops === NO_HOPS ? null : hops,
    left: (flags & LEFT) !== 0,
    delayMinMs: opt(v.getFloat32(at + 16)),
    delayP50Ms: opt(v.getFloat32(at + 20)),
    delayP99Ms: opt(v.getFloat32(at + 24)),
    jitterMs: opt(v.getFloat32(at + 28)),
    joinLatencyMs: opt(v.getFloat32(at + 32)),
    mismatches: v.getUint32(at + 36),
    maxGapMs: opt(v.getFloat32(at + 40)),
    bytes: v.getFloat32(at + 44),
  };
}

/** A row of records: one per cell in `cells` order (an empty slot where `figures` has none). */
export function encodeRow(
  cells: readonly number[],
  figures: ReadonlyMap<number, CellFigures>,
): Buffer<ArrayBuffer> {
  const buf = Buffer.alloc(cells.length * RECORD_BYTES);
  cells.forEach((c, i) => {
    const f = figures.get(c);
    if (f) writeRecord(buf, i * RECORD_BYTES, f);
  });
  return buf;
}

export function decodeRow(cells: readonly number[], data: Uint8Array): Map<number, CellFigures> {
  const out = new Map<number, CellFigures>();
  cells.forEach((c, i) => {
    const f = (i + 1) * RECORD_BYTES <= data.length ? readRecord(data, i * RECORD_BYTES) : undefined;
    if (f) out.set(c, f);
  });
  return out;
}

const minOf = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.min(...v) : null;
};
const maxOf = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : null;
};
const meanOf = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
};

/**
 * Several intervals' figures of one cell as one roll-up record: counts summed; delay minimum the least,
 * p99 and the longest gap the greatest, p50 and jitter the mean (percentiles of percentiles are not
 * exact: the roll-up keeps their typical and worst values); the last hop count; the largest join latency.
 */
export function rollUp(points: readonly CellFigures[]): CellFigures {
  const sum = (k: 'received' | 'lost' | 'duplicates' | 'reordered' | 'silences' | 'mismatches' | 'bytes') =>
    points.reduce((a, p) => a + p[k], 0);
  return {
    received: sum('received'),
    lost: sum('lost'),
    duplicates: sum('duplicates'),
    reordered: sum('reordered'),
    silences: sum('silences'),
    mismatches: sum('mismatches'),
    bytes: sum('bytes'),
    hops: points.findLast((p) => p.hops !== null)?.hops ?? null,
    left: points.some((p) => p.left),
    delayMinMs: minOf(points.map((p) => p.delayMinMs)),
    delayP50Ms: meanOf(points.map((p) => p.delayP50Ms)),
    delayP99Ms: maxOf(points.map((p) => p.delayP99Ms)),
    jitterMs: meanOf(points.map((p) => p.jitterMs)),
    joinLatencyMs: maxOf(points.map((p) => p.joinLatencyMs)),
    maxGapMs: maxOf(points.map((p) => p.maxGapMs)),
  };
}

/** lost / (received + lost), or null when neither happened. */
export const lossRatio = (f: Pick<CellFigures, 'received' | 'lost'>): number | null =>
  f.received + f.lost > 0 ? f.lost / (f.received + f.lost) : null;
