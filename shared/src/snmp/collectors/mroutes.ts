// Multicast forwarding state: IPMCAST-MIB routes and next hops, else IPv4-only IPMROUTE-STD-MIB.
import type { McastNextHop, McastRouteFacts } from '../facts.ts';
import { decodeInetIndex, decodeInetValue, ipv4FromBytes, maskLength } from '../inet.ts';
import { IPMCAST_NEXT_HOP, IPMCAST_ROUTE, IPMROUTE_STD_NEXT_HOP, IPMROUTE_STD_ROUTE } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toBigInt, toInt } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';

export async function collectMulticastRoutes(w: Walker): Promise<McastRouteFacts[]> {
  const routes = await w.walk('ipMcastRouteTable', IPMCAST_ROUTE);
  if (routes.size > 0)
    return parseIpMcastRoutes(routes, await w.walk('ipMcastRouteNextHopTable', IPMCAST_NEXT_HOP));
  const legacy = await w.walk('ipMRouteTable', IPMROUTE_STD_ROUTE);
  if (legacy.size === 0) return [];
  return parseIpMRoutes(legacy, await w.walk('ipMRouteNextHopTable', IPMROUTE_STD_NEXT_HOP));
}

interface RouteKey {
  group: string;
  groupPrefixLength: number;
  source?: string;
  sourcePrefixLength: number;
  used: number;
}

/**
 * GroupAddrType.Group.GroupPfxLen.SrcAddrType.Source.SrcPfxLen; a (*,G) route has source type
 * unknown(0) with a zero-length address.
 */
function decodeRouteKey(ids: number[]): RouteKey | undefined {
  const g = decodeInetIndex(ids, 0);
  if (!g) return undefined;
  let at = g.used;
  const groupPrefixLength = ids[at++];
  if (groupPrefixLength === undefined) return undefined;
  let source: string | undefined;
  if (ids[at] === 0 && ids[at + 1] === 0) at += 2;
  else {
    const s = decodeInetIndex(ids, at);
    if (!s) return undefined;
    source = s.address;
    at += s.used;
  }
  const sourcePrefixLength = ids[at++];
  if (sourcePrefixLength === undefined) return undefined;
  const key: RouteKey = { group: g.address, groupPrefixLength, sourcePrefixLength, used: at };
  if (source !== undefined && sourcePrefixLength > 0) key.source = source;
  return key;
}

export function parseIpMcastRoutes(routes: Rows, nextHops: Rows): McastRouteFacts[] {
  const byIndex = new Map<string, McastRouteFacts>();
  for (const [index, row] of routes) {
    const k = decodeRouteKey(parseOid(index));
    if (!k) continue;
    const r: McastRouteFacts = {
      group: k.group,
      groupPrefixLength: k.groupPrefixLength,
      sourcePrefixLength: k.sourcePrefixLength,
      nextHops: [],
      mib: 'ipmcast',
    };
    if (k.source) r.source = k.source;
    const inIf = toInt(row.inIfIndex);
    if (inIf !== undefined && inIf > 0) r.inIfIndex = inIf;
    const up = decodeInetValue(
      toInt(row.upstreamType),
      Buffer.isBuffer(row.upstream) ? row.upstream : undefined,
    );
    if (up) r.upstream = up;
    const protocol = toInt(row.protocol);
    if (protocol !== undefined) r.protocol = protocol;
    const octets = toBigInt(row.octets);
    if (octets !== undefined) r.octets = octets.toString();
    const pkts = toBigInt(row.pkts);
    if (pkts !== undefined) r.pkts = pkts.toString();
    byIndex.set(index, r);
  }
  for (const [index, row] of nextHops) {
    const ids = parseOid(index);
    const k = decodeRouteKey(ids);
    if (!k) continue;
    const route = byIndex.get(ids.slice(0, k.used).join('.'));
    const ifIndex = ids[k.used];
    if (!route || ifIndex === undefined) continue;
    const hop: McastNextHop = { ifIndex };
    const nh = decodeInetIndex(ids, k.used + 1, 0);
    if (nh) hop.address = nh.address;
    const state = toInt(row.state);
    if (state !== undefined) hop.state = state;
    route.nextHops.push(hop);
  }
  return [...byIndex.values()];
}

/** IPMROUTE-STD index Group.Source.SourceMask (IpAddress each); next hop adds IfIndex.Address. */
export function parseIpMRoutes(routes: Rows, nextHops: Rows): McastRouteFacts[] {
  const byIndex = new Map<string, McastRouteFacts>();
  for (const [index, row] of routes) {
    const ids = parseOid(index);
    if (ids.length !== 12) continue;
    const mask = maskLength(ipv4FromBytes(ids.slice(8, 12))) ?? 0;
    const r: McastRouteFacts = {
      group: ipv4FromBytes(ids.slice(0, 4)),
      groupPrefixLength: 32,
      sourcePrefixLength: mask,
      nextHops: [],
      mib: 'ipmroute-std',
    };
    if (mask > 0) r.source = ipv4FromBytes(ids.slice(4, 8));
    const inIf = toInt(row.inIfIndex);
    if (inIf !== undefined && inIf > 0) r.inIfIndex = inIf;
    if (typeof row.upstream === 'string' && row.upstream !== '0.0.0.0') r.upstream = row.upstream;
    const protocol = toInt(row.protocol);
    if (protocol !== undefined) r.protocol = protocol;
    const pkts = toBigInt(row.pkts);
    if (pkts !== undefined) r.pkts = pkts.toString();
    byIndex.set(index, r);
  }
  for (const [index, row] of nextHops) {
    const ids = parseOid(index);
    if (ids.length !== 17) continue;
    const route = byIndex.get(ids.slice(0, 12).join('.'));
    if (!route) continue;
    const hop: McastNextHop = { ifIndex: ids[12]!, address: ipv4FromBytes(ids.slice(13)) };
    const state = toInt(row.state);
    if (state !== undefined) hop.state = state;
    route.nextHops.push(hop);
  }
  return [...byIndex.values()];
}
