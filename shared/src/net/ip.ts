// IP addresses and prefixes: text ⇄ bytes, canonical text (RFC 5952 for IPv6), prefixes and whether
// one holds an address. The one implementation for every part: the packet codec (a hot path, and it
// runs in the browser too), discovery, targets and the follow-neighbours ranges. Returns undefined on
// bad input; callers word their own refusal.

export type IpFamily = 4 | 6;

/** Four dotted decimal octets, or undefined. `leadingZeros` accepts "010.1.1.1" (as some agents write it). */
export function ipv4Bytes(text: string, opts: { leadingZeros?: boolean } = {}): Uint8Array | undefined {
  const parts = text.split('.');
  const octet = opts.leadingZeros ? /^\d{1,3}$/ : /^(0|[1-9]\d{0,2})$/;
  if (parts.length !== 4 || !parts.every((p) => octet.test(p) && Number(p) <= 255)) return undefined;
  return Uint8Array.from(parts, Number);
}

/** An IPv6 literal (an embedded IPv4 tail allowed, no zone) as 16 bytes, or undefined. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  if (text.length > 45) return undefined;
  let s = text;
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const b = ipv4Bytes(v4[2]!);
    if (!b) return undefined;
    s = `${v4[1]}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (x: string) => (x === '' ? [] : x.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    const w = parseInt(g, 16);
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** Either family. */
export const ipBytes = (text: string): Uint8Array | undefined => ipv4Bytes(text) ?? ipv6Bytes(text);

export const formatIpv4 = (b: ArrayLike<number>): string => Array.from(b).join('.');

/** RFC 5952 text: lower case, the longest run of two or more zero groups compressed. */
export function formatIpv6(b: ArrayLike<number>): string {
  const g = Array.from({ length: 8 }, (_, i) => ((b[2 * i] ?? 0) << 8) | (b[2 * i + 1] ?? 0));
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

export const formatIp = (b: ArrayLike<number>): string => (b.length === 4 ? formatIpv4(b) : formatIpv6(b));

/** Canonical text of an IPv4/IPv6 literal (surrounding space and an IPv6 zone dropped), or undefined. */
export function canonicalIp(text: string): string | undefined {
  const t = text.trim();
  const b = ipv4Bytes(t, { leadingZeros: true }) ?? ipv6Bytes(t.replace(/%.*$/, ''));
  return b && formatIp(b);
}

/** A family by name, as SNMP tables and template names spell it. */
export type IpFamilyName = 'ipv4' | 'ipv6';

export const familyOf = (address: string): IpFamilyName => (address.includes(':') ? 'ipv6' : 'ipv4');

/** Addresses that identify nothing: unspecified, loopback, link-local (they repeat on every box). */
export function isNonIdentifying(address: string): boolean {
  if (address === '0.0.0.0' || address.startsWith('127.') || address.startsWith('169.254.')) return true;
  if (address === '::' || address === '::1') return true;
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

/** A prefix: its network's bytes (host bits cleared) and length. */
export interface IpPrefix {
  bytes: Uint8Array;
  length: number;
}

/** `bytes` with every bit past `length` cleared. */
function masked(bytes: Uint8Array, length: number): Uint8Array {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, length - i * 8));
    return keep === 8 ? b : b & ((0xff << (8 - keep)) & 0xff);
  });
}

/** The prefix of `length` bits that holds the address `bytes`. */
export const prefixOf = (bytes: Uint8Array, length: number): IpPrefix => ({
  bytes: masked(bytes, length),
  length,
});

export const formatPrefix = (p: IpPrefix): string => `${formatIp(p.bytes)}/${p.length}`;

/** Whether the prefix holds the address (of the same family). */
export function prefixContains(p: IpPrefix, address: string): boolean {
  const bytes = ipBytes(address);
  if (!bytes || bytes.length !== p.bytes.length) return false;
  return masked(bytes, p.length).every((b, i) => b === p.bytes[i]);
}

/** The network of an address for a prefix length, as `addr/len` text (shared-subnet grouping). */
export function networkOf(address: string, length: number): string | undefined {
  const bytes = ipBytes(address);
  if (!bytes || !(length >= 0 && length <= bytes.length * 8)) return undefined;
  return formatPrefix(prefixOf(bytes, length));
}

/** Prefix length of a dotted IPv4 netmask, or undefined when the mask is not contiguous. */
export function maskLength(mask: string): number | undefined {
  const o = ipv4Bytes(mask.trim(), { leadingZeros: true });
  if (!o) return undefined;
  const bits = Array.from(o, (x) => x.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}

/**
 * Orders addresses and ranges as numbers, not text (192.0.2.2 before 192.0.2.10): IPv4 before IPv6,
 * then byte by byte, then the shorter prefix first; brackets, zones and prefix lengths are read.
 * Text that is no address sorts after every address, alphabetically.
 */
export function compareAddresses(a: string, b: string): number {
  const key = (t: string) => {
    const [head = '', len] = t.replace(/[[\]]/g, '').split('/');
    const bytes = ipBytes(head.split('%')[0]!);
    return { bytes, len: len === undefined ? 129 : Number(len) };
  };
  const ka = key(a);
  const kb = key(b);
  if (!ka.bytes || !kb.bytes) return ka.bytes ? -1 : kb.bytes ? 1 : a.localeCompare(b);
  if (ka.bytes.length !== kb.bytes.length) return ka.bytes.length - kb.bytes.length;
  for (let i = 0; i < ka.bytes.length; i++)
    if (ka.bytes[i] !== kb.bytes[i]) return ka.bytes[i]! - kb.bytes[i]!;
  return ka.len - kb.len;
}
