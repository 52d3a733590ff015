// IP-FORWARD-MIB inetCidrRouteTable, with the IPv4-only ipCidrRouteTable and then RFC 1213 ipRouteTable
// as fallbacks (each only when the newer table is empty).
import type { RouteFacts } from '../facts.ts';
import { decodeInetIndex, ipv4FromBytes, maskLength } from '../inet.ts';
import { INET_CIDR_ROUTE, IP_CIDR_ROUTE, IP_ROUTE } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';

export async function collectRoutes(w: Walker): Promise<RouteFacts[]> {
  const modern = parseInetCidrRoutes(await w.walk('inetCidrRouteTable', INET_CIDR_ROUTE));
  if (modern.length > 0) return modern;
  const cidr = parseIpCidrRoutes(await w.walk('ipCidrRouteTable', IP_CIDR_ROUTE));
  if (cidr.length > 0) return cidr;
  return parseIpRoutes(await w.walk('ipRouteTable', IP_ROUTE));
}

/** Index destType.dest.pfxLen.policy(length-prefixed OID).nextHopType.nextHop. */
export function parseInetCidrRoutes(rows: Rows): RouteFacts[] {
  const out: RouteFacts[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    const dest = decodeInetIndex(ids, 0);
    if (!dest) continue;
    let at = dest.used;
    const prefixLength = ids[at++];
    const policyLength = ids[at++];
    if (prefixLength === undefined || policyLength === undefined) continue;
    at += policyLength;
    const nh = decodeInetIndex(ids, at, 0);
    if (!nh) continue;
    out.push(route(dest.address, prefixLength, nh.address, row));
  }
  return out;
}

/** Index dest(4).mask(4).tos.nextHop(4). */
export function parseIpCidrRoutes(rows: Rows): RouteFacts[] {
  const out: RouteFacts[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    if (ids.length !== 13) continue;
    const len = maskLength(ipv4FromBytes(ids.slice(4, 8)));
    if (len === undefined) continue;
    out.push(route(ipv4FromBytes(ids.slice(0, 4)), len, ipv4FromBytes(ids.slice(9, 13)), row));
  }
  return out;
}

/** Index dest(4); mask and next hop are columns. Invalid(2) entries are deleted routes (RFC 1213). */
export function parseIpRoutes(rows: Rows): RouteFacts[] {
  const out: RouteFacts[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    // IpAddress values arrive from net-snmp as dotted strings.
    const { mask, nextHop } = row;
    if (ids.length !== 4 || typeof mask !== 'string' || typeof nextHop !== 'string') continue;
    if (toInt(row.type) === 2) continue;
    const len = maskLength(mask);
    if (len === undefined) continue;
    out.push(route(ipv4FromBytes(ids), len, nextHop, row));
  }
  return out;
}

function route(
  destination: string,
  prefixLength: number,
  nextHop: string,
  row: Record<string, unknown>,
): RouteFacts {
  const r: RouteFacts = { destination, prefixLength, nextHop };
  const ifIndex = toInt(row.ifIndex);
  if (ifIndex !== undefined && ifIndex > 0) r.ifIndex = ifIndex;
  const type = toInt(row.type);
  if (type !== undefined) r.type = type;
  const proto = toInt(row.proto);
  if (proto !== undefined) r.proto = proto;
  return r;
}
