// The counters per-hop localisation reads from one device on a flow's path: multicast packets and
// discards + errors of the hop's incoming and outgoing interfaces (IF-MIB); on a router hop the flow's
// route packet counter and whether its next hop on each outgoing interface forwards (IPMCAST-MIB); on the
// last hop whether the group has a listener row on the receiver's port (MGMD-STD-MIB, or MLD-MIB on a
// device that keeps its listeners there); in one GET per poll.
import { ipv6Bytes } from '../net/ip.ts';
import { openSession, type SessionSettings } from './poller/session.ts';
import { toBigInt } from './poller/values.ts';
import { Walker } from './poller/walker.ts';
import type { Target } from './target.ts';

const IF_X = '1.3.6.1.2.1.31.1.1.1';
const IF = '1.3.6.1.2.1.2.2.1';
/** ifHCInMulticastPkts / ifHCOutMulticastPkts (Counter64); discards and errors are Counter32 in ifTable. */
const COLUMNS = {
  inPkts: [`${IF_X}.8`],
  outPkts: [`${IF_X}.12`],
  inDrops: [`${IF}.13`, `${IF}.14`],
  outDrops: [`${IF}.19`, `${IF}.20`],
} as const;

/** mgmdRouterCacheSourceFilterMode: a row exists for every group with listeners on an interface (RFC 5519). */
const MGMD_CACHE_FILTER_MODE = '1.3.6.1.2.1.185.1.4.1.10';
/** mldCacheSelf (RFC 3019): indexed by the group's 16 octets (fixed size, no length) and the ifIndex. */
const MLD_CACHE_SELF = '1.3.6.1.2.1.91.1.2.1.3';
/** ipMcastRoutePkts and ipMcastRouteNextHopState (RFC 5132); next hop state forwarding(2). */
const ROUTE_PKTS = '1.3.6.1.2.1.168.1.5.1.19';
const NEXT_HOP_STATE = '1.3.6.1.2.1.168.1.6.1.10';
const FORWARDING = 2;

export interface HopInterfaces {
  inIfIndex?: number;
  outIfIndex?: number;
  /**
   * Last hop only, on a device that serves MGMD listener rows: the group whose row on the out interface
   * is read (a device without the table would otherwise look like one without the listener).
   */
  listenerGroup?: string;
  /** The table the device's listener rows came from (default MGMD-STD-MIB). */
  listenerMib?: 'mgmd' | 'mld';
  /** Router hops: the flow whose route is read ((*,G) without a source). */
  route?: { group: string; source?: string };
}

export interface HopCounters {
  inPkts?: bigint;
  outPkts?: bigint;
  inDrops?: bigint;
  outDrops?: bigint;
  /** The group has a listener row on the out interface (asked only with `listenerGroup`). */
  listener?: boolean;
  /** Router hops: the route's next hop on the out interface is forwarding (false: absent or pruned). */
  forwarding?: boolean;
}

type Key = keyof typeof COLUMNS;
const ifOf = (k: Key, h: HopInterfaces) => (k.startsWith('in') ? h.inIfIndex : h.outIfIndex);

/**
 * The listener cache row of the hop's group on its out interface: MGMD's index is an InetAddress (type 2,
 * length 16, the octets), MLD-MIB's the bare 16 octets.
 */
function listenerOid(h: HopInterfaces): string | undefined {
  const group = h.listenerGroup === undefined ? undefined : ipv6Bytes(h.listenerGroup);
  if (!group || h.outIfIndex === undefined) return undefined;
  const octets = [...group].join('.');
  return h.listenerMib === 'mld'
    ? `${MLD_CACHE_SELF}.${octets}.${h.outIfIndex}`
    : `${MGMD_CACHE_FILTER_MODE}.2.16.${octets}.${h.outIfIndex}`;
}

/** An IPv6 address as an InetAddress index part: type 2, length 16, the octets. */
const inet = (address: string) => {
  const b = ipv6Bytes(address);
  return b && `2.16.${[...b].join('.')}`;
};

/** The route's OIDs: its packet counter, and its next hop state on the out interface (on a LAN the next hop address is the group). */
function routeOids(h: HopInterfaces): { pkts: string; state?: string } | undefined {
  if (!h.route) return undefined;
  const group = inet(h.route.group);
  // (*,G): source type unknown(0), zero length, prefix length 0.
  const source = h.route.source === undefined ? '0.0' : inet(h.route.source);
  if (!group || !source) return undefined;
  const index = `${group}.128.${source}.${h.route.source === undefined ? 0 : 128}`;
  return {
    pkts: `${ROUTE_PKTS}.${index}`,
    ...(h.outIfIndex !== undefined && { state: `${NEXT_HOP_STATE}.${index}.${h.outIfIndex}.${group}` }),
  };
}

/** The OIDs one poll of a hop asks for. */
export function hopCounterOids(h: HopInterfaces): string[] {
  const listener = listenerOid(h);
  const route = routeOids(h);
  return [
    ...(Object.keys(COLUMNS) as Key[]).flatMap((k) => {
      const i = ifOf(k, h);
      return i === undefined ? [] : COLUMNS[k].map((c) => `${c}.${i}`);
    }),
    ...(listener ? [listener] : []),
    ...(route ? [route.pkts, ...(route.state ? [route.state] : [])] : []),
  ];
}

/** A GET's answer as the hop's counters (pure); a counter the device lacks stays undefined. */
export function hopCountersOf(values: ReadonlyMap<string, unknown>, h: HopInterfaces): HopCounters {
  const out: HopCounters = {};
  for (const k of Object.keys(COLUMNS) as Key[]) {
    const i = ifOf(k, h);
    if (i === undefined) continue;
    const parts = COLUMNS[k].map((c) => toBigInt(values.get(`${c}.${i}`)));
    // Discards and errors are summed; one missing half still counts the other.
    if (parts.some((p) => p !== undefined)) out[k] = parts.reduce<bigint>((s, p) => s + (p ?? 0n), 0n);
  }
  const listener = listenerOid(h);
  if (listener) out.listener = values.has(listener);
  const route = routeOids(h);
  // The route's own count of the flow's packets (taken in by its RPF interface) says more than the
  // interface's count of all multicast: it is the hop's in point when the router has it.
  const routePkts = route && toBigInt(values.get(route.pkts));
  if (routePkts !== undefined) out.inPkts = routePkts;
  // Only a route the router answered for says anything about its next hops.
  if (route?.state && routePkts !== undefined) out.forwarding = values.get(route.state) === FORWARDING;
  return out;
}

/**
 * One poll of a device's counters for each of its out points (the same in interface and route, one out
 * port each), in one GET however many ports; throws the walker's classified failure when the device
 * does not answer.
 */
export async function readHopCounters(w: Walker, hs: readonly HopInterfaces[]): Promise<HopCounters[]> {
  const oids = [...new Set(hs.flatMap(hopCounterOids))];
  const values = oids.length ? await w.get(oids) : new Map<string, unknown>();
  return hs.map((h) => hopCountersOf(values, h));
}

/** Reads a device's counters over its own short-lived session (one GET; closed whatever the outcome). */
export async function pollHopCounters(
  target: Target,
  settings: SessionSettings,
  hs: readonly HopInterfaces[],
): Promise<HopCounters[]> {
  const w = new Walker(openSession(target, settings), { bulkBudget: 0, maxRows: 1 });
  try {
    return await readHopCounters(w, hs);
  } finally {
    w.close();
  }
}
