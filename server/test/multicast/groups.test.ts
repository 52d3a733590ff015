// The groups list from every source, and the layer's account of what each device answered.
import { describe, expect, it } from 'vitest';
import { flowsNamedIn, groupEntries } from '../../src/multicast/groups.ts';
import { layerStatus } from '../../src/multicast/layer-status.ts';
import { discovered, G, labFacts, S } from './support/fixture.ts';
import { storedTopology } from '../discovery/support/stored-topology.ts';

describe('flowsNamedIn', () => {
  it('finds the { group, source } pairs of load tasks, sequence steps and monitors, canonical, multicast only', () => {
    const load = { group: 'FF3E:0::1234', source: '2001:DB8:1::11', port: 5000, senders: [] };
    const sequence = {
      steps: [
        { op: 'join', at: 'rx', group: 'ff3e::1234' },
        { op: 'join', at: 'rx', group: '2001:db8::1' }, // unicast: not a group
        {
          op: 'send',
          from: 'tx',
          message: { template: 'ipv6', values: { dst: 'ff3e::5', group: 'not an address' } },
        },
      ],
    };
    expect(flowsNamedIn(load)).toEqual([{ group: G, source: S }]);
    expect(flowsNamedIn(sequence)).toEqual([{ group: G }, { group: 'ff3e::5' }]);
    expect(flowsNamedIn({ groups: [{ group: '239.1.2.3' }, { group: '10.0.0.1' }] })).toEqual([
      { group: '239.1.2.3' },
    ]);
  });
});

describe('groupEntries', () => {
  it('counts per source: listener rows, route rows, monitors and tests naming the group', () => {
    const t = storedTopology(discovered());
    const entries = groupEntries(
      t.multicast,
      [[{ group: G, source: S }], [{ group: 'ff3e::99' }, { group: 'ff3e::99' }]],
      [[{ group: G }], [{ group: G }, { group: 'ff3e::5' }]],
    );
    expect(entries).toEqual([
      { group: 'ff3e::5', sources: [], counts: { listeners: 0, routes: 0, monitors: 0, tests: 1 } },
      { group: 'ff3e::99', sources: [], counts: { listeners: 0, routes: 0, monitors: 1, tests: 0 } },
      { group: G, sources: [S], counts: { listeners: 2, routes: 1, monitors: 1, tests: 2 } },
    ]);
  });
});

describe('layerStatus', () => {
  it('no multicast MIB answered: which devices were asked, what they returned, errors with their reason', () => {
    const facts = labFacts({ routes: [], swListeners: [] });
    const t = storedTopology(
      discovered(facts, [
        {
          target: 'R1',
          device: 'R1',
          status: 'partial',
          issues: [{ table: 'ipMcastRouteTable', reason: 'timeout: no SNMP response' }],
          ms: 1,
        },
      ]),
    );
    const s = layerStatus(t, 0);
    expect(s.devices.find((d) => d.device === 'R1')!.tables).toEqual([
      { table: 'MLD/IGMP listeners (MGMD-STD-MIB, MLD-MIB, IGMP-STD-MIB)', outcome: 'none', rows: 0 },
      {
        table: 'multicast routes (IPMCAST-MIB, IPMROUTE-STD-MIB)',
        outcome: 'error',
        rows: 0,
        reason: 'ipMcastRouteTable: timeout: no SNMP response',
      },
      { table: 'PIM neighbours (PIM-STD-MIB, PIM-MIB)', outcome: 'none', rows: 0 },
    ]);
    expect(s.empty).toBe(
      'no multicast MIB answered: 3 devices were asked for MLD/IGMP listeners, multicast routes and PIM neighbours; none returned rows (1 with errors)',
    );
  });

  it('a layer with groups says nothing is missing', () => {
    const t = storedTopology(discovered());
    expect(layerStatus(t, 1).empty).toBeUndefined();
  });
});
