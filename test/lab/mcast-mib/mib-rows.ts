// Pure mapping from a namespace's kernel multicast state (the JSON of `bridge -j -d -s mdb show` and
// `ip -j -s -6 mroute show`) to MGMD-STD-MIB and IPMCAST-MIB rows, indexed as RFC 5519 / RFC 5132 say
// (see ../shared/multicast-mibs.md §0): InetAddressType, then a length sub-id and one sub-id per octet.
import { ipv6Bytes as parseIpv6 } from '../../../shared/src/net/ip.ts';

/** pass_persist value types; `octet` is hex octets separated by spaces. */
export type PassPersistType =
  'integer' | 'gauge' | 'timeticks' | 'counter' | 'counter64' | 'string' | 'octet';

export interface MibRow {
  oid: number[];
  type: PassPersistType;
  value: string;
}

/** One entry of `bridge -j -d -s mdb show` (`[{ mdb: [...], router: {...} }]`). */
export interface MdbEntry {
  dev: string;
  port: string;
  grp: string;
  src?: string;
  filter_mode?: string;
  /** Seconds left, as text ("258.79"), with `-s`. */
  timer?: string;
}

/** One entry of `ip -j -s -6 mroute show`. */
export interface MrouteEntry {
  src?: string;
  dst: string;
  iif?: string;
  multipath?: { oif: string }[];
  packets?: number;
  bytes?: number;
}

export interface KernelMcastState {
  /** Interface name → ifIndex (`ip -j link show`). */
  ifIndex: Record<string, number>;
  mdb: MdbEntry[];
  mroutes: MrouteEntry[];
  /** net.ipv6.conf.all.mc_forwarding: a multicast routing daemon holds the kernel's mroute socket. */
  mcForwarding: boolean;
}

export const MGMD_ROUTER_CACHE_ENTRY = [1, 3, 6, 1, 2, 1, 185, 1, 4, 1];
export const MGMD_ROUTER_SRC_LIST_ENTRY = [1, 3, 6, 1, 2, 1, 185, 1, 8, 1];
export const IPMCAST = [1, 3, 6, 1, 2, 1, 168, 1];
const ROUTE_ENTRY = [...IPMCAST, 5, 1];
const NEXT_HOP_ENTRY = [...IPMCAST, 6, 1];

const IPV6 = 2;
const UNKNOWN = 0;
const NETMGMT = 3; // IANAipMRouteProtocol: static routes (smcroute)
const FORWARDING = 2;

/** InetAddressType.InetAddress index sub-ids for an IPv6 literal (not IMPLIED: with the length). */
export function inetIndex(address: string): number[] | undefined {
  const octets = parseIpv6(address);
  return octets ? [IPV6, 16, ...octets] : undefined;
}

const ticks = (seconds: string | undefined): string => String(Math.round(Number(seconds ?? 0) * 100));

/** mgmdRouterCacheTable (ExpiryTime, SourceFilterMode) and mgmdRouterSrcListTable (Expire) from the mdb. */
export function mgmdRows(state: KernelMcastState): MibRow[] {
  const rows: MibRow[] = [];
  for (const e of state.mdb) {
    const group = inetIndex(e.grp);
    const port = state.ifIndex[e.port];
    if (!group || port === undefined) continue;
    if (e.src !== undefined) {
      // An MLDv2 (S,G) entry: the source is a length-prefixed InetAddress after the ifIndex.
      const source = parseIpv6(e.src);
      if (source)
        rows.push({
          oid: [...MGMD_ROUTER_SRC_LIST_ENTRY, 5, ...group, port, 16, ...source],
          type: 'timeticks',
          value: ticks(e.timer),
        });
      continue;
    }
    const index = [...group, port];
    rows.push({ oid: [...MGMD_ROUTER_CACHE_ENTRY, 6, ...index], type: 'timeticks', value: ticks(e.timer) });
    rows.push({
      oid: [...MGMD_ROUTER_CACHE_ENTRY, 10, ...index],
      type: 'integer',
      value: e.filter_mode === 'include' ? '1' : '2',
    });
  }
  return rows;
}

/** ipMcastEnabled, ipMcastRouteEntryCount, ipMcastRouteTable and ipMcastRouteNextHopTable from the MFC. */
export function ipMcastRows(state: KernelMcastState): MibRow[] {
  const rows: MibRow[] = [];
  let count = 0;
  for (const r of state.mroutes) {
    const group = inetIndex(r.dst);
    const source = r.src && r.src !== '::' ? inetIndex(r.src) : undefined;
    if (!group || (r.src && r.src !== '::' && !source)) continue;
    count++;
    // (*,G): source type unknown(0), zero-length source, prefix length 0 (RFC 5132).
    const index = [...group, 128, ...(source ? [...source, 128] : [UNKNOWN, 0, 0])];
    const col = (c: number, type: PassPersistType, value: string) =>
      rows.push({ oid: [...ROUTE_ENTRY, c, ...index], type, value });
    col(7, 'integer', String(UNKNOWN)); // UpstreamNeighborType: static routes have no upstream router
    col(8, 'string', ''); // UpstreamNeighbor: zero-length InetAddress
    const inIf = r.iif === undefined ? undefined : state.ifIndex[r.iif];
    if (inIf !== undefined) col(9, 'integer', String(inIf));
    col(12, 'integer', String(NETMGMT));
    col(18, 'counter64', String(r.bytes ?? 0));
    col(19, 'counter64', String(r.packets ?? 0));
    for (const hop of r.multipath ?? []) {
      const oif = state.ifIndex[hop.oif];
      if (oif === undefined) continue;
      // On a LAN the next hop address is the group itself (RFC 5132 ipMcastRouteNextHopAddress).
      rows.push({
        oid: [...NEXT_HOP_ENTRY, 10, ...index, oif, ...group],
        type: 'integer',
        value: String(FORWARDING),
      });
    }
  }
  rows.push({ oid: [...IPMCAST, 1, 0], type: 'integer', value: state.mcForwarding ? '1' : '2' });
  rows.push({ oid: [...IPMCAST, 2, 0], type: 'gauge', value: String(count) });
  return rows;
}

export function compareOid(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function isUnder(oid: number[], prefix: number[]): boolean {
  return oid.length > prefix.length && prefix.every((x, i) => oid[i] === x);
}

/** Every row of both MIBs, in OID order (as GETNEXT needs). */
export function allRows(state: KernelMcastState): MibRow[] {
  return [...ipMcastRows(state), ...mgmdRows(state)].sort((x, y) => compareOid(x.oid, y.oid));
}
