// Address decoding from OID index sub-ids and octet buffers, tolerant of the malformed encodings real
// agents send. Text ⇄ bytes, prefixes and MACs are @netspotter/shared's (one implementation for every
// part); the names discovery has always used are kept here.
import { formatIpv4, formatIpv6, type IpFamilyName as Family } from '../net/ip.ts';

export type { Family };
export {
  canonicalIp,
  familyOf,
  formatIpv4 as ipv4FromBytes,
  formatIpv6 as ipv6FromBytes,
  isNonIdentifying,
  maskLength,
  networkOf,
} from '../net/ip.ts';
export { formatMac as macFromBytes } from '../net/mac.ts';

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
  return { family, address: family === 'ipv4' ? formatIpv4(octets) : formatIpv6(octets), used };
}

/** Decodes an InetAddress value (octets) by its InetAddressType; by length when the type is unknown. */
export function decodeInetValue(type: number | undefined, value: Buffer | undefined): string | undefined {
  if (!value) return undefined;
  const size = type === 1 || type === 3 ? 4 : type === 2 || type === 4 ? 16 : value.length;
  if (size === 4 && value.length >= 4) return formatIpv4(value.subarray(0, 4));
  if (size === 16 && value.length >= 16) return formatIpv6(value.subarray(0, 16));
  return undefined;
}
