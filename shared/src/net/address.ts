// Address helpers used by the server (targets), the CLI and the GUI (validation before saving).
import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;

export interface ParsedAddress {
  /** Canonical text: IPv4 dotted quad, IPv6 compressed lower case, "%zone" kept; CIDR as "net/len". */
  text: string;
  family: IpFamily;
  /** Prefix length when the input was a CIDR range. */
  prefix?: number;
  /** Number of addresses covered (1 for a single address). A bigint, since IPv6 ranges are huge. */
  size: bigint;
}

export class AddressError extends Error {}

function parseIp(text: string): { addr: ipaddr.IPv4 | ipaddr.IPv6; zone?: string } {
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
  // ipaddr.isValid accepts shorthand IPv4 like "10.1"; require four parts so typos are caught.
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) {
    if (zone) throw new AddressError('a zone is only allowed on IPv6 addresses');
    return { addr: ipaddr.IPv4.parse(s) };
  }
  if (ipaddr.IPv6.isValid(s)) return { addr: ipaddr.IPv6.parse(s), zone };
  throw new AddressError(`"${text}" is not an IPv4 or IPv6 address`);
}

/** Parses an IPv4/IPv6 address (brackets and zone allowed) or a CIDR range, normalised. */
export function parseAddressOrRange(input: string): ParsedAddress {
  const slash = input.indexOf('/');
  if (slash < 0) {
    const { addr, zone } = parseIp(input);
    const family: IpFamily = addr.kind() === 'ipv4' ? 4 : 6;
    return { text: addr.toString() + (zone ? `%${zone}` : ''), family, size: 1n };
  }
  const { addr, zone } = parseIp(input.slice(0, slash));
  if (zone) throw new AddressError('a CIDR range cannot carry a zone');
  const lenText = input.slice(slash + 1).trim();
  const bits = addr.kind() === 'ipv4' ? 32 : 128;
  const prefix = /^\d{1,3}$/.test(lenText) ? Number(lenText) : NaN;
  if (!(prefix >= 0 && prefix <= bits))
    throw new AddressError(`prefix length "${lenText}" must be 0 to ${bits}`);
  const network =
    addr.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${prefix}`);
  return {
    text: `${network.toString()}/${prefix}`,
    family: bits === 32 ? 4 : 6,
    prefix,
    size: 1n << BigInt(bits - prefix),
  };
}

/**
 * Why an address or range cannot be polled as a target, or undefined: SNMP goes to one device, never to
 * a broadcast, a multicast group or the unspecified address (which the kernel would send to many
 * boxes, or to itself).
 */
export function targetAddressProblem(parsed: ParsedAddress): string | undefined {
  const net = ipaddr.parse(parsed.text.split(/[/%]/)[0]!);
  const range = net.range();
  if (range === 'multicast') return `${parsed.text} is a multicast address: a target is one device`;
  if (range === 'broadcast') return `${parsed.text} is the broadcast address: a target is one device`;
  if (
    range === 'unspecified' &&
    (parsed.prefix === undefined || parsed.prefix === (parsed.family === 4 ? 32 : 128))
  )
    return `${parsed.text} is the unspecified address: a target is one device`;
  return undefined;
}

/** Expands a range into its addresses (network and broadcast excluded for IPv4 prefixes < 31). */
export function* expandRange(parsed: ParsedAddress): Generator<string> {
  if (parsed.prefix === undefined) {
    yield parsed.text;
    return;
  }
  const base = ipaddr.parse(parsed.text.split('/')[0]!).toByteArray();
  let value = base.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  let count = parsed.size;
  if (parsed.family === 4 && parsed.prefix < 31) {
    value += 1n;
    count -= 2n;
  }
  const bytes = parsed.family === 4 ? 4 : 16;
  for (let i = 0n; i < count; i++) {
    let v = value + i;
    const out = new Array<number>(bytes);
    for (let b = bytes - 1; b >= 0; b--) {
      out[b] = Number(v & 0xffn);
      v >>= 8n;
    }
    yield ipaddr.fromByteArray(out).toString();
  }
}
