// Multicast listeners per interface: MGMD-STD-MIB router cache (+ MLDv2 source lists), else IPV6-MLD-MIB
// and IGMP-STD-MIB caches.
import type { ListenerFacts } from '../facts.ts';
import { decodeInetIndex, decodeInetValue, ipv4FromBytes, ipv6FromBytes } from '../inet.ts';
import { IGMP_STD_CACHE, MGMD_ROUTER_CACHE, MGMD_ROUTER_SRC_LIST, MLD_CACHE } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import type { Rows, Walker } from '../poller/walker.ts';

export async function collectListeners(w: Walker): Promise<ListenerFacts[]> {
  const mgmd = await w.walk('mgmdRouterCacheTable', MGMD_ROUTER_CACHE);
  if (mgmd.size > 0)
    return parseMgmdCache(mgmd, await w.walk('mgmdRouterSrcListTable', MGMD_ROUTER_SRC_LIST));
  return [
    ...parseMldCache(await w.walk('mldCacheTable', MLD_CACHE)),
    ...parseIgmpCache(await w.walk('igmpCacheTable', IGMP_STD_CACHE)),
  ];
}

/** Cache index AddrType.Addr.IfIndex; source list index AddrType.Addr.IfIndex.HostAddr (length-prefixed). */
export function parseMgmdCache(cache: Rows, srcList: Rows): ListenerFacts[] {
  const byKey = new Map<string, ListenerFacts>();
  for (const [index, row] of cache) {
    const ids = parseOid(index);
    const g = decodeInetIndex(ids, 0);
    const ifIndex = g ? ids[g.used] : undefined;
    if (!g || ifIndex === undefined) continue;
    const l: ListenerFacts = { group: g.address, ifIndex, mib: 'mgmd' };
    const reporter = decodeInetValue(
      ids[0],
      Buffer.isBuffer(row.lastReporter) ? row.lastReporter : undefined,
    );
    if (reporter) l.lastReporter = reporter;
    byKey.set(`${g.address}|${ifIndex}`, l);
  }
  for (const index of srcList.keys()) {
    const ids = parseOid(index);
    const g = decodeInetIndex(ids, 0);
    if (!g) continue;
    const ifIndex = ids[g.used];
    const len = ids[g.used + 1];
    const host = ids.slice(g.used + 2);
    if (ifIndex === undefined || host.length !== len || (len !== 4 && len !== 16)) continue;
    const l = byKey.get(`${g.address}|${ifIndex}`);
    if (!l) continue;
    (l.sources ??= []).push(len === 4 ? ipv4FromBytes(host) : ipv6FromBytes(host));
  }
  return [...byKey.values()];
}

/** IPV6-MLD-MIB index: 16 address octets without a length, then ifIndex. */
export function parseMldCache(rows: Rows): ListenerFacts[] {
  const out: ListenerFacts[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    if (ids.length !== 17 || ids.some((x, i) => i < 16 && x > 255)) continue;
    const l: ListenerFacts = { group: ipv6FromBytes(ids.slice(0, 16)), ifIndex: ids[16]!, mib: 'mld' };
    const reporter = decodeInetValue(2, Buffer.isBuffer(row.lastReporter) ? row.lastReporter : undefined);
    if (reporter) l.lastReporter = reporter;
    out.push(l);
  }
  return out;
}

/** IGMP-STD-MIB index: IpAddress group (4 sub-ids), then ifIndex. */
export function parseIgmpCache(rows: Rows): ListenerFacts[] {
  const out: ListenerFacts[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    if (ids.length !== 5) continue;
    const l: ListenerFacts = { group: ipv4FromBytes(ids.slice(0, 4)), ifIndex: ids[4]!, mib: 'igmp' };
    if (typeof row.lastReporter === 'string') l.lastReporter = row.lastReporter;
    out.push(l);
  }
  return out;
}
