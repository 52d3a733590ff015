// Cisco IOS / CatOS.
// - One BRIDGE-MIB instance per VLAN (FDB and PVST+ spanning tree), reached with community string indexing
//   (community@VLAN) or SNMPv3 context vlan-VLAN; Netdisco, LibreNMS and OpenNMS walk it so. Only VLANs
//   with ports get a walk; without port membership, every operational VLAN; without VTP, the SVIs' VLANs.
// - Snooping state from CISCO-IGMP-SNOOPING-MIB (cisco-snooping.ts).
// - VLANs from CISCO-VTP-MIB (vtpVlanTable: operational ethernet VLANs, skipping the reserved 1002–1005),
//   trunks from vlanTrunkPortTable (enabled VLANs, native VLAN, trunking status), access ports from
//   CISCO-VLAN-MEMBERSHIP-MIB vmVlan, where the switch has no Q-BRIDGE-MIB VLANs (as LibreNMS reads them).
import { setBits } from '../collectors/port-list.ts';
import type { InterfaceFacts, PortVlans, VlanFacts } from '../facts.ts';
import { VLAN_TRUNK_PORT, VM_MEMBERSHIP, VTP_VLAN } from '../oids.ts';
import { decodeName } from '../poller/names.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows } from '../poller/walker.ts';
import { ciscoSnooping } from './cisco-snooping.ts';
import type { VendorQuirks } from './quirks.ts';

const TRUNKING = 1;

export const cisco: VendorQuirks = {
  family: 'Cisco',
  perVlanBridge: (vlans, interfaces) => {
    const withPorts = new Set((vlans?.ports ?? []).flatMap((p) => [...p.untagged, ...p.tagged]));
    if (withPorts.size > 0) return [...withPorts].filter(usable).sort((a, b) => a - b);
    if (vlans && vlans.vlans.length > 0) return vlans.vlans.map((v) => v.id).filter(usable);
    return sviVlans(interfaces);
  },
  vlans: async (w) => {
    const vtp = await w.walk('vtpVlanTable', VTP_VLAN);
    if (vtp.size === 0) return undefined;
    return parseCiscoVlans(
      vtp,
      await w.walk('vlanTrunkPortTable', VLAN_TRUNK_PORT),
      await w.walk('vmMembershipTable', VM_MEMBERSHIP),
    );
  },
  snooping: ciscoSnooping,
};

const usable = (vlan: number): boolean => vlan >= 1 && vlan <= 4094 && (vlan < 1002 || vlan > 1005);

/** VLANs of SVIs ("Vlan10", "Vl10"): what a switch without a VTP table shows of its VLANs. */
function sviVlans(interfaces: InterfaceFacts[]): number[] {
  const out = new Set<number>();
  for (const i of interfaces) {
    const m = /^Vl(?:an)?\s*(\d+)$/i.exec(i.ifName ?? i.ifDescr ?? '');
    const vlan = m ? Number(m[1]) : 0;
    if (usable(vlan)) out.add(vlan);
  }
  return [...out].sort((a, b) => a - b);
}

/** vtpVlanState operational(1) and vtpVlanType ethernet(1), reserved VLANs skipped. */
export function parseCiscoVlans(vtp: Rows, trunks: Rows, access: Rows): VlanFacts {
  const vlans = new Map<number, string | undefined>();
  for (const [index, row] of vtp) {
    const vlan = parseOid(index).pop()!;
    if (usable(vlan) && (toInt(row.state) ?? 1) === 1 && (toInt(row.type) ?? 1) === 1)
      vlans.set(vlan, decodeName(row.name)?.text || undefined);
  }
  const ports = new Map<number, PortVlans>();
  for (const [index, row] of access) {
    const vlan = toInt(row.vlan);
    if (vlan !== undefined && usable(vlan))
      ports.set(Number(index), { ifIndex: Number(index), pvid: vlan, untagged: [vlan], tagged: [] });
  }
  for (const [index, row] of trunks) {
    if (toInt(row.status) !== TRUNKING) continue;
    const native = toInt(row.native);
    const enabled = [
      ...setBits(row.enabled, 0),
      ...setBits(row.enabled2k, 1024),
      ...setBits(row.enabled3k, 2048),
      ...setBits(row.enabled4k, 3072),
    ];
    const p: PortVlans = {
      ifIndex: Number(index),
      untagged: native !== undefined && vlans.has(native) ? [native] : [],
      // "Allowed: all" enables every id: the trunk carries those the switch has.
      tagged: enabled.filter((v) => vlans.has(v) && v !== native),
    };
    if (native !== undefined && usable(native)) p.pvid = native;
    ports.set(p.ifIndex, p);
  }
  return {
    mib: 'CISCO-VTP-MIB',
    vlans: [...vlans].sort(([a], [b]) => a - b).map(([id, name]) => (name ? { id, name } : { id })),
    ports: [...ports.values()].sort((a, b) => a.ifIndex - b.ifIndex),
  };
}
