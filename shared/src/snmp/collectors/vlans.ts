// 802.1Q VLANs and which ports carry them, from Q-BRIDGE-MIB: names (dot1qVlanStaticName), egress and untagged
// port lists (current table, else static), and each port's PVID. Port lists name bridge ports, mapped to
// ifIndex through the bridge-port map. Devices without Q-BRIDGE VLANs may have them in a vendor MIB (Cisco).
import type { InterfaceFacts, PortVlans, VlanFacts } from '../facts.ts';
import { DOT1Q_PORT_VLAN, DOT1Q_VLAN_CURRENT_PORTS, DOT1Q_VLAN_STATIC } from '../oids.ts';
import { decodeName } from '../poller/names.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';
import type { VendorQuirks } from '../vendors/quirks.ts';
import { setBits } from './port-list.ts';

export interface VlanContext {
  portIfIndex: Record<string, number>;
  interfaces: InterfaceFacts[];
  quirks: VendorQuirks;
}

export async function collectVlans(w: Walker, ctx: VlanContext): Promise<VlanFacts | undefined> {
  // Q-BRIDGE port lists name bridge ports: a device without any (a router, a host) has no ports in VLANs.
  if (Object.keys(ctx.portIfIndex).length === 0) return ctx.quirks.vlans?.(w, ctx.interfaces);
  const statics = await w.walk('dot1qVlanStaticTable', DOT1Q_VLAN_STATIC);
  const current = await w.walk('dot1qVlanCurrentTable', DOT1Q_VLAN_CURRENT_PORTS);
  const pvids = await w.walk('dot1qPortVlanTable', DOT1Q_PORT_VLAN);
  if (statics.size + current.size + pvids.size > 0)
    return parseQBridgeVlans(statics, current, pvids, ctx.portIfIndex);
  return ctx.quirks.vlans?.(w, ctx.interfaces);
}

const isVlanId = (v: number | undefined): v is number => v !== undefined && v >= 1 && v <= 4094;

export function parseQBridgeVlans(
  statics: Rows,
  current: Rows,
  pvids: Rows,
  portIfIndex: Record<string, number>,
): VlanFacts {
  const names = new Map<number, string | undefined>();
  for (const [index, row] of statics) {
    const id = parseOid(index).pop();
    if (isVlanId(id)) names.set(id, decodeName(row.name)?.text || undefined);
  }
  // Current membership (index TimeMark.VlanIndex) when the bridge reports it, else the configured one.
  const members = current.size > 0 ? current : statics;
  const ports = new Map<number, PortVlans>();
  const port = (bridgePort: number | string): PortVlans | undefined => {
    const ifIndex = portIfIndex[String(bridgePort)];
    if (ifIndex === undefined) return undefined;
    let p = ports.get(ifIndex);
    if (!p) ports.set(ifIndex, (p = { ifIndex, untagged: [], tagged: [] }));
    return p;
  };
  for (const [index, row] of members) {
    const vlan = parseOid(index).pop();
    if (!isVlanId(vlan)) continue;
    if (!names.has(vlan)) names.set(vlan, undefined);
    const untagged = new Set(setBits(row.untagged, 1));
    for (const p of setBits(row.egress, 1)) port(p)?.[untagged.has(p) ? 'untagged' : 'tagged'].push(vlan);
  }
  for (const [index, row] of pvids) {
    const pvid = toInt(row.pvid);
    const p = isVlanId(pvid) ? port(index) : undefined;
    if (p) p.pvid = pvid!;
  }
  return {
    mib: 'Q-BRIDGE-MIB',
    vlans: [...names].sort(([a], [b]) => a - b).map(([id, name]) => (name ? { id, name } : { id })),
    ports: [...ports.values()]
      .sort((a, b) => a.ifIndex - b.ifIndex)
      .map((p) => ({ ...p, untagged: sorted(p.untagged), tagged: sorted(p.tagged) })),
  };
}

const sorted = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);
