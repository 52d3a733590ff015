// Spanning tree on hand-made facts: BRIDGE-MIB dot1dStp parsing, Stott's link inference and the per-end
// STP state / blocked flag on L2 links (pure).
import { describe, expect, it } from 'vitest';
import { parseBridgeId, parsePortId } from '@netspotter/shared/snmp/collectors/bridge-id';
import { parseStpPorts } from '@netspotter/shared/snmp/collectors/stp';
import { buildTopology } from '../../src/discovery/topology/build.ts';
import { device, l2, lagA, lagB, mac, seen, type Spec } from './support/facts.ts';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('dot1dStp parsing', () => {
  it('bridge id: priority + MAC from 8 octets or 16 hex digits; all-zero and wrong sizes dropped', () => {
    expect(parseBridgeId(hex('80010016c894aa80'))).toEqual({ priority: 0x8001, mac: '00:16:c8:94:aa:80' });
    expect(parseBridgeId('1000a4187504e400')).toEqual({ priority: 4096, mac: 'a4:18:75:04:e4:00' });
    expect(parseBridgeId(hex('8000000000000000'))).toBeUndefined();
    expect(parseBridgeId(hex('0016c894aa80'))).toBeUndefined();
    expect(parseBridgeId(42)).toBeUndefined();
  });

  it('port id: the port number below the priority bits (802.1t 12 bits; 802.1D-1998 with priority 0x20 too)', () => {
    expect(parsePortId(hex('8040'))).toBe(64);
    expect(parsePortId(hex('2005'))).toBe(5);
    expect(parsePortId(hex('8401'))).toBe(0x401);
    expect(parsePortId(hex('8000'))).toBeUndefined();
    expect(parsePortId(undefined)).toBeUndefined();
  });

  it('port table: states by name, bridge port → ifIndex through dot1dBasePortIfIndex, odd rows kept partial', () => {
    const rows = new Map<string, Record<string, unknown>>([
      ['1', { state: 5, designatedBridge: hex('80000200000000a0'), designatedPort: hex('8001') }],
      ['2', { state: 2, designatedBridge: hex('80000200000000b0'), designatedPort: hex('8003') }],
      ['3', { state: 9 }],
      ['1.2', { state: 5 }],
    ]);
    expect(parseStpPorts(rows, { '1': 101, '2': 102 })).toEqual([
      {
        port: 1,
        ifIndex: 101,
        state: 'forwarding',
        designatedBridge: { priority: 0x8000, mac: mac('a0') },
        designatedPort: 1,
      },
      {
        port: 2,
        ifIndex: 102,
        state: 'blocking',
        designatedBridge: { priority: 0x8000, mac: mac('b0') },
        designatedPort: 3,
      },
      { port: 3 },
    ]);
  });
});

describe('STP in the L2 topology', () => {
  // Triangle: A is root (ports 1→B, 2→C); B designates the B–C segment (its port 2); C blocks its port 2.
  const A = (extra: Partial<Spec> = {}): Spec => ({
    name: 'A',
    bridgeMac: mac('a0'),
    ifs: [
      [1, 'a1'],
      [2, 'a2'],
    ],
    stp: [
      [1, 1, 'forwarding', mac('a0'), 1],
      [2, 2, 'forwarding', mac('a0'), 2],
    ],
    ...extra,
  });
  const B = (extra: Partial<Spec> = {}): Spec => ({
    name: 'B',
    bridgeMac: mac('b0'),
    ifs: [
      [11, 'b1'],
      [12, 'b2'],
    ],
    stp: [
      [1, 11, 'forwarding', mac('a0'), 1],
      [2, 12, 'forwarding', mac('b0'), 2],
    ],
    ...extra,
  });
  const C = (extra: Partial<Spec> = {}): Spec => ({
    name: 'C',
    bridgeMac: mac('c0'),
    ifs: [
      [21, 'c1'],
      [22, 'c2'],
    ],
    stp: [
      [1, 21, 'forwarding', mac('a0'), 2],
      [2, 22, 'blocking', mac('b0'), 2],
    ],
    ...extra,
  });

  it('STP alone finds the triangle; the redundant link is blocked at C', () => {
    const t = buildTopology([device(A()), device(B()), device(C())]);
    expect(l2(t)).toEqual([
      'B:11 A:1 stp confirmed',
      'C:21 A:2 stp confirmed',
      'C:22 B:12 stp confirmed blocked',
    ]);
    const blocked = t.links.find((l) => l.blocked)!;
    expect(blocked.a).toEqual({ device: 'C', ifIndex: 22, ifName: 'c2', stp: 'blocking' });
    expect(blocked.b).toEqual({ device: 'B', ifIndex: 12, ifName: 'b2', stp: 'forwarding' });
  });

  it('a link LLDP already found gains stp evidence and its port states, never a second link', () => {
    const t = buildTopology([
      device(A({ chassis: mac('a0'), lldp: [[2, seen('c0', 'c1')]] })),
      device(B()),
      device(C({ chassis: mac('c0'), lldp: [[21, seen('a0', 'a2')]] })),
    ]);
    expect(l2(t)).toEqual([
      'A:2 C:21 lldp+stp confirmed',
      'B:11 A:1 stp confirmed',
      'C:22 B:12 stp confirmed blocked',
    ]);
    const ac = t.links.find((l) => l.evidence.includes('lldp'))!;
    expect([ac.a.stp, ac.b.stp]).toEqual(['forwarding', 'forwarding']);
  });

  it('a port whose LLDP neighbour is another box (the designated bridge is behind it) gets no STP link', () => {
    const t = buildTopology([device(A()), device(B({ chassis: mac('b0'), lldp: [[11, seen('ee', 'x1')]] }))]);
    expect(l2(t)).toEqual(['B:11 unmanaged:02:00:00:00:00:ee:x1 lldp']);
  });

  it('a designated bridge that is not polled, or the own bridge, yields no link; unconfirmed when the far table disagrees', () => {
    expect(l2(buildTopology([device(B()), device(C())]))).toEqual(['C:22 B:12 stp confirmed blocked']);
    // B reports its port 2 as designated by A: the C–B link stands on C's word alone.
    const t = buildTopology([device(B({ stp: [[2, 12, 'forwarding', mac('a0'), 9]] })), device(C())]);
    expect(l2(t)).toEqual(['C:22 B:12 stp blocked']);
  });

  it('LAG: STP on the aggregate port confirms the member links and sets the aggregate ends’ state', () => {
    const t = buildTopology([
      device(lagA({ bridgeMac: mac('0a'), stp: [[64, 10, 'blocking', mac('0b'), 72]] })),
      device(lagB({ bridgeMac: mac('0b'), stp: [[72, 20, 'forwarding', mac('0b'), 72]] })),
    ]);
    expect(l2(t)).toEqual(['A:10 B:20 lldp+stp confirmed blocked [1-7 2-8]']);
    expect(t.links[0]!.members!.map((m) => m.evidence)).toEqual([
      ['lldp', 'stp'],
      ['lldp', 'stp'],
    ]);
    expect([t.links[0]!.a.stp, t.links[0]!.b.stp]).toEqual(['blocking', 'forwarding']);
  });

  it('an aggregate the bridge does not report takes its members’ state', () => {
    const stp: Spec['stp'] = [
      [1, 1, 'blocking', mac('0b'), 1],
      [2, 2, 'blocking', mac('0b'), 2],
    ];
    // B is not polled: its ports stay unknown, the member ports' state still marks A's aggregate end.
    const t = buildTopology([device(lagA({ stp }))]);
    expect(t.links[0]!.a).toMatchObject({ ifIndex: 10, stp: 'blocking' });
    expect(t.links[0]!.blocked).toBe(true);
  });
});
