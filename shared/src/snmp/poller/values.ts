// Turning raw varbind values (Buffers, numbers, strings) into plain text, numbers, MACs and bigints.
import { formatMac, normaliseMac } from '../../net/mac.ts';

/** A MAC from its text in any usual spelling (the shared parser; the name discovery has always used). */
export { normaliseMac as macFromText };

/** Counters as bigint (the walker already turned Counter64 into bigint); anything else is not a counter. */
export function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

export function toInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  if (Buffer.isBuffer(value) && value.length > 0 && value.length <= 6)
    return value.readUIntBE(0, value.length);
  return undefined;
}

/** Printable text, or undefined when the octets are binary (then use toHex). */
export function toText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (!Buffer.isBuffer(value)) return undefined;
  let buf = value;
  while (buf.length > 0 && buf[buf.length - 1] === 0) buf = buf.subarray(0, buf.length - 1);
  for (const b of buf) if ((b < 0x20 && b !== 9 && b !== 10 && b !== 13) || b === 0x7f) return undefined;
  const text = buf.toString('utf8');
  return text.includes('\ufffd') ? buf.toString('latin1') : text;
}

export function toHex(value: unknown): string | undefined {
  return Buffer.isBuffer(value) ? value.toString('hex') : undefined;
}

/** A text value when printable, else hex: for display fields that may be binary. */
export function toDisplay(value: unknown): string | undefined {
  return toText(value) ?? toHex(value);
}

/**
 * A MAC from 6 raw octets, 7 octets with a leading length byte 6 (Netdisco fix-up), or the
 * textual forms agents put in octet strings ("18:66:da:92:34:35", "0016.c8bd.4d80", hex "0016c8bd4d80").
 */
export function toMac(value: unknown): string | undefined {
  if (Buffer.isBuffer(value)) {
    if (value.length === 6) return formatMac(value);
    if (value.length === 7 && value[0] === 6) return formatMac(value.subarray(1));
    const text = toText(value);
    return text === undefined ? undefined : normaliseMac(text);
  }
  return typeof value === 'string' ? normaliseMac(value) : undefined;
}

/** MACs that identify no box: all-zero, broadcast, VRRP/HSRP virtual router MACs. */
export function isNonIdentifyingMac(mac: string): boolean {
  return (
    mac === '00:00:00:00:00:00' ||
    mac === 'ff:ff:ff:ff:ff:ff' ||
    mac.startsWith('00:00:5e:00:01:') ||
    mac.startsWith('00:00:5e:00:02:') ||
    mac.startsWith('00:00:0c:07:ac:')
  );
}
