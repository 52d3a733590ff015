// MikroTik RouterOS.
// - Before 7.7 lldpRemTable is indexed by neighbour only (no local port): the local interface of neighbour N
//   is mtxrNeighborInterfaceID.N, an interface id named by mtxrInterfaceStatsName, matched to ifName (then
//   ifDescr); the ids are not promised to be ifIndexes (LibreNMS does the same).
// - dot1dTpFdbPort holds the ifIndex, not the bridge port: in the routeros_crs317 recording bridge port 22
//   maps to sfp-sfpplus8, which is down, while ifIndex 22 is the bond (server-trunk) that learned those 31 MACs,
//   and the other FDB port numbers (9–12, 17, 18 = bridge1 itself) are all ifIndexes.
import type { InterfaceFacts } from '../facts.ts';
import { MTXR_INTERFACE_STATS, MTXR_NEIGHBOR } from '../oids.ts';
import { decodeName } from '../poller/names.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows } from '../poller/walker.ts';
import { portIsIfIndex } from './port-is-ifindex.ts';
import type { VendorQuirks } from './quirks.ts';

export const mikrotik: VendorQuirks = {
  family: 'MikroTik RouterOS',
  fdbPorts: portIsIfIndex('MikroTik RouterOS: FDB port is the ifIndex', true),
  lldpLocalIfIndex: async (w, rem, interfaces) => {
    if (![...rem.keys()].some((index) => parseOid(index).length === 1)) return new Map();
    return mikrotikLocalIfIndex(
      await w.walk('mtxrNeighborTable', MTXR_NEIGHBOR),
      await w.walk('mtxrInterfaceStatsTable', MTXR_INTERFACE_STATS),
      interfaces,
    );
  },
};

/** Neighbour index → local ifIndex, through the interface name MIKROTIK-MIB gives the neighbour's interface. */
export function mikrotikLocalIfIndex(
  neighbors: Rows,
  interfaceNames: Rows,
  interfaces: InterfaceFacts[],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [index, row] of neighbors) {
    const id = toInt(row.interfaceId);
    const name = id === undefined ? undefined : decodeName(interfaceNames.get(String(id))?.name)?.text;
    if (!name) continue;
    const match =
      interfaces.find((i) => i.ifName === name) ?? interfaces.find((i) => i.ifDescr?.trim() === name);
    if (match) out.set(index, match.ifIndex);
  }
  return out;
}
