// Monitor beacons: the UDP payload each sender puts into its groups once per period — monitor, group,
// sending agent, epoch (its start), sequence, send time on the server's clock and the hop limit it left
// with — signed with a truncated HMAC-SHA256 under the monitor's key, so receivers count only beacons of
// their own monitor, sent by a participant (pure).
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAGIC = 0x4e534231; // "NSB1"
const MAC_BYTES = 16;
const FIXED = 4 + 4 + 8 + 8 + 8;

export interface Beacon {
  monitorId: string;
  groupId: string;
  sender: string;
  epoch: number;
  seq: number;
  /** Send time on the server's clock (the sender's wall clock corrected by its offset), ms. */
  sentMs: number;
  hopLimit: number;
}

const mac = (key: Buffer, body: Uint8Array) =>
  createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);

export function encodeBeacon(b: Beacon, key: Buffer): Buffer {
  const strings = [b.monitorId, b.groupId, b.sender].map((s) => Buffer.from(s, 'utf8'));
  const body = Buffer.alloc(FIXED + strings.reduce((n, s) => n + 1 + s.length, 0));
  body.writeUInt32BE(MAGIC, 0);
  body.writeUInt8(b.hopLimit, 4);
  body.writeDoubleBE(b.epoch, 8);
  body.writeDoubleBE(b.seq, 16);
  body.writeDoubleBE(b.sentMs, 24);
  let o = FIXED;
  for (const s of strings) {
    body.writeUInt8(s.length, o);
    s.copy(body, o + 1);
    o += 1 + s.length;
  }
  return Buffer.concat([body, mac(key, body)]);
}

/** The beacon, 'forged' when it looks like one but its signature fails, or undefined when it is not one. */
export function decodeBeacon(payload: Uint8Array, key: Buffer): Beacon | 'forged' | undefined {
  const p = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  if (p.length < FIXED + 3 + MAC_BYTES || p.readUInt32BE(0) !== MAGIC) return undefined;
  const body = p.subarray(0, p.length - MAC_BYTES);
  if (!timingSafeEqual(mac(key, body), p.subarray(p.length - MAC_BYTES))) return 'forged';
  const strings: string[] = [];
  let o = FIXED;
  for (let i = 0; i < 3; i++) {
    const n = body[o];
    if (n === undefined || o + 1 + n > body.length) return 'forged';
    strings.push(body.toString('utf8', o + 1, o + 1 + n));
    o += 1 + n;
  }
  return {
    monitorId: strings[0]!,
    groupId: strings[1]!,
    sender: strings[2]!,
    hopLimit: body.readUInt8(4),
    epoch: body.readDoubleBE(8),
    seq: body.readDoubleBE(16),
    sentMs: body.readDoubleBE(24),
  };
}

/** An untagged Ethernet/IPv6/UDP frame's hop limit and UDP payload, or undefined for anything else. */
export function udp6Payload(
  frame: Uint8Array,
): { hopLimit: number; source: Uint8Array; payload: Uint8Array } | undefined {
  if (frame.length < 62 || frame[12] !== 0x86 || frame[13] !== 0xdd || frame[20] !== 17) return undefined;
  const udpLength = (frame[58]! << 8) | frame[59]!;
  if (udpLength < 8 || 54 + udpLength > frame.length) return undefined;
  return {
    hopLimit: frame[21]!,
    source: frame.subarray(22, 38),
    payload: frame.subarray(62, 54 + udpLength),
  };
}
