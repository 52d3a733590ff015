// Builds one Ethernet + IPv6 + UDP frame with a valid UDP checksum, for benches and tests until the
// shared packet model's compile() provides templates. Offsets are returned so patch points can be named.
import { ipv6Bytes as parseIpv6 } from '@netspotter/shared/net/ip';
import { macBytes as parseMac } from '@netspotter/shared/net/mac';

export interface Udp6FrameSpec {
  srcMac: string;
  /** Defaults to the IPv6 multicast MAC of `dst` (33:33 + last 32 bits). */
  dstMac?: string;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  hopLimit?: number;
  payload: Uint8Array;
}

export interface Udp6Frame {
  frame: Buffer;
  /** Offset of the UDP payload in the frame. */
  payloadOffset: number;
  /** Offset of the UDP checksum, for incremental fix-ups. */
  csumOffset: number;
}

function macBytes(mac: string): Uint8Array {
  const b = parseMac(mac);
  if (!b) throw new TypeError(`bad MAC ${mac}`);
  return b;
}

/** The 16 bytes of an IPv6 address (the shared parser); a TypeError names a bad one. */
export function ipv6Bytes(addr: string): Buffer {
  const b = parseIpv6(addr);
  if (!b) throw new TypeError(`bad IPv6 address ${addr}`);
  return Buffer.from(b);
}

function onesSum(bytes: Uint8Array, sum = 0): number {
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** UDP-over-IPv6 checksum of the frame's UDP part (pseudo-header included), as stored on the wire. */
export function udp6Checksum(frame: Uint8Array, ipOffset = 14): number {
  const ip = Buffer.from(frame.buffer, frame.byteOffset + ipOffset);
  const udpLen = ip.readUInt16BE(4);
  const udp = Buffer.from(ip.subarray(40, 40 + udpLen));
  udp.writeUInt16BE(0, 6);
  const pseudo = Buffer.alloc(40);
  ip.copy(pseudo, 0, 8, 40);
  pseudo.writeUInt32BE(udpLen, 32);
  pseudo[39] = 17;
  const c = ~onesSum(udp, onesSum(pseudo)) & 0xffff;
  return c === 0 ? 0xffff : c;
}

export function udp6Frame(spec: Udp6FrameSpec): Udp6Frame {
  const dstIp = ipv6Bytes(spec.dst);
  const dstMac = spec.dstMac ? macBytes(spec.dstMac) : [0x33, 0x33, ...dstIp.subarray(12)];
  const udpLen = 8 + spec.payload.length;
  const f = Buffer.alloc(14 + 40 + udpLen);
  Buffer.from([...dstMac, ...macBytes(spec.srcMac)]).copy(f, 0);
  f.writeUInt16BE(0x86dd, 12);
  f.writeUInt32BE(0x60000000, 14);
  f.writeUInt16BE(udpLen, 18);
  f[20] = 17;
  f[21] = spec.hopLimit ?? 64;
  ipv6Bytes(spec.src).copy(f, 22);
  dstIp.copy(f, 38);
  f.writeUInt16BE(spec.srcPort, 54);
  f.writeUInt16BE(spec.dstPort, 56);
  f.writeUInt16BE(udpLen, 58);
  Buffer.from(spec.payload).copy(f, 62);
  f.writeUInt16BE(udp6Checksum(f), 60);
  return { frame: f, payloadOffset: 62, csumOffset: 60 };
}
