// The counters per-hop localisation reads from one device on a flow's path: multicast packets and
// discards + errors of the hop's incoming and outgoing interfaces (IF-MIB), in one GET per poll.
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

export interface HopInterfaces {
  inIfIndex?: number;
  outIfIndex?: number;
}

export interface HopCounters {
  inPkts?: bigint;
  outPkts?: bigint;
  inDrops?: bigint;
  outDrops?: bigint;
}

type Key = keyof typeof COLUMNS;
const ifOf = (k: Key, h: HopInterfaces) => (k.startsWith('in') ? h.inIfIndex : h.outIfIndex);

/** The OIDs one poll of a hop asks for. */
export function hopCounterOids(h: HopInterfaces): string[] {
  return (Object.keys(COLUMNS) as Key[]).flatMap((k) => {
    const i = ifOf(k, h);
    return i === undefined ? [] : COLUMNS[k].map((c) => `${c}.${i}`);
  });
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
