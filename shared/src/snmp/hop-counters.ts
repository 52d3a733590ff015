// The counters per-hop localisation reads from one device on a flow's path: multicast packets and
// discards + errors of the hop's incoming and outgoing interfaces (IF-MIB), and on the last hop whether
// the group has a listener row on the receiver's port (MGMD-STD-MIB), in one GET per poll.
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

export interface HopInterfaces {
  inIfIndex?: number;
  outIfIndex?: number;
  /**
   * Last hop only, on a device that serves MGMD listener rows: the group whose row on the out interface
   * is read (a device without the table would otherwise look like one without the listener).
   */
  listenerGroup?: string;
}

export interface HopCounters {
  inPkts?: bigint;
  outPkts?: bigint;
  inDrops?: bigint;
  outDrops?: bigint;
  /** The group has a listener row on the out interface (asked only with `listenerGroup`). */
  listener?: boolean;
}

type Key = keyof typeof COLUMNS;
const ifOf = (k: Key, h: HopInterfaces) => (k.startsWith('in') ? h.inIfIndex : h.outIfIndex);

/** The MGMD cache row of the hop's listener group on its out interface (InetAddressType 2, length 16). */
function listenerOid(h: HopInterfaces): string | undefined {
  const group = h.listenerGroup === undefined ? undefined : ipv6Bytes(h.listenerGroup);
  if (!group || h.outIfIndex === undefined) return undefined;
  return `${MGMD_CACHE_FILTER_MODE}.2.16.${[...group].join('.')}.${h.outIfIndex}`;
}

/** The OIDs one poll of a hop asks for. */
export function hopCounterOids(h: HopInterfaces): string[] {
  const listener = listenerOid(h);
  return [
    ...(Object.keys(COLUMNS) as Key[]).flatMap((k) => {
      const i = ifOf(k, h);
      return i === undefined ? [] : COLUMNS[k].map((c) => `${c}.${i}`);
    }),
    ...(listener ? [listener] : []),
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
  return out;
}

/** One poll of a hop's counters (throws the walker's classified failure when the device does not answer). */
export async function readHopCounters(w: Walker, h: HopInterfaces): Promise<HopCounters> {
  const oids = hopCounterOids(h);
  return oids.length ? hopCountersOf(await w.get(oids), h) : {};
}

/** Reads a hop's counters over its own short-lived session (one GET; closed whatever the outcome). */
export async function pollHopCounters(
  target: Target,
  settings: SessionSettings,
  h: HopInterfaces,
): Promise<HopCounters> {
  const w = new Walker(openSession(target, settings), { bulkBudget: 0, maxRows: 1 });
  try {
    return await readHopCounters(w, h);
  } finally {
    w.close();
  }
}
