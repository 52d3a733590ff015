// LLDP chassis/port ID and management-address decoding, per subtype, tolerant of textual encodings.
import type { LldpRemote } from '../facts.ts';
import { canonicalIp, ipv4FromBytes, ipv6FromBytes } from '../inet.ts';
import { putName } from '../poller/names.ts';
import { toDisplay, toMac, toText } from '../poller/values.ts';

/** Chassis subtypes: 4 macAddress, 5 networkAddress; port subtypes: 3 macAddress, 4 networkAddress. */
export function decodeLldpId(
  kind: 'chassis' | 'port',
  subtype: number | undefined,
  value: unknown,
): string | undefined {
  const macSubtype = kind === 'chassis' ? 4 : 3;
  const netSubtype = kind === 'chassis' ? 5 : 4;
  if (subtype === macSubtype) {
    const mac = toMac(value);
    if (mac) return mac;
  }
  if (subtype === netSubtype && Buffer.isBuffer(value)) {
    const ip = networkAddress(value);
    if (ip) return ip;
  }
  const text = toDisplay(value);
  return text === undefined ? undefined : text.trim();
}

/** IANA address family octet + address, or the address written as text. */
function networkAddress(b: Buffer): string | undefined {
  if (b.length === 5 && b[0] === 1) return ipv4FromBytes(b.subarray(1));
  if (b.length === 17 && b[0] === 2) return ipv6FromBytes(b.subarray(1));
  const text = toText(b);
  return text === undefined ? undefined : canonicalIp(text);
}

/**
 * Management address from the lldpRemManAddrTable index tail: subtype (1 ipv4, 2 ipv6) then the
 * address with or without a length sub-id, an IPv4 with a stray trailing 0 (length 5), or the
 * address as ASCII text. Returns undefined for MAC (all802) and unusable addresses.
 */
export function decodeManAddr(ids: number[]): string | undefined {
  const [subtype, ...rest] = ids;
  const size = subtype === 1 ? 4 : subtype === 2 ? 16 : 0;
  if (!size || rest.some((x) => x > 255)) return undefined;
  let octets: number[] | undefined;
  if (rest.length === size + 1 && rest[0] === size) octets = rest.slice(1);
  else if (rest.length === size) octets = rest;
  else if (size === 4 && rest.length === 6 && rest[0] === 5 && rest[5] === 0) octets = rest.slice(1, 5);
  if (!octets) {
    const body = rest.length > 0 && rest[0] === rest.length - 1 ? rest.slice(1) : rest;
    const ip = canonicalIp(String.fromCharCode(...body));
    return ip && usable(ip) ? ip : undefined;
  }
  const ip = size === 4 ? ipv4FromBytes(octets) : ipv6FromBytes(octets);
  return usable(ip) ? ip : undefined;
}

function usable(ip: string): boolean {
  return ip !== '0.0.0.0' && ip !== '::' && !ip.startsWith('127.') && ip !== '::1';
}

/**
 * A neighbour's chassis and port ids (decoded by their subtypes, LLDP-MIB's numbers or a vendor's mapped
 * to them) and its names, from a remote-table row of any layout.
 */
export function remoteIdentity(
  chassisIdSubtype: number | undefined,
  portIdSubtype: number | undefined,
  row: Record<string, unknown>,
): Omit<LldpRemote, 'managementAddresses'> {
  const r: Omit<LldpRemote, 'managementAddresses'> = {};
  if (chassisIdSubtype !== undefined) r.chassisIdSubtype = chassisIdSubtype;
  const chassis = decodeLldpId('chassis', chassisIdSubtype, row.chassisId);
  if (chassis) r.chassisId = chassis;
  if (portIdSubtype !== undefined) r.portIdSubtype = portIdSubtype;
  const port = decodeLldpId('port', portIdSubtype, row.portId);
  if (port) r.portId = port;
  putName(r, 'portDesc', row.portDesc);
  putName(r, 'sysName', row.sysName);
  putName(r, 'sysDesc', row.sysDesc, { kind: 'text' });
  return r;
}
