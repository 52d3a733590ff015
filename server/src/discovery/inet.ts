// Address decoding from OID index sub-ids and octet buffers, tolerant of the malformed encodings real agents send.

export type Family = 'ipv4' | 'ipv6';

export function ipv4FromBytes(b: ArrayLike<number>): string {
  return Array.from(b).join('.');
}

export function ipv6FromBytes(b: ArrayLike<number>): string {
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16));
  // Compress the longest run of zero words (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return words.join(':');
  return `${words.slice(0, best).join(':')}::${words.slice(best + bestLen).join(':')}`;
}

export function macFromBytes(b: ArrayLike<number>): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(':');
}

export interface DecodedAddress {
  family: Family;
  address: string;
  /** Sub-ids consumed from the index. */
  used: number;
}

const validOctets = (ids: number[]): boolean => ids.every((x) => Number.isInteger(x) && x >= 0 && x <= 255);

/**
 * Decodes InetAddressType.InetAddress at `ids[at]`: type (1 v4, 2 v6, 3 v4z, 4 v6z), then a length
 * sub-id and the octets. Agents that drop the length (SNMP::Info repairs 15/17-byte indexes) are
 * accepted when `rest` octets remain exactly; zone suffixes (v4z/v6z) are dropped.
 */
export function decodeInetIndex(ids: number[], at: number, rest?: number): DecodedAddress | undefined {
  const type = ids[at];
  const base = type === 1 || type === 3 ? 4 : type === 2 || type === 4 ? 16 : 0;
  if (!base) return undefined;
  const family: Family = base === 4 ? 'ipv4' : 'ipv6';
  const withZone = type === 3 || type === 4 ? base + 4 : base;
  const len = ids[at + 1];
  let octets: number[];
  let used: number;
  if (
    (len === base || len === withZone) &&
    at + 2 + len <= ids.length &&
    (rest === undefined || ids.length - at - 2 - len === rest)
  ) {
    octets = ids.slice(at + 2, at + 2 + base);
    used = 2 + len;
  } else if (rest !== undefined ? ids.length - at - 1 - rest === base : ids.length - at - 1 >= base) {
    octets = ids.slice(at + 1, at + 1 + base);
    used = 1 + base;
  } else return undefined;
  if (!validOctets(octets)) return undefined;
  return { family, address: family === 'ipv4' ? ipv4FromBytes(octets) : ipv6FromBytes(octets), used };
}

/** Decodes an InetAddress value (octets) by its InetAddressType; by length when the type is unknown. */
export function decodeInetValue(type: number | undefined, value: Buffer | undefined): string | undefined {
  if (!value) return undefined;
  const size = type === 1 || type === 3 ? 4 : type === 2 || type === 4 ? 16 : value.length;
  if (size === 4 && value.length >= 4) return ipv4FromBytes(value.subarray(0, 4));
  if (size === 16 && value.length >= 16) return ipv6FromBytes(value.subarray(0, 16));
  return undefined;
}

export function parseIpv4(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  return o.every((x) => x <= 255) ? o : undefined;
}

/** Parses an IPv6 literal to 16 octets, or undefined. */
export function parseIpv6(s: string): number[] | undefined {
  const text = s.trim().replace(/%.*$/, '');
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const toWords = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const w of part.split(':')) {
      if (w.includes('.')) {
        const v4 = parseIpv4(w);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(w)) out.push(parseInt(w, 16));
      else return undefined;
    }
    return out;
  };
  const head = toWords(halves[0]!);
  const tail = halves.length === 2 ? toWords(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 0) return undefined;
  const words = [...head, ...Array<number>(Math.max(fill, 0)).fill(0), ...tail];
  return words.flatMap((w) => [w >> 8, w & 255]);
}

/** Canonical text of an IPv4/IPv6 literal, or undefined when it is neither. */
export function canonicalIp(s: string): string | undefined {
  const v4 = parseIpv4(s);
  if (v4) return v4.join('.');
  const v6 = parseIpv6(s);
  return v6 ? ipv6FromBytes(v6) : undefined;
}

export function familyOf(address: string): Family {
  return address.includes(':') ? 'ipv6' : 'ipv4';
}

/** Addresses that identify nothing: unspecified, loopback, link-local (repeats on every box). */
export function isNonIdentifying(address: string): boolean {
  if (address === '0.0.0.0' || address.startsWith('127.') || address.startsWith('169.254.')) return true;
  if (address === '::' || address === '::1') return true;
  return /^fe[89ab][0-9a-f]:/i.test(address);
}

/** Network part of an address for a prefix length, as `addr/len` text (used for shared-subnet grouping). */
export function networkOf(address: string, prefixLength: number): string | undefined {
  const bytes = parseIpv4(address) ?? parseIpv6(address);
  if (!bytes) return undefined;
  const bits = bytes.length * 8;
  if (prefixLength < 0 || prefixLength > bits) return undefined;
  const masked = bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefixLength - i * 8));
    return keep === 8 ? b : b & ((0xff << (8 - keep)) & 0xff);
  });
  return `${bytes.length === 4 ? ipv4FromBytes(masked) : ipv6FromBytes(masked)}/${prefixLength}`;
}

/** Prefix length of a dotted IPv4 netmask, or undefined when the mask is not contiguous. */
export function maskLength(mask: string): number | undefined {
  const o = parseIpv4(mask);
  if (!o) return undefined;
  const bits = o.map((x) => x.toString(2).padStart(8, '0')).join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}
