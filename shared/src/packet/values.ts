// Text ⇄ bytes for the scalar field types (uint, MAC, IPv4, IPv6, hex bytes, UTF-8 strings).
// Parsers return a string describing the problem instead of throwing, so callers can attach a path.

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
  const m =
    typeof value === 'string'
      ? /^([0-9a-f]{2})([:-]?)((?:[0-9a-f]{2}\2?){4}[0-9a-f]{2})$/i.exec(value)
      : null;
  if (!m) return { error: 'not a MAC address' };
  return hexToBytes(value as string) as Uint8Array;
}

export const formatMac = (b: Uint8Array): string =>
  [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

export function parseIpv4(value: unknown): Parsed<Uint8Array> {
  const parts = typeof value === 'string' ? value.split('.') : [];
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) {
    return { error: 'not an IPv4 address' };
  }
  return Uint8Array.from(parts.map(Number));
}

export const formatIpv4 = (b: Uint8Array): string => [...b].join('.');

export function parseIpv6(value: unknown): Parsed<Uint8Array> {
  const bad = { error: 'not an IPv6 address' };
  if (typeof value !== 'string' || value.length > 45) return bad;
  let text = value;
  const tail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = parseIpv4(v4[2]);
    if (isError(b)) return bad;
    text = `${v4[1]}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return bad;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) return bad;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return bad;
  for (const g of all) tail.push(parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff);
  return Uint8Array.from(tail);
}

/** RFC 5952 text: lower case, longest run of ≥ 2 zero groups compressed. */
export function formatIpv6(b: Uint8Array): string {
  const g = Array.from({ length: 8 }, (_, i) => (b[2 * i]! << 8) | b[2 * i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
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
