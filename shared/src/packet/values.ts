// Text ⇄ bytes for the scalar field types (uint, MAC, IPv4, IPv6, hex bytes, UTF-8 strings).
// Parsers return a string describing the problem instead of throwing, so callers can attach a path;
// addresses are parsed and formatted by ../net (one implementation for every part).
import { ipv4Bytes, ipv6Bytes } from '../net/ip.ts';
import { macBytes } from '../net/mac.ts';

export { formatIpv4, formatIpv6 } from '../net/ip.ts';
export { formatMac } from '../net/mac.ts';

export type Parsed<T> = T | { error: string };
export const isError = <T>(v: Parsed<T>): v is { error: string } =>
  typeof v === 'object' && v !== null && 'error' in v && !(v instanceof Uint8Array);

/** Accepts a number, a bigint, or a decimal / 0x-hex string. */
export function parseUint(value: unknown, bits: number): Parsed<bigint> {
  let v: bigint;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else if (typeof value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(value.trim())) v = BigInt(value.trim());
  else return { error: `not an unsigned integer: ${JSON.stringify(String(value))}` };
  if (v < 0n || v >= 1n << BigInt(bits)) return { error: `${v} does not fit in ${bits} bits` };
  return v;
}

/** Widths up to 53 bits come out as numbers, wider ones as bigints (they exceed Number's exact range). */
export const formatUint = (v: bigint, bits: number): number | bigint => (bits <= 53 ? Number(v) : v);

export function parseMac(value: unknown): Parsed<Uint8Array> {
  return (typeof value === 'string' && macBytes(value)) || { error: 'not a MAC address' };
}

export function parseIpv4(value: unknown): Parsed<Uint8Array> {
  return (typeof value === 'string' && ipv4Bytes(value)) || { error: 'not an IPv4 address' };
}

export function parseIpv6(value: unknown): Parsed<Uint8Array> {
  return (typeof value === 'string' && ipv6Bytes(value)) || { error: 'not an IPv6 address' };
}

/** Hex with optional 0x prefix and ':', '-', space separators. */
export function hexToBytes(value: unknown): Parsed<Uint8Array> {
  if (typeof value !== 'string') return { error: 'not a hex string' };
  const clean = value.replace(/^0x/i, '').replace(/[\s:-]/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(clean)) return { error: 'not a hex string' };
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const hexDigits = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

// No Buffer here: this module also runs in the browser (GUI previews).
export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += hexDigits[x];
  return s;
}

export function parseUtf8(value: unknown): Parsed<Uint8Array> {
  if (typeof value !== 'string') return { error: 'not a string' };
  return new TextEncoder().encode(value);
}

export const formatUtf8 = (b: Uint8Array): string => new TextDecoder().decode(b);

export function bytesToBigint(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}
