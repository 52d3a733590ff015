// ARP/ND caches: IP-MIB ipNetToPhysicalTable, with ipNetToMediaTable (IPv4) and IPV6-MIB ipv6NetToMediaTable fallbacks.
import type { NeighborFacts } from '../facts.ts';
import { decodeInetIndex, ipv4FromBytes, ipv6FromBytes } from '../inet.ts';
import { IP_NET_TO_MEDIA, IP_NET_TO_PHYSICAL, IPV6_NET_TO_MEDIA } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt, toMac } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';

export async function collectNeighbors(w: Walker): Promise<NeighborFacts[]> {
  const modern = parseIpNetToPhysical(await w.walk('ipNetToPhysicalTable', IP_NET_TO_PHYSICAL));
  const has = (family: string): boolean => modern.some((n) => n.family === family);
  const v4 = has('ipv4') ? [] : parseIpNetToMedia(await w.walk('ipNetToMediaTable', IP_NET_TO_MEDIA));
  const v6 = has('ipv6') ? [] : parseIpv6NetToMedia(await w.walk('ipv6NetToMediaTable', IPV6_NET_TO_MEDIA));
  return dedupeNeighbors([...modern, ...v4, ...v6]);
}

/** Index ifIndex.addrType.len.addr (len sometimes missing). Invalid (type 2) entries are dropped. */
export function parseIpNetToPhysical(rows: Rows): NeighborFacts[] {
  const out: NeighborFacts[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    const a = decodeInetIndex(ids, 1, 0);
    if (!a || toInt(row.type) === 2) continue;
    out.push(neighbor(ids[0]!, a.address, a.family, row.physAddress, toInt(row.state)));
  }
  return out;
}

export function parseIpNetToMedia(rows: Rows): NeighborFacts[] {
  const out: NeighborFacts[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    if (ids.length !== 5 || toInt(row.type) === 2) continue;
    out.push(neighbor(ids[0]!, ipv4FromBytes(ids.slice(1)), 'ipv4', row.physAddress, undefined));
  }
  return out;
}

export function parseIpv6NetToMedia(rows: Rows): NeighborFacts[] {
  const out: NeighborFacts[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    if (ids.length !== 17) continue;
    out.push(neighbor(ids[0]!, ipv6FromBytes(ids.slice(1)), 'ipv6', row.physAddress, toInt(row.state)));
  }
  return out;
}

function neighbor(
  ifIndex: number,
  address: string,
  family: 'ipv4' | 'ipv6',
  phys: unknown,
  state: number | undefined,
): NeighborFacts {
  const n: NeighborFacts = { ifIndex, address, family };
  const mac = toMac(phys);
  if (mac) n.mac = mac;
  if (state !== undefined) n.state = state;
  return n;
}

/** The same neighbour can be listed twice (e.g. fe80:: per interface on Linux): one per (ifIndex, address). */
function dedupeNeighbors(list: NeighborFacts[]): NeighborFacts[] {
  const seen = new Map<string, NeighborFacts>();
  for (const n of list) if (!seen.has(`${n.ifIndex}|${n.address}`)) seen.set(`${n.ifIndex}|${n.address}`, n);
  return [...seen.values()];
}
