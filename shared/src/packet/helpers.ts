// IPv6 address helpers used when building multicast test frames.
import { MessageError } from './errors.ts';
import { formatIpv6, formatMac, isError, parseIpv4, parseIpv6, parseMac } from './values.ts';

function ipv6(text: string): Uint8Array {
  const b = parseIpv6(text);
  if (isError(b)) throw new MessageError([{ path: '', message: `${b.error}: ${text}` }]);
  return b;
}

/** Destination MAC of an IPv6 multicast group (RFC 2464): 33:33 + the low 32 bits. IPv4: 01:00:5e + 23 bits. */
export function multicastMac(group: string): string {
  const v4 = parseIpv4(group);
  if (!isError(v4)) return formatMac(Uint8Array.of(0x01, 0x00, 0x5e, v4[1]! & 0x7f, v4[2]!, v4[3]!));
  const b = ipv6(group);
  if (b[0] !== 0xff) throw new MessageError([{ path: '', message: `not a multicast address: ${group}` }]);
  return formatMac(Uint8Array.of(0x33, 0x33, ...b.subarray(12)));
}

/** Solicited-node multicast address (RFC 4291): ff02::1:ffXX:XXXX from the low 24 bits. */
export function solicitedNode(address: string): string {
  const b = ipv6(address);
  return formatIpv6(Uint8Array.of(0xff, 0x02, ...Array<number>(9).fill(0), 0x01, 0xff, ...b.subarray(13)));
}

/** Modified EUI-64 interface identifier from a MAC, as an address in `prefix` (a /64, default fe80::). */
export function eui64(mac: string, prefix = 'fe80::'): string {
  const m = parseMac(mac);
  if (isError(m)) throw new MessageError([{ path: '', message: `${m.error}: ${mac}` }]);
  const out = ipv6(prefix).slice();
  out.set([m[0]! ^ 0x02, m[1]!, m[2]!, 0xff, 0xfe, m[3]!, m[4]!, m[5]!], 8);
  return formatIpv6(out);
}
