// Per-VLAN BRIDGE-MIB instances (vendors whose quirks say so: Cisco's community@VLAN / context vlan-VLAN):
// each VLAN's bridge ports, forwarding table and spanning tree (PVST+). The cost is bounded: only the VLANs
// the vendor names (those with ports), at most `budget` of them, concurrently so the silent ones (no such
// instance) cost one timeout together, and each within the device's time budget.
import type { FdbEntry, StpInstance } from '../facts.ts';
import { DOT1D_BASE_PORT, DOT1D_STP, DOT1D_STP_PORT, DOT1D_TP_FDB } from '../oids.ts';
import { mapBounded } from '../poller/pool.ts';
import type { Walker } from '../poller/walker.ts';
import { parseDot1dFdb, parsePortIfIndex } from './bridge-rows.ts';
import { parseBridgeId } from './bridge-id.ts';
import { parseStpPorts } from './stp.ts';

export interface VlanInstance {
  vlan: number;
  ports: Record<string, number>;
  fdb: FdbEntry[];
  stp: StpInstance;
}

const CONCURRENT_INSTANCES = 8;

export async function walkVlanInstances(
  w: Walker,
  vlans: number[],
  openVlan: (vlan: number) => Walker,
  budget: number,
): Promise<VlanInstance[]> {
  const chosen = vlans.slice(0, budget);
  if (vlans.length > chosen.length)
    w.issues.push({
      table: 'per-VLAN BRIDGE-MIB',
      reason: `truncated: VLAN budget, ${chosen.length} of ${vlans.length} VLANs walked (not VLAN ${vlans.slice(budget).join(',')})`,
    });
  const results = await mapBounded(chosen, CONCURRENT_INSTANCES, async (vlan) => {
    const vw = openVlan(vlan);
    try {
      const ports = parsePortIfIndex(await vw.walk(`dot1dBasePortTable@${vlan}`, DOT1D_BASE_PORT));
      if (!vw.responsive) return undefined;
      const fdb = parseDot1dFdb(await vw.walk(`dot1dTpFdbTable@${vlan}`, DOT1D_TP_FDB));
      for (const e of fdb) {
        e.vlan = vlan;
        if (e.port !== undefined && ports[e.port] !== undefined) e.ifIndex = ports[e.port]!;
      }
      const root = await vw.get([DOT1D_STP.designatedRoot]).catch(() => new Map<string, unknown>());
      const stp: StpInstance = {
        kind: 'vlan',
        id: vlan,
        vlans: [vlan],
        ports: parseStpPorts(await vw.walk(`dot1dStpPortTable@${vlan}`, DOT1D_STP_PORT), ports),
      };
      const designatedRoot = parseBridgeId(root.get(DOT1D_STP.designatedRoot));
      if (designatedRoot) stp.designatedRoot = designatedRoot;
      w.issues.push(...vw.issues);
      return { vlan, ports, fdb, stp };
    } finally {
      vw.close();
    }
  });
  const silent = chosen.filter((_, i) => !results[i]);
  if (silent.length > 0)
    w.issues.push({
      table: 'dot1dTpFdbTable',
      reason: `no per-VLAN BRIDGE-MIB answer for VLAN ${silent.join(',')}`,
    });
  return results.filter((r) => r !== undefined);
}
