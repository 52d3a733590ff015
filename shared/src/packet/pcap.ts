// pcap / pcapng capture files as bytes: read (both formats, either byte order) and write (pcap, µs).
// Pure functions over buffers; file I/O is the caller's.
import { DecodeError } from './errors.ts';

export interface CapturedFrame {
  /** Capture time in nanoseconds since the epoch. */
  timestampNs: bigint;
  /** Link type of the interface it was captured on (1 = Ethernet). */
  linkType: number;
  /** Length on the wire (may exceed data.length when the capture was truncated). */
  originalLength: number;
  data: Uint8Array;
}

export const LINKTYPE_ETHERNET = 1;
/** Bare IPv4 or IPv6 packets (the version nibble tells which). */
export const LINKTYPE_RAW = 101;

export function writePcap(
  frames: Array<{ data: Uint8Array; timestampNs?: bigint }>,
  linkType = LINKTYPE_ETHERNET,
): Uint8Array {
  const total = 24 + frames.reduce((s, f) => s + 16 + f.data.length, 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 262144, true);
  dv.setUint32(20, linkType, true);
  let p = 24;
  for (const f of frames) {
    const ns = f.timestampNs ?? 0n;
    dv.setUint32(p, Number(ns / 1_000_000_000n), true);
    dv.setUint32(p + 4, Number((ns % 1_000_000_000n) / 1000n), true);
    dv.setUint32(p + 8, f.data.length, true);
    dv.setUint32(p + 12, f.data.length, true);
    out.set(f.data, p + 16);
    p += 16 + f.data.length;
  }
  return out;
}

/** Reads a pcap or pcapng file; throws DecodeError on a malformed file. */
export function readCapture(bytes: Uint8Array): CapturedFrame[] {
  if (bytes.length < 4) throw new DecodeError('too short for a capture file', '', 0);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return dv.getUint32(0, true) === 0x0a0d0d0a ? readPcapng(bytes, dv) : readPcap(bytes, dv);
}

function need(bytes: Uint8Array, at: number, n: number, what: string): void {
  if (at + n > bytes.length) throw new DecodeError(`truncated ${what}`, '', at);
}

function readPcap(bytes: Uint8Array, dv: DataView): CapturedFrame[] {
  const magic = dv.getUint32(0, true);
  const variants: Record<number, [boolean, bigint]> = {
    0xa1b2c3d4: [true, 1000n],
    0xa1b23c4d: [true, 1n],
    0xd4c3b2a1: [false, 1000n],
    0x4d3cb2a1: [false, 1n],
  };
  const v = variants[magic];
  if (!v) throw new DecodeError('not a pcap or pcapng file', '', 0);
  const [le, fracNs] = v;
  need(bytes, 0, 24, 'pcap header');
  const linkType = dv.getUint32(20, le) & 0xffff;
  const frames: CapturedFrame[] = [];
  for (let p = 24; p < bytes.length;) {
    need(bytes, p, 16, 'record header');
    const incl = dv.getUint32(p + 8, le);
    need(bytes, p + 16, incl, 'record');
    frames.push({
      timestampNs: BigInt(dv.getUint32(p, le)) * 1_000_000_000n + BigInt(dv.getUint32(p + 4, le)) * fracNs,
      linkType,
      originalLength: dv.getUint32(p + 12, le),
      data: new Uint8Array(bytes.subarray(p + 16, p + 16 + incl)),
    });
    p += 16 + incl;
  }
  return frames;
}

interface Iface {
  linkType: number;
  /** Nanoseconds per timestamp unit, or units per second when the resolution is a power of two. */
  unitNs: bigint;
  perSecond?: bigint;
}

function readPcapng(bytes: Uint8Array, dv: DataView): CapturedFrame[] {
  const frames: CapturedFrame[] = [];
  let le = true;
  let ifaces: Iface[] = [];
  for (let p = 0; p < bytes.length;) {
    need(bytes, p, 12, 'block header');
    const type = dv.getUint32(p, le);
    if (type === 0x0a0d0d0a) {
      need(bytes, p, 12, 'section header');
      le = dv.getUint32(p + 8, true) === 0x1a2b3c4d;
      if (!le && dv.getUint32(p + 8, false) !== 0x1a2b3c4d)
        throw new DecodeError('bad byte-order magic', '', p + 8);
      ifaces = [];
    }
    const len = dv.getUint32(p + 4, le);
    if (len < 12 || len % 4 !== 0) throw new DecodeError(`bad block length ${len}`, '', p + 4);
    need(bytes, p, len, 'block');
    if (type === 1) ifaces.push(interfaceBlock(dv, p, len, le));
    else if (type === 6 || type === 3) {
      const enhanced = type === 6;
      const iface = enhanced ? ifaces[dv.getUint32(p + 8, le)] : ifaces[0];
      if (!iface) throw new DecodeError('packet for an undeclared interface', '', p);
      const headerLen = enhanced ? 28 : 16;
      const incl = enhanced ? dv.getUint32(p + 20, le) : Math.min(dv.getUint32(p + 8, le), len - 20);
      if (headerLen + incl > len - 4) throw new DecodeError('packet overruns its block', '', p);
      const ts = enhanced ? (BigInt(dv.getUint32(p + 12, le)) << 32n) | BigInt(dv.getUint32(p + 16, le)) : 0n;
      frames.push({
        timestampNs: iface.perSecond ? (ts * 1_000_000_000n) / iface.perSecond : ts * iface.unitNs,
        linkType: iface.linkType,
        originalLength: dv.getUint32(p + (enhanced ? 24 : 8), le),
        data: new Uint8Array(bytes.subarray(p + headerLen, p + headerLen + incl)),
      });
    }
    p += len;
  }
  return frames;
}

function interfaceBlock(dv: DataView, p: number, len: number, le: boolean): Iface {
  const iface: Iface = { linkType: dv.getUint16(p + 8, le), unitNs: 1000n };
  // Options: if_tsresol (code 9) changes the timestamp unit from the default microseconds.
  for (let o = p + 16; o + 4 <= p + len - 4;) {
    const code = dv.getUint16(o, le);
    const olen = dv.getUint16(o + 2, le);
    if (code === 0) break;
    if (code === 9 && olen >= 1) {
      const r = dv.getUint8(o + 4);
      if (r & 0x80) iface.perSecond = 1n << BigInt(r & 0x7f);
      else if ((r & 0x7f) <= 9) iface.unitNs = 10n ** BigInt(9 - (r & 0x7f));
      else iface.perSecond = 10n ** BigInt(r & 0x7f);
    }
    o += 4 + Math.ceil(olen / 4) * 4;
  }
  return iface;
}
