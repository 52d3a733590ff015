// VLANs on hand-made rows and facts (pure): Q-BRIDGE-MIB and Cisco VTP membership parsed into ports, each
// port's access / native / tagged VLANs, and per link the VLANs both ends carry and what does not match.
import { describe, expect, it } from 'vitest';
import { parseQBridgeVlans } from '@netspotter/shared/snmp/collectors/vlans';
import type { PortVlans } from '@netspotter/shared/snmp/facts';
import { buildTopology } from '../../src/discovery/topology/build.ts';
import { portVlanView } from '../../src/discovery/topology/vlans.ts';
import { parseCiscoVlans } from '@netspotter/shared/snmp/vendors/cisco';
import { device, mac, seen } from './support/facts.ts';

const rows = (entries: [string, Record<string, unknown>][]) => new Map(entries);
const hex = (s: string) => Buffer.from(s, 'hex');

describe('Q-BRIDGE-MIB VLANs', () => {
  // Bridge ports 1..3 are ifIndex 11..13. Port 1: access VLAN 10; port 2: trunk, native 1, tagged 10 and 20;
  // port 3: only a PVID (no egress membership reported).
  const portIfIndex = { '1': 11, '2': 12, '3': 13 };
  const statics = rows([
    ['1', { name: Buffer.from('default') }],
    ['10', { name: Buffer.from('users') }],
    ['20', { name: Buffer.from('voice\x00') }],
  ]);
  const current = rows([
    ['0.1', { egress: hex('40'), untagged: hex('40') }],
    ['0.10', { egress: hex('c0'), untagged: hex('80') }],
    ['0.20', { egress: hex('40'), untagged: hex('00') }],
    ['0.4095', { egress: hex('ff') }],
  ]);
  const pvids = rows([
    ['1', { pvid: 10 }],
    ['2', { pvid: 1 }],
    ['3', { pvid: 30 }],
    ['9', { pvid: 1 }],
  ]);

  it('current egress / untagged port lists (bitmaps of bridge ports) and PVIDs by ifIndex', () => {
    expect(parseQBridgeVlans(statics, current, pvids, portIfIndex)).toEqual({
      mib: 'Q-BRIDGE-MIB',
      vlans: [
        { id: 1, name: 'default' },
        { id: 10, name: 'users' },
        { id: 20, name: 'voice' },
      ],
      ports: [
        { ifIndex: 11, pvid: 10, untagged: [10], tagged: [] },
        { ifIndex: 12, pvid: 1, untagged: [1], tagged: [10, 20] },
        { ifIndex: 13, pvid: 30, untagged: [], tagged: [] },
      ],
    });
  });

  it('the static table when the bridge has no current one', () => {
    const configured = rows([
      ['10', { name: Buffer.from('users'), egress: hex('80'), untagged: hex('80') }],
      ['20', { egress: hex('80'), untagged: hex('00') }],
    ]);
    expect(parseQBridgeVlans(configured, new Map(), new Map(), portIfIndex).ports).toEqual([
      { ifIndex: 11, untagged: [10], tagged: [20] },
    ]);
  });

  it('a port is access (one untagged VLAN) or trunk (tagged ones, the PVID as native when untagged)', () => {
    const view = (p: Omit<PortVlans, 'ifIndex'>) => portVlanView({ ifIndex: 1, ...p });
    expect(view({ pvid: 10, untagged: [10], tagged: [] })).toEqual({ access: 10 });
    expect(view({ pvid: 1, untagged: [1], tagged: [10, 20] })).toEqual({ native: 1, tagged: [10, 20] });
    expect(view({ pvid: 1, untagged: [], tagged: [10] })).toEqual({ tagged: [10] });
    expect(view({ untagged: [], tagged: [] })).toEqual({});
  });
});

describe('Cisco VLANs (CISCO-VTP-MIB, CISCO-VLAN-MEMBERSHIP-MIB)', () => {
  it('operational ethernet VLANs; trunks carry the enabled VLANs the switch has, access ports their vmVlan', () => {
    const vtp = rows([
      ['1.1', { state: 1, type: 1, name: Buffer.from('default') }],
      ['1.10', { state: 1, type: 1, name: Buffer.from('users') }],
      ['1.20', { state: 1, type: 1 }],
      ['1.30', { state: 2, type: 1 }],
      ['1.1002', { state: 1, type: 2 }],
    ]);
    // Enabled VLANs 0..1023 as a bitmap: all of them ("allowed all"); the trunk's native VLAN is 10.
    const trunks = rows([
      ['10101', { enabled: Buffer.alloc(128, 0xff), native: 10, status: 1 }],
      ['10102', { enabled: Buffer.alloc(128, 0xff), native: 1, status: 2 }],
    ]);
    const access = rows([['10102', { vlan: 20 }]]);
    expect(parseCiscoVlans(vtp, trunks, access)).toEqual({
      mib: 'CISCO-VTP-MIB',
      vlans: [{ id: 1, name: 'default' }, { id: 10, name: 'users' }, { id: 20 }],
      ports: [
        { ifIndex: 10101, pvid: 10, untagged: [10], tagged: [1, 20] },
        { ifIndex: 10102, pvid: 20, untagged: [20], tagged: [] },
      ],
    });
  });
});

describe('VLANs on links', () => {
  const trunk = (ifIndex: number, native: number, tagged: number[]): PortVlans => ({
    ifIndex,
    pvid: native,
    untagged: [native],
    tagged,
  });
  const A = (vlanPorts: PortVlans[]) =>
    device({ name: 'A', chassis: mac('0a'), ifs: [[1, 'p1']], lldp: [[1, seen('0b', 'q1')]], vlanPorts });
  const B = (vlanPorts: PortVlans[]) =>
    device({ name: 'B', chassis: mac('0b'), ifs: [[7, 'q1']], lldp: [[7, seen('0a', 'p1')]], vlanPorts });
  const link = (a: PortVlans[], b: PortVlans[]) =>
    buildTopology([A(a), B(b)]).links.find((l) => l.layer === 'l2')!;

  it('matching trunks: both ends carry the same VLANs, nothing to report', () => {
    const l = link([trunk(1, 1, [10, 20])], [trunk(7, 1, [10, 20])]);
    expect([l.a.vlans, l.b.vlans, l.vlans, l.issues]).toEqual([
      { native: 1, tagged: [10, 20] },
      { native: 1, tagged: [10, 20] },
      [1, 10, 20],
      undefined,
    ]);
  });

  it('a native VLAN mismatch and a VLAN only one end carries are issues of the link', () => {
    const l = link([trunk(1, 1, [10, 20, 30])], [trunk(7, 10, [20])]);
    expect(l.vlans).toEqual([10, 20]);
    expect(l.issues).toEqual([
      'native VLAN mismatch: VLAN 1 at A p1, VLAN 10 at B q1',
      'VLAN 30 only at A p1',
    ]);
  });

  it('an access port facing a trunk: its VLAN lands in the trunk’s native VLAN', () => {
    const l = link([{ ifIndex: 1, pvid: 20, untagged: [20], tagged: [] }], [trunk(7, 1, [20])]);
    expect(l.a.vlans).toEqual({ access: 20 });
    expect(l.issues).toEqual(['native VLAN mismatch: VLAN 20 at A p1, VLAN 1 at B q1']);
  });

  it('one end without VLAN facts: its partner’s VLANs are shown, nothing is compared', () => {
    const l = link([trunk(1, 1, [10])], []);
    expect([l.a.vlans, l.b.vlans, l.vlans, l.issues]).toEqual([
      { native: 1, tagged: [10] },
      undefined,
      undefined,
      undefined,
    ]);
  });
});
