// The pass_persist backend's BRIDGE-MIB / Q-BRIDGE-MIB rows from a VLAN-aware bridge's kernel state (JSON
// shaped like `ip -j -d link show` and `bridge -j vlan show`), read back by the discovery collectors' own
// parsers: the per-port VLANs the lab asserts over SNMP.
import { describe, expect, it } from 'vitest';
import { parsePortIfIndex } from '../../../shared/src/snmp/collectors/bridge-rows.ts';
import { parseQBridgeVlans } from '../../../shared/src/snmp/collectors/vlans.ts';
import {
  DOT1D_BASE_PORT,
  DOT1Q_PORT_VLAN,
  DOT1Q_VLAN_CURRENT_PORTS,
  type TableSpec,
} from '../../../shared/src/snmp/oids.ts';
import type { Rows } from '../../../shared/src/snmp/poller/walker.ts';
import { bridgeRows, type KernelBridgeState } from './bridge-rows.ts';
import type { MibRow } from './mib-rows.ts';

// p-h1: access VLAN 10; p-h2: access VLAN 20; p-h3: trunk with VLAN 1 untagged (PVID) and 10, 20 tagged
// (given as a range, as `bridge -j -c vlan show` compresses it). br0's own entry is not a port.
const state: KernelBridgeState = {
  address: '02:00:5e:aa:bb:00',
  ports: [
    { ifname: 'p-h1', ifIndex: 7, port: 1 },
    { ifname: 'p-h2', ifIndex: 9, port: 2 },
    { ifname: 'p-h3', ifIndex: 11, port: 3 },
  ],
  vlans: [
    { ifname: 'br0', vlans: [{ vlan: 1, flags: ['PVID', 'Egress Untagged'] }] },
    { ifname: 'p-h1', vlans: [{ vlan: 10, flags: ['PVID', 'Egress Untagged'] }] },
    { ifname: 'p-h2', vlans: [{ vlan: 20, flags: ['PVID', 'Egress Untagged'] }] },
    {
      ifname: 'p-h3',
      vlans: [
        { vlan: 1, flags: ['PVID', 'Egress Untagged'] },
        { vlan: 10, vlanEnd: 20 },
      ],
    },
    { ifname: 'gone', vlans: [{ vlan: 30 }] },
  ],
};
const rows = bridgeRows(state);

/** What a walk of the collector's columns returns: index → column values as net-snmp gives them. */
function walked(spec: TableSpec): Rows {
  const out: Rows = new Map();
  for (const [name, column] of Object.entries(spec.columns)) {
    const prefix = `${spec.entry}.${column}.`;
    for (const r of rows.filter((x: MibRow) => x.oid.join('.').startsWith(prefix))) {
      const index = r.oid.join('.').slice(prefix.length);
      const value = r.type === 'octet' ? Buffer.from(r.value.replace(/ /g, ''), 'hex') : Number(r.value);
      out.set(index, { ...out.get(index), [name]: value });
    }
  }
  return out;
}

describe('bridge and VLAN state as BRIDGE-MIB / Q-BRIDGE-MIB rows', () => {
  it('bridge ports by number, port lists as octets (port 1 = top bit), PVIDs; every VLAN of a range', () => {
    // VLAN 1: p-h3; 10: p-h1 (untagged) and p-h3; 11–19: p-h3; 20: p-h2 (untagged) and p-h3.
    const lists: [number, string, string][] = [
      [1, '20', '20'],
      [10, 'a0', '80'],
      ...[11, 12, 13, 14, 15, 16, 17, 18, 19].map((v): [number, string, string] => [v, '20', '00']),
      [20, '60', '40'],
    ];
    expect(rows.map((r) => `${r.oid.slice(7).join('.')} ${r.type} ${r.value}`)).toEqual([
      '1.1.0 octet 02 00 5e aa bb 00',
      '1.4.1.2.1 integer 7',
      '1.4.1.2.2 integer 9',
      '1.4.1.2.3 integer 11',
      ...lists.map(([vid, egress]) => `7.1.4.2.1.4.0.${vid} octet ${egress}`),
      ...lists.map(([vid, , untagged]) => `7.1.4.2.1.5.0.${vid} octet ${untagged}`),
      '7.1.4.5.1.1.1 gauge 10',
      '7.1.4.5.1.1.2 gauge 20',
      '7.1.4.5.1.1.3 gauge 1',
    ]);
  });

  it('reads back through the discovery collectors as each port’s access or trunk VLANs', () => {
    const portIfIndex = parsePortIfIndex(walked(DOT1D_BASE_PORT));
    expect(portIfIndex).toEqual({ '1': 7, '2': 9, '3': 11 });
    const vlans = parseQBridgeVlans(
      new Map(),
      walked(DOT1Q_VLAN_CURRENT_PORTS),
      walked(DOT1Q_PORT_VLAN),
      portIfIndex,
    );
    expect(vlans.ports).toEqual([
      { ifIndex: 7, pvid: 10, untagged: [10], tagged: [] },
      { ifIndex: 9, pvid: 20, untagged: [20], tagged: [] },
      { ifIndex: 11, pvid: 1, untagged: [1], tagged: [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20] },
    ]);
    expect(vlans.vlans.map((v) => v.id)).toEqual([1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });
});
