// One link per physical reality (pure): links found on logical units (Junos ae0.0, ge-0/0/1.0) and on
// their ports are one link on the port, evidence merged.
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../src/discovery/topology/build.ts';
import { unitPorts } from '../../src/discovery/topology/port-units.ts';
import { device, l2, LAG, mac, seen } from './support/facts.ts';

const PROP_VIRTUAL = 53;

describe('units and sub-interfaces', () => {
  it('finds a unit’s port through ifStackTable, or by name when there is no stack table', () => {
    const stacked = device({
      name: 'X',
      ifs: [
        [10, 'ae0', undefined, LAG],
        [11, 'ae0.0', undefined, PROP_VIRTUAL],
        [12, 'ge-0/0/1'],
        [13, 'ge-0/0/1.0'],
      ],
      stack: {
        ifStack: [
          [11, 10],
          [10, 12],
        ],
      },
    });
    // ae0 over one member is no unit of it (names differ); ge-0/0/1.0 has no stack row: named like a unit.
    expect([...unitPorts(stacked)]).toEqual([
      [11, 10],
      [13, 12],
    ]);
    expect([
      ...unitPorts(
        device({
          name: 'Y',
          ifs: [
            [1, 'Gi0/1'],
            [2, 'Gi0/1.100'],
            [3, 'Vlan100'],
          ],
        }),
      ),
    ]).toEqual([[2, 1]]);
  });

  it('Junos: LLDP on ae0.0 at both ends and spanning tree on ae0 are one link ae0–ae0', () => {
    const junos = (
      name: string,
      me: string,
      peer: string,
      stp: [number, number, 'forwarding', string, number],
    ) =>
      device({
        name,
        chassis: mac(me),
        bridgeMac: mac(`${me[1]}0`),
        ifs: [
          [10, 'ae0', undefined, LAG],
          [11, 'ae0.0', undefined, PROP_VIRTUAL],
        ],
        stack: { ifStack: [[11, 10]] },
        lldp: [[11, seen(peer, 'ae0.0')]],
        stp: [stp],
      });
    // X is the root (its ae0 designated by itself); Y's ae0 is designated by X's bridge port 1.
    const t = buildTopology([
      junos('X', '0a', '0b', [1, 10, 'forwarding', mac('a0'), 1]),
      junos('Y', '0b', '0a', [1, 10, 'forwarding', mac('a0'), 1]),
    ]);
    expect(l2(t)).toEqual(['X:10 Y:10 lldp+stp confirmed']);
  });

  it('a sub-interface seen at one end and its port at the other: one confirmed link on the ports', () => {
    const a = device({
      name: 'A',
      chassis: mac('0a'),
      ifs: [
        [1, 'ge-0/0/1'],
        [2, 'ge-0/0/1.0'],
      ],
      lldp: [[2, seen('0b', 'Gi0/1')]],
    });
    const b = device({
      name: 'B',
      chassis: mac('0b'),
      ifs: [[7, 'Gi0/1']],
      lldp: [[7, seen('0a', 'ge-0/0/1')]],
    });
    expect(l2(buildTopology([a, b]))).toEqual(['A:1 B:7 lldp confirmed']);
  });
});
