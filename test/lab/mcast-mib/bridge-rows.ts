// Pure mapping from a namespace's Linux bridge (its ports from `ip -j -d link show`, their VLANs from
// `bridge -j vlan show`) to BRIDGE-MIB and Q-BRIDGE-MIB rows: dot1dBaseBridgeAddress, dot1dBasePortIfIndex
// (bridge port number → ifIndex), per VLAN the current egress and untagged port lists (bitmaps of bridge
// ports, the first octet's top bit is port 1; TimeMark 0), and each port's PVID. The bridge has no VLAN
// names, so dot1qVlanStaticName is not served.
import { compareOid, type MibRow } from './mib-rows.ts';

/** One entry of `bridge -j vlan show`: a port (or the bridge itself) and its VLANs; ranges with vlanEnd. */
export interface BridgeVlans {
  ifname: string;
  vlans?: { vlan: number; vlanEnd?: number; flags?: string[] }[];
}

export interface KernelBridgeState {
  /** The bridge's MAC. */
  address?: string;
  /** Bridge ports: interface name, ifIndex, bridge port number (`info_slave_data.no`). */
  ports: { ifname: string; ifIndex: number; port: number }[];
  vlans: BridgeVlans[];
}

const BRIDGE = [1, 3, 6, 1, 2, 1, 17];
const BASE_BRIDGE_ADDRESS = [...BRIDGE, 1, 1, 0];
const BASE_PORT_IFINDEX = [...BRIDGE, 1, 4, 1, 2];
const VLAN_CURRENT_ENTRY = [...BRIDGE, 7, 1, 4, 2, 1];
const PVID = [...BRIDGE, 7, 1, 4, 5, 1, 1];
const EGRESS = 4;
const UNTAGGED = 5;

/** A port list as pass_persist's `octet` value: hex octets separated by spaces. */
function portList(ports: number[]): string {
  const octets = new Array<number>(Math.ceil(Math.max(...ports) / 8)).fill(0);
  for (const p of ports) octets[(p - 1) >> 3]! |= 0x80 >> ((p - 1) & 7);
  return octets.map((o) => o.toString(16).padStart(2, '0')).join(' ');
}

export function bridgeRows(state: KernelBridgeState): MibRow[] {
  const rows: MibRow[] = [];
  if (state.address)
    rows.push({ oid: BASE_BRIDGE_ADDRESS, type: 'octet', value: state.address.split(':').join(' ') });
  const portOf = new Map(state.ports.map((p) => [p.ifname, p.port]));
  const egress = new Map<number, number[]>();
  const untagged = new Map<number, number[]>();
  for (const p of state.ports)
    rows.push({ oid: [...BASE_PORT_IFINDEX, p.port], type: 'integer', value: String(p.ifIndex) });
  for (const entry of state.vlans) {
    const port = portOf.get(entry.ifname);
    if (port === undefined) continue; // the bridge's own VLANs: not a port
    for (const v of entry.vlans ?? [])
      for (let vid = v.vlan; vid <= (v.vlanEnd ?? v.vlan); vid++) {
        egress.set(vid, [...(egress.get(vid) ?? []), port]);
        if (v.flags?.includes('Egress Untagged')) untagged.set(vid, [...(untagged.get(vid) ?? []), port]);
        if (v.flags?.includes('PVID')) rows.push({ oid: [...PVID, port], type: 'gauge', value: String(vid) });
      }
  }
  for (const [vid, ports] of egress) {
    rows.push({ oid: [...VLAN_CURRENT_ENTRY, EGRESS, 0, vid], type: 'octet', value: portList(ports) });
    const bare = untagged.get(vid);
    rows.push({
      oid: [...VLAN_CURRENT_ENTRY, UNTAGGED, 0, vid],
      type: 'octet',
      value: bare ? portList(bare) : '00',
    });
  }
  return rows.sort((x, y) => compareOid(x.oid, y.oid));
}
