// Spanning tree per VLAN and per MST instance on hand-made facts (pure): a link end's state per VLAN, a link
// blocked for one VLAN only, and a multicast tree in that VLAN that goes around it.
import { describe, expect, it } from 'vitest';
import { parseMstp } from '@netspotter/shared/snmp/collectors/mstp';
import type { ListenerFacts, PortVlans } from '@netspotter/shared/snmp/facts';
import { buildTopology } from '../../src/discovery/topology/build.ts';
import { device, mac, seen, type Spec } from './support/facts.ts';

const hex = (s: string) => Buffer.from(s, 'hex');
const trunk = (ifIndex: number): PortVlans => ({ ifIndex, pvid: 1, untagged: [1], tagged: [10, 20] });
const access = (ifIndex: number, vlan: number): PortVlans => ({
  ifIndex,
  pvid: vlan,
  untagged: [vlan],
  tagged: [],
});

// A triangle of switches with LLDP on every link: A p1–B q1, B q2–C r2, A p2–C r1. C runs PVST+: its port r1
// (towards A) forwards VLAN 10 and blocks VLAN 20; everything else forwards. A source host S hangs off A p3
// (2001:db8::5); C r3 is an access port with an SSM listener for (S, ff3e::1234).
const S = '2001:db8::5';
const G = 'ff3e::1234';
const listenerOnC = (vlan: number): Spec => ({
  name: 'C',
  chassis: mac('0c'),
  ifs: [
    [1, 'r1'],
    [2, 'r2'],
    [3, 'r3'],
  ],
  lldp: [
    [1, seen('0a', 'p2')],
    [2, seen('0b', 'q2')],
  ],
  vlanPorts: [trunk(1), trunk(2), access(3, vlan)],
  instances: [
    [
      'vlan',
      10,
      [10],
      [
        [1, 'forwarding'],
        [2, 'forwarding'],
      ],
    ],
    [
      'vlan',
      20,
      [20],
      [
        [1, 'blocking'],
        [2, 'forwarding'],
      ],
    ],
  ],
  listeners: [{ group: G, ifIndex: 3, sources: [S], mib: 'mgmd' } satisfies ListenerFacts],
});
const triangle = (vlan: number): Spec[] => [
  {
    name: 'A',
    chassis: mac('0a'),
    ifs: [
      [1, 'p1'],
      [2, 'p2'],
      [3, 'p3'],
    ],
    lldp: [
      [1, seen('0b', 'q1')],
      [2, seen('0c', 'r1')],
      [3, seen('05', 'eth0')],
    ],
    vlanPorts: [trunk(1), trunk(2), access(3, vlan)],
  },
  {
    name: 'B',
    chassis: mac('0b'),
    ifs: [
      [1, 'q1'],
      [2, 'q2'],
    ],
    lldp: [
      [1, seen('0a', 'p1')],
      [2, seen('0c', 'r2')],
    ],
    vlanPorts: [trunk(1), trunk(2)],
  },
  listenerOnC(vlan),
  {
    name: 'S',
    chassis: mac('05'),
    ifs: [[1, 'eth0']],
    addresses: [[S, 1, 64]],
    lldp: [[1, seen('0a', 'p3')]],
  },
];

const edges = (vlan: number) => {
  const t = buildTopology(triangle(vlan).map(device));
  const tree = t.multicast.trees.find((x) => x.group === G && x.source === S)!;
  const name = (p: { device?: string; ifIndex?: number }) => `${p.device ?? ''}:${p.ifIndex ?? ''}`;
  return { t, tree, hops: tree.edges.map((e) => `${name(e.from)}>${name(e.to)}`) };
};

describe('spanning tree per VLAN', () => {
  it('A–C forwards in VLAN 10 and blocks in VLAN 20: the link is blocked for VLAN 20 only', () => {
    const { t } = edges(20);
    const ac = t.links.find((l) => l.a.device === 'A' && l.a.ifIndex === 2)!;
    expect(ac.b).toMatchObject({
      device: 'C',
      ifIndex: 1,
      stpVlans: [
        { state: 'forwarding', vlans: [10] },
        { state: 'blocking', vlans: [20] },
      ],
    });
    expect(ac.blockedVlans).toEqual([20]);
    expect(ac.blocked).toBeUndefined();
    expect(t.links.filter((l) => l.blockedVlans).length).toBe(1);
  });

  it('a multicast tree in VLAN 20 avoids A–C and reaches C through B', () => {
    const { tree, hops } = edges(20);
    expect(tree.vlan).toBe(20);
    expect(hops).toEqual(['S:1>A:3', 'A:1>B:1', 'B:2>C:2', 'C:3>:']);
  });

  it('the same tree in VLAN 10 takes A–C', () => {
    const { tree, hops } = edges(10);
    expect(tree.vlan).toBe(10);
    expect(hops).toEqual(['S:1>A:3', 'A:2>C:1', 'C:3>:']);
  });
});

describe('IEEE8021-MSTP-MIB', () => {
  it('instances with their roots, port states (MSTP numbering) mapped to ifIndex, and their VLANs', () => {
    const rows = (entries: [string, Record<string, unknown>][]) => new Map(entries);
    const instances = parseMstp(
      rows([
        ['1.1', { designatedRoot: hex('10010200000000a0') }],
        ['1.2', { designatedRoot: hex('20020200000000b0') }],
      ]),
      rows([
        ['1.1.1', { state: 4, designatedBridge: hex('10010200000000a0'), designatedPort: 1 }],
        ['1.1.2', { state: 5, designatedBridge: hex('80010200000000c0'), designatedPort: 7 }],
        ['1.2.2', { state: 4 }],
      ]),
      rows([
        ['1.10', { mstId: 1 }],
        ['1.20', { mstId: 2 }],
        ['1.21', { mstId: 2 }],
        ['1.30', { mstId: 0 }],
      ]),
      { '1': 101, '2': 102 },
    );
    expect(instances).toEqual([
      {
        kind: 'mst',
        id: 1,
        vlans: [10],
        designatedRoot: { priority: 0x1001, mac: mac('a0') },
        ports: [
          {
            port: 1,
            ifIndex: 101,
            state: 'forwarding',
            designatedBridge: { priority: 0x1001, mac: mac('a0') },
            designatedPort: 1,
          },
          {
            port: 2,
            ifIndex: 102,
            state: 'blocking',
            designatedBridge: { priority: 0x8001, mac: mac('c0') },
            designatedPort: 7,
          },
        ],
      },
      {
        kind: 'mst',
        id: 2,
        vlans: [20, 21],
        designatedRoot: { priority: 0x2002, mac: mac('b0') },
        ports: [{ port: 2, ifIndex: 102, state: 'forwarding' }],
      },
    ]);
  });
});
