// Compile a message for fast sending: encode once, then per frame write only the sequence number and
// send time, and fix each covering Internet checksum incrementally (RFC 1624): the checksum of the
// unchanging bytes is precomputed, so a frame costs a few byte writes plus a sum over the patched words.
import { computeChecksum, type ChecksumSite, type Placed, encodeDetailed } from './encode.ts';
import { MessageError, joinPath } from './errors.ts';
import { type TemplateLibrary, isPresent } from './library.ts';
import type { Message } from './schema.ts';
import { isNode } from './tree.ts';
import { inetChecksum } from './checksum.ts';

/** Paths of the fields to patch, e.g. `body.body.body.seq`; by default the test-signature block's. */
export interface PatchPaths {
  seq?: string;
  txSec?: string;
  txNsec?: string;
  streamId?: string;
}

interface PatchPoint {
  at: number;
  bytes: number;
}

/** An incrementally fixed Internet checksum: constant part plus the words that patching touches. */
interface Fixup {
  /** A CRC-32 has no cheap incremental form: it is recomputed over its coverage (slow path). */
  crc?: ChecksumSite;
  at: number;
  base: number;
  hi: Int32Array;
  lo: Int32Array;
  nonZero: boolean;
  /** The patched words are exactly the patch fields, word-aligned: their sum comes from the values. */
  arith: boolean;
}

const NONE: PatchPoint = { at: -1, bytes: 0 };

export class CompiledMessage {
  readonly length: number;
  /** Checksums to fix, innermost first (outer ones cover inner ones). */
  private readonly fixups: Fixup[];
  // Byte offsets of the patched fields (-1: absent); the sequence number may be 16, 32 or 64 bits.
  private readonly seqHiAt: number;
  private readonly seqAt: number;
  private readonly seq16At: number;
  private readonly secAt: number;
  private readonly nsecAt: number;

  constructor(
    /** The encoded frame with the message's own values. */
    readonly bytes: Uint8Array,
    private readonly points: { seq: PatchPoint; txSec: PatchPoint; txNsec: PatchPoint; streamId: PatchPoint },
    private readonly sites: ChecksumSite[],
  ) {
    this.length = bytes.length;
    const { seq, txSec, txNsec } = points;
    for (const p of [txSec, txNsec]) {
      if (p.bytes && p.bytes !== 4)
        throw new MessageError([{ path: '', message: 'send time fields must be 32 bits' }]);
    }
    this.seqHiAt = seq.bytes === 8 ? seq.at : -1;
    this.seqAt = seq.bytes === 8 ? seq.at + 4 : seq.bytes === 4 ? seq.at : -1;
    this.seq16At = seq.bytes === 2 ? seq.at : -1;
    this.secAt = txSec.at;
    this.nsecAt = txNsec.at;
    const dirty = new Set<number>();
    for (const p of [seq, txSec, txNsec]) for (let i = 0; i < p.bytes; i++) dirty.add(p.at + i);
    const patched = new Set(dirty);
    this.fixups = [];
    // Sites are innermost first, so an outer checksum sees inner checksums as patched bytes too.
    for (const site of sites) {
      if (site.literal) continue;
      const covered = site.ranges.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + i));
      if (!covered.some((p) => dirty.has(p))) continue;
      this.fixups.push(site.kind === 'crc32' ? crcFixup(site) : fixup(site, covered, dirty, patched, bytes));
      for (let i = 0; i < (site.kind === 'crc32' ? 4 : 2); i++) dirty.add(site.at + i);
    }
  }

  /** The same frame with another stream id (checksums recomputed once, here). */
  withStreamId(id: number): CompiledMessage {
    const { streamId } = this.points;
    if (!streamId.bytes)
      throw new MessageError([{ path: 'streamId', message: 'the message has no stream id field' }]);
    const bytes = this.bytes.slice();
    writeUint(bytes, streamId.at, streamId.bytes, id);
    for (const site of this.sites) {
      if (site.literal) continue;
      bytes.fill(0, site.at, site.at + (site.kind === 'crc32' ? 4 : 2));
      writeUint(bytes, site.at, site.kind === 'crc32' ? 4 : 2, computeChecksum(site, bytes));
    }
    return new CompiledMessage(bytes, this.points, this.sites);
  }

  /** Copies the base frame into `buf` at `off` and patches it. */
  writeFrame(buf: Uint8Array, off: number, seq: number, txSec: number, txNsec: number): void {
    buf.set(this.bytes, off);
    this.patch(buf, off, seq, txSec, txNsec);
  }

  /**
   * Patches a frame already holding the base bytes at `off`: sequence number (a safe integer),
   * send time, and the checksums covering them.
   */
  patch(b: Uint8Array, off: number, seq: number, txSec: number, txNsec: number): void {
    if (this.seqHiAt >= 0) put32(b, off + this.seqHiAt, Math.floor(seq / 4294967296));
    if (this.seqAt >= 0) put32(b, off + this.seqAt, seq);
    if (this.seq16At >= 0) {
      b[off + this.seq16At] = (seq >>> 8) & 0xff;
      b[off + this.seq16At + 1] = seq & 0xff;
    }
    if (this.secAt >= 0) put32(b, off + this.secAt, txSec);
    if (this.nsecAt >= 0) put32(b, off + this.nsecAt, txNsec);
    const fixups = this.fixups;
    for (let c = 0; c < fixups.length; c++) {
      const f = fixups[c]!;
      if (f.crc) {
        this.crcFix(f.crc, b, off);
        continue;
      }
      let s = f.base;
      if (f.arith) s += this.valueSum(seq, txSec, txNsec);
      else {
        const hi = f.hi;
        const lo = f.lo;
        for (let i = 0; i < hi.length; i++) {
          const l = lo[i]!;
          s += (b[off + hi[i]!]! << 8) | (l >= 0 ? b[off + l]! : 0);
        }
      }
      s = (s & 0xffff) + (s >>> 16);
      s = (s & 0xffff) + (s >>> 16);
      let v = ~s & 0xffff;
      if (v === 0 && f.nonZero) v = 0xffff;
      b[off + f.at] = v >>> 8;
      b[off + f.at + 1] = v & 0xff;
    }
  }

  /** One's-complement sum (unfolded) of the 16-bit words the patch fields hold. */
  private valueSum(seq: number, txSec: number, txNsec: number): number {
    let s = 0;
    if (this.seqHiAt >= 0) {
      const h = Math.floor(seq / 4294967296);
      s += (h >>> 16) + (h & 0xffff);
    }
    if (this.seqAt >= 0) s += (seq >>> 16) + (seq & 0xffff);
    if (this.seq16At >= 0) s += seq & 0xffff;
    if (this.secAt >= 0) s += (txSec >>> 16) + (txSec & 0xffff);
    if (this.nsecAt >= 0) s += (txNsec >>> 16) + (txNsec & 0xffff);
    return s;
  }

  private crcFix(site: ChecksumSite, b: Uint8Array, off: number): void {
    const frame = b.subarray(off, off + this.length);
    frame.fill(0, site.at, site.at + 4);
    writeUint(frame, site.at, 4, computeChecksum(site, frame));
  }
}

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function writeUint(b: Uint8Array, at: number, bytes: number, v: number): void {
  if (bytes === 8) {
    put32(b, at, Math.floor(v / 4294967296));
    put32(b, at + 4, v >>> 0);
  } else if (bytes === 4) {
    put32(b, at, v);
  } else {
    b[at] = (v >>> 8) & 0xff;
    b[at + 1] = v & 0xff;
  }
}

function crcFixup(site: ChecksumSite): Fixup {
  return {
    crc: site,
    at: site.at,
    base: 0,
    hi: new Int32Array(),
    lo: new Int32Array(),
    nonZero: false,
    arith: false,
  };
}

/** Splits a checksum's coverage into constant words (summed now) and words touching dirty bytes. */
function fixup(
  site: ChecksumSite,
  covered: number[],
  dirty: Set<number>,
  patched: Set<number>,
  bytes: Uint8Array,
): Fixup {
  const words = new Set<number>();
  covered.forEach((p, v) => dirty.has(p) && words.add(v >> 1));
  const zeroed = bytes.slice();
  const hi: number[] = [];
  const lo: number[] = [];
  for (const w of [...words].sort((a, b) => a - b)) {
    const [h, l] = [covered[2 * w]!, covered[2 * w + 1]];
    hi.push(h);
    lo.push(l ?? -1);
    zeroed[h] = 0;
    if (l !== undefined) zeroed[l] = 0;
  }
  zeroed[site.at] = 0;
  zeroed[site.at + 1] = 0;
  const chunks = site.ranges.map(([a, b]) => zeroed.subarray(a, b));
  const base = ~inetChecksum(site.pseudo ? [site.pseudo, ...chunks] : chunks) & 0xffff;
  const arith =
    hi.length * 2 === patched.size &&
    hi.every((h, i) => lo[i] === h + 1 && patched.has(h) && patched.has(h + 1));
  return {
    at: site.at,
    base,
    hi: Int32Array.from(hi),
    lo: Int32Array.from(lo),
    nonZero: site.nonZero,
    arith,
  };
}

/** Finds a uint field by path (`body.body.records[1].x`) and returns its byte position and size. */
function locate(root: Placed, path: string): PatchPoint {
  let p = root;
  const parts = path.split('.');
  for (let k = 0; k < parts.length; k++) {
    const m = /^([A-Za-z_][\w-]*)(?:\[(\d+)\])?$/.exec(parts[k]!);
    const f = m && p.node.tpl.byName.get(m[1]!);
    const where = parts.slice(0, k + 1).join('.');
    if (!f) throw new MessageError([{ path: where, message: 'no such field' }]);
    let value = p.node.values[f.index]!;
    if (m[2] !== undefined) value = Array.isArray(value) ? value[Number(m[2])]! : value;
    if (isNode(value)) {
      p = p.children.find((c) => c.node === value)!;
      continue;
    }
    const bit = p.pos[f.index]!;
    if (!isPresent(f, p.node.values))
      throw new MessageError([{ path: where, message: 'not present in this message' }]);
    if (k !== parts.length - 1 || f.type !== 'uint' || bit % 8 !== 0 || ![16, 32, 64].includes(f.bits)) {
      throw new MessageError([
        { path: where, message: 'patch points must be byte-aligned 16, 32 or 64-bit uint fields' },
      ]);
    }
    return { at: bit / 8, bytes: f.bits / 8 };
  }
  throw new MessageError([{ path, message: 'names a message, not a field' }]);
}

/** Path of the first message with signature fields (seq, txSec, txNsec, streamId), depth first. */
function findSignature(p: Placed, path: string): string | undefined {
  const names = p.node.tpl.byName;
  if (['seq', 'txSec', 'txNsec', 'streamId'].every((n) => names.has(n))) return path;
  for (const c of p.children) {
    const f = p.node.tpl.fields.find((x) => p.node.values[x.index] === c.node);
    const found = f && findSignature(c, joinPath(path, f.name));
    if (found !== undefined) return found;
  }
  return undefined;
}

export function compile(lib: TemplateLibrary, message: Message, paths: PatchPaths = {}): CompiledMessage {
  const enc = encodeDetailed(lib, message);
  const sig = findSignature(enc.root, '');
  const point = (explicit: string | undefined, name: string): PatchPoint => {
    if (explicit) return locate(enc.root, explicit);
    return sig === undefined ? NONE : locate(enc.root, joinPath(sig, name));
  };
  const points = {
    seq: point(paths.seq, 'seq'),
    txSec: point(paths.txSec, 'txSec'),
    txNsec: point(paths.txNsec, 'txNsec'),
    streamId: point(paths.streamId, 'streamId'),
  };
  return new CompiledMessage(enc.bytes, points, enc.checksums);
}
