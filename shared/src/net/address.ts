// Targets' addresses: an IPv4/IPv6 address (brackets and an IPv6 %zone allowed) or a CIDR range,
// normalised and counted, and a range expanded into its addresses. Used by the server (targets, the
// follow-neighbours ranges), the CLI and the GUI (validation before saving); parsing is ip.ts's.
import {
  formatIp,
  formatPrefix,
  ipv4Bytes,
  ipv6Bytes,
  prefixContains,
  prefixOf,
  type IpFamily,
  type IpPrefix,
} from './ip.ts';

export interface ParsedAddress {
  /** Canonical text: IPv4 dotted quad, IPv6 compressed lower case, "%zone" kept; CIDR as "net/len". */
  text: string;
  family: IpFamily;
  /** Prefix length when the input was a CIDR range. */
  prefix?: number;
  /** Number of addresses covered (1 for a single address). A bigint, since IPv6 ranges are huge. */
  size: bigint;
  /** The addresses covered, as a prefix (a single address is a /32 or /128; a zone is not part of it). */
  network: IpPrefix;
}

export class AddressError extends Error {}

function parseIp(text: string): { bytes: Uint8Array; zone?: string } {
  let s = text.trim();
  const bracketed = s.startsWith('[') && s.endsWith(']');
  if (bracketed) s = s.slice(1, -1);
  let zone: string | undefined;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    // In brackets (URL form, RFC 6874) the zone is introduced by "%25" and percent-encoded: [fe80::1%25eth0].
    if (bracketed && zone.startsWith('25')) {
      try {
        zone = decodeURIComponent(zone.slice(2));
      } catch {
        throw new AddressError(`bad IPv6 zone "${zone}"`);
      }
    }
    if (!/^[\w.-]{1,64}$/.test(zone)) throw new AddressError(`bad IPv6 zone "${zone}"`);
  }
  // Four dotted parts only: a shorthand like "10.1" is a typo here, not an address.
  const v4 = ipv4Bytes(s);
  if (v4) {
    if (zone) throw new AddressError('a zone is only allowed on IPv6 addresses');
    return { bytes: v4 };
  }
  const v6 = ipv6Bytes(s);
  if (v6) return { bytes: v6, ...(zone && { zone }) };
  throw new AddressError(`"${text}" is not an IPv4 or IPv6 address`);
}

/** Parses an IPv4/IPv6 address (brackets and zone allowed) or a CIDR range, normalised. */
export function parseAddressOrRange(input: string): ParsedAddress {
  const slash = input.indexOf('/');
  if (slash < 0) {
    const { bytes, zone } = parseIp(input);
    return {
      text: formatIp(bytes) + (zone ? `%${zone}` : ''),
      family: bytes.length === 4 ? 4 : 6,
      size: 1n,
      network: prefixOf(bytes, bytes.length * 8),
    };
  }
  const { bytes, zone } = parseIp(input.slice(0, slash));
  if (zone) throw new AddressError('a CIDR range cannot carry a zone');
  const lenText = input.slice(slash + 1).trim();
  const bits = bytes.length * 8;
  const prefix = /^\d{1,3}$/.test(lenText) ? Number(lenText) : NaN;
  if (!(prefix >= 0 && prefix <= bits))
    throw new AddressError(`prefix length "${lenText}" must be 0 to ${bits}`);
  const network = prefixOf(bytes, prefix);
  return {
    text: formatPrefix(network),
    family: bits === 32 ? 4 : 6,
    prefix,
    size: 1n << BigInt(bits - prefix),
    network,
  };
}

/** Whether the address lies in the parsed address or range. */
export const rangeContains = (range: ParsedAddress, address: string): boolean =>
  prefixContains(range.network, address);

/**
 * Why an address or range cannot be polled as a target, or undefined: SNMP goes to one device, never to
 * a broadcast, a multicast group or the unspecified address (which the kernel would send to many
 * boxes, or to itself).
 */
export function targetAddressProblem(parsed: ParsedAddress): string | undefined {
  const b = parsed.network.bytes;
  const single = parsed.prefix === undefined || parsed.prefix === b.length * 8;
  const multicast = b.length === 4 ? (b[0]! & 0xf0) === 0xe0 : b[0] === 0xff;
  if (multicast) return `${parsed.text} is a multicast address: a target is one device`;
  if (b.length === 4 && b.every((x) => x === 255))
    return `${parsed.text} is the broadcast address: a target is one device`;
  if (single && b.every((x) => x === 0))
    return `${parsed.text} is the unspecified address: a target is one device`;
  return undefined;
}

/** Expands a range into its addresses (network and broadcast excluded for IPv4 prefixes < 31). */
export function* expandRange(parsed: ParsedAddress): Generator<string> {
  if (parsed.prefix === undefined) {
    yield parsed.text;
    return;
  }
  const base = parsed.network.bytes;
  let value = base.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  let count = parsed.size;
  if (parsed.family === 4 && parsed.prefix < 31) {
    value += 1n;
    count -= 2n;
  }
  for (let i = 0n; i < count; i++) {
    let v = value + i;
    const out = new Uint8Array(base.length);
    for (let b = base.length - 1; b >= 0; b--) {
      out[b] = Number(v & 0xffn);
      v >>= 8n;
    }
    yield formatIp(out);
  }
}
