// LAG roll-up on hand-made facts: stack parsing, membership rules and the roll-up of member links (pure).
import { describe, expect, it } from 'vitest';
import { parseAttachedAgg, parseIfStack } from '@netspotter/shared/snmp/collectors/stack';
import { buildTopology } from '../../src/discovery/topology/build.ts';
import { lagMembership } from '../../src/discovery/topology/lag-members.ts';
import { diffTopologies } from '../../src/snapshots/diff.ts';
import type { Topology } from '../../src/snapshots/graph.ts';
import { device, ETH, l2, LAG, lagA, lagB, mac, seen, type Spec } from './support/facts.ts';

const PROP_VIRTUAL = 53;
const rows = (entries: [string, Record<string, unknown>][]) => new Map(entries);

describe('stack facts', () => {
  it('ifStackTable: active higher.lower pairs only; 0 (top/bottom of a stack) and other statuses dropped', () => {
    expect(
      parseIfStack(
        rows([
          ['0.5001', { status: 1 }],
          ['5001.10109', { status: 1 }],
          ['5001.10110', { status: 2 }],
          ['10109.0', { status: 1 }],
          ['5002.10119', { status: 1 }],
          ['7', { status: 1 }],
        ]),
      ),
    ).toEqual([
      [5001, 10109],
      [5002, 10119],
    ]);
  });

  it('dot3adAggPortAttachedAggID: member → aggregate; 0 (not attached) and self-references dropped', () => {
    expect(
      parseAttachedAgg(
        rows([
          ['1', { attachedAggId: 1000 }],
          ['2', { attachedAggId: 0 }],
          ['3', { attachedAggId: 3 }],
          ['4', {}],
        ]),
      ),
    ).toEqual({ '1': 1000 });
  });
});

describe('LAG membership', () => {
  const members = (s: Spec) => [...lagMembership(device(s))].sort((x, y) => x[0] - y[0]);

  it('ifType ieee8023adLag above ethernet ports; a VLAN interface above the same ports is no aggregate', () => {
    expect(
      members({
        name: 'A',
        ifs: [
          [1, 'Ethernet1', undefined, ETH],
          [2, 'Ethernet2', undefined, ETH],
          [3, 'Ethernet3', undefined, ETH],
          [100, 'Port-Channel1', undefined, LAG],
          [200, 'Vlan1', undefined, PROP_VIRTUAL],
        ],
        stack: {
          ifStack: [
            [100, 1],
            [100, 2],
            [200, 1],
            [200, 3],
          ],
        },
      }),
    ).toEqual([
      [1, 100],
      [2, 100],
    ]);
  });

  it('propVirtual counts only when named like a port-channel (Cisco IOS Po1); stack ports and units do not', () => {
    expect(
      members({
        name: 'A',
        ifs: [
          [10109, 'Gi0/9', undefined, ETH],
          [10110, 'Gi0/10', undefined, ETH],
          [5001, 'Po1', undefined, PROP_VIRTUAL],
          [5180, 'StackSub-St1-1', undefined, PROP_VIRTUAL],
          [5179, 'StackPort1', undefined, PROP_VIRTUAL],
          [513, 'xe-0/0/0', undefined, ETH],
          [514, 'xe-0/0/0.0', undefined, PROP_VIRTUAL],
        ],
        stack: {
          ifStack: [
            [5001, 10109],
            [5001, 10110],
            [5179, 5180],
            [514, 513],
          ],
        },
      }),
    ).toEqual([
      [10109, 5001],
      [10110, 5001],
    ]);
  });

  it('dot3ad wins over the stack table; a Junos port joins its ae through its unit', () => {
    expect(
      members({
        name: 'A',
        ifs: [
          [1, 'Gi0/1', undefined, ETH],
          [5001, 'Po1', undefined, PROP_VIRTUAL],
          [5002, 'Po2', undefined, PROP_VIRTUAL],
          [510, 'ge-0/0/2', undefined, ETH],
          [506, 'ge-0/0/2.0', undefined, PROP_VIRTUAL],
          [575, 'ae0.0', undefined, LAG],
        ],
        stack: {
          ifStack: [
            [5001, 1],
            [506, 510],
            [575, 506],
          ],
          attachedAgg: { '1': 5002 },
        },
      }),
    ).toEqual([
      [1, 5002],
      [506, 575],
      [510, 575],
    ]);
  });

  it('no stack facts (older snapshots, agents without IF-MIB ifStackTable): no members', () => {
    expect(members({ name: 'A', ifs: [[1, 'Po1', undefined, LAG]] })).toEqual([]);
  });
});

describe('LAG roll-up', () => {
  it('a 2-member LAG seen on both ends is one confirmed link between the aggregates, carrying its members', () => {
    const t = buildTopology([device(lagA()), device(lagB())]);
    expect(l2(t)).toEqual(['A:10 B:20 lldp confirmed [1-7 2-8]']);
    const [link] = t.links;
    expect(link!.a).toEqual({ device: 'A', ifIndex: 10, ifName: 'Po10' });
    expect(link!.b).toEqual({ device: 'B', ifIndex: 20, ifName: 'Po20' });
    expect(link!.members![0]).toEqual({
      a: { ifIndex: 1, ifName: 'p1' },
      b: { ifIndex: 7, ifName: 'q1' },
      evidence: ['lldp'],
      confirmed: true,
    });
  });

  it('members reported from the other end first keep one orientation', () => {
    expect(l2(buildTopology([device(lagB()), device(lagA())]))).toEqual([
      'A:10 B:20 lldp confirmed [1-7 2-8]',
    ]);
  });

  it('the neighbour has no SNMP: the known side rolls up towards the unmanaged node', () => {
    const t = buildTopology([device(lagA())]);
    expect(l2(t)).toEqual(['A:10 unmanaged:02:00:00:00:00:0b: lldp [1-q1 2-q2]']);
    expect(t.links[0]!.b).toEqual({ unmanaged: 'unmanaged:02:00:00:00:00:0b' });
  });

  it('a polled neighbour without stack facts: the link ends on its node, its ports stay on the members', () => {
    const { stack: _, ...b } = lagB();
    const t = buildTopology([device(lagA()), device(b)]);
    expect(l2(t)).toEqual(['A:10 B: lldp confirmed [1-7 2-8]']);
    expect(t.links[0]!.b).toEqual({ device: 'B' });
  });

  it('MLAG: one LAG whose members reach two boxes becomes one aggregate link per box, never merged', () => {
    const a = lagA({
      lldp: [
        [1, seen('0b', 'q1')],
        [2, seen('0c', 'r1')],
      ],
    });
    const b = lagB({ lldp: [[7, seen('0a', 'p1')]] });
    const c: Spec = {
      name: 'C',
      chassis: mac('0c'),
      ifs: [
        [5, 'r1', undefined, ETH],
        [30, 'Po30', undefined, LAG],
      ],
      stack: { ifStack: [[30, 5]] },
      lldp: [[5, seen('0a', 'p2')]],
    };
    expect(l2(buildTopology([device(a), device(b), device(c)]))).toEqual([
      'A:10 B:20 lldp confirmed [1-7]',
      'A:10 C:30 lldp confirmed [2-5]',
    ]);
  });

  it('a single-member LAG still rolls up; a plain port next to it stays a plain link', () => {
    const a = lagA({
      stack: { ifStack: [[10, 1]] },
      lldp: [
        [1, seen('0b', 'q1')],
        [3, seen('0b', 'q3')],
      ],
    });
    const b = lagB({
      ifs: [
        [7, 'q1', undefined, ETH],
        [9, 'q3', undefined, ETH],
        [20, 'Po20', undefined, LAG],
      ],
      stack: { ifStack: [[20, 7]] },
      lldp: [
        [7, seen('0a', 'p1')],
        [9, seen('0a', 'p3')],
      ],
    });
    expect(l2(buildTopology([device(a), device(b)]))).toEqual([
      'A:10 B:20 lldp confirmed [1-7]',
      'A:3 B:9 lldp confirmed',
    ]);
  });

  it('a snapshot diff reports a LAG that lost a member as the same link changed in its members', () => {
    const stored = (t: ReturnType<typeof buildTopology>) =>
      ({ ...t, roles: {}, report: [], unreachable: [] }) as unknown as Topology;
    const before = stored(buildTopology([device(lagA()), device(lagB())]));
    const after = stored(
      buildTopology([
        device(lagA({ lldp: [[1, seen('0b', 'q1')]] })),
        device(lagB({ lldp: [[7, seen('0a', 'p1')]] })),
      ]),
    );
    expect(diffTopologies(before, after).links).toEqual({
      added: [],
      removed: [],
      changed: [{ id: 'l2|A:Po10|B:Po20', fields: ['members'] }],
    });
  });
});
