// Pure mapping from a namespace's interface statistics to the IF-MIB counters per-hop localisation reads:
// ifHCInMulticastPkts / ifHCOutMulticastPkts (ifXTable, Counter64) and ifIn/OutDiscards and
// ifIn/OutErrors (ifTable, Counter32).
//
// What the kernel counts, checked on this lab's veth bridge ports: a veth counts no multicast in either
// direction (its `multicast` statistic stays 0 however many multicast frames it takes in), and Linux keeps
// no per-port count of multicast sent at all. So the multicast columns come from nftables counters the lab
// puts on each bridge port (bridge family: multicast frames in at prerouting, out at postrouting). A port
// without them falls back to the kernel's rx `multicast` statistic and, for out, the port's total tx
// packets — which also carry the agents' unicast and LLDP, so they do not stop when multicast does.
// The faults move these: an nftables drop on a port (bridge forward hook) stops that port's tx multicast
// count and moves no discard or error counter (netfilter drops are not netdev drops); a flushed snooping
// entry stops the port's tx multicast (the group stays registered through the other listeners' ports) and
// removes its listener row; a link taken down stops tx on the bridge's side of the link.
import type { MibRow } from './mib-rows.ts';

export interface InterfaceStatistics {
  ifname: string;
  ifIndex: number;
  rx: { packets: number; errors: number; dropped: number; multicast: number };
  tx: { packets: number; errors: number; dropped: number };
}

export interface KernelCounterState {
  interfaces: InterfaceStatistics[];
  /** Multicast frames counted by nftables per interface name, where the lab counts them. */
  multicast: Record<string, { rx?: number; tx?: number }>;
}

const IF_ENTRY = [1, 3, 6, 1, 2, 1, 2, 2, 1];
const IFX_ENTRY = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1];
const COUNTER32 = 2 ** 32;

/** The rows of the six columns, per interface, in OID order. */
export function ifCounterRows(state: KernelCounterState): MibRow[] {
  const rows: MibRow[] = [];
  const byIndex = [...state.interfaces].sort((a, b) => a.ifIndex - b.ifIndex);
  const column = (
    entry: number[],
    col: number,
    type: 'counter' | 'counter64',
    of: (s: InterfaceStatistics) => number,
  ) => {
    for (const s of byIndex)
      rows.push({
        oid: [...entry, col, s.ifIndex],
        type,
        value: String(type === 'counter' ? of(s) % COUNTER32 : of(s)),
      });
  };
  column(IF_ENTRY, 13, 'counter', (s) => s.rx.dropped);
  column(IF_ENTRY, 14, 'counter', (s) => s.rx.errors);
  column(IF_ENTRY, 19, 'counter', (s) => s.tx.dropped);
  column(IF_ENTRY, 20, 'counter', (s) => s.tx.errors);
  column(IFX_ENTRY, 8, 'counter64', (s) => state.multicast[s.ifname]?.rx ?? s.rx.multicast);
  column(IFX_ENTRY, 12, 'counter64', (s) => state.multicast[s.ifname]?.tx ?? s.tx.packets);
  return rows;
}
