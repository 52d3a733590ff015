import { describe, expect, it } from 'vitest';
import type { Topology } from './graph.ts';
import { layerGraph } from './graph.ts';
import { diffTopologies } from './diff.ts';
import { searchTopology } from './search.ts';

function topology(over: Partial<Topology> = {}): Topology {
  return {
    startedAt: '2026-11-22T10:00:00.000Z',
    finishedAt: '2026-11-22T10:00:05.000Z',
    devices: [
      {
        id: 'sw1',
        sysName: 'sw1',
        addresses: ['2001:db8::2'],
        targets: ['2001:db8::2'],
        interfaces: [{ ifIndex: 1, ifName: 'ge1', mac: '02:00:00:00:00:01' }],
      },
      {
        id: 'r1',
        sysName: 'r1',
        addresses: ['2001:db8::1', '192.0.2.1'],
        targets: ['192.0.2.1'],
        interfaces: [{ ifIndex: 7, ifName: 'eth0' }],
      },
    ],
    unmanaged: [{ id: 'unmanaged:ap', name: 'ap-3', addresses: ['2001:db8::99'] }],
    segments: [],
    links: [
      {
        layer: 'l2',
        a: { device: 'sw1', ifIndex: 1, ifName: 'ge1' },
        b: { device: 'r1', ifIndex: 7, ifName: 'eth0' },
        evidence: ['lldp'],
        confirmed: true,
      },
      {
        layer: 'l2',
        a: { device: 'sw1', ifIndex: 2 },
        b: { unmanaged: 'unmanaged:ap', port: 'wan' },
        evidence: ['lldp'],
        confirmed: false,
      },
      {
        layer: 'l3',
        a: { device: 'sw1' },
        b: { device: 'r1' },
        evidence: ['subnet'],
        confirmed: true,
        subnet: '2001:db8::/64',
      },
    ],
    hosts: [
      {
        mac: '02:aa:bb:cc:dd:ee',
        addresses: ['2001:db8::50'],
        device: 'sw1',
        ifIndex: 3,
        ifName: 'ge3',
        vlan: 10,
      },
    ],
    neighbors: {},
    multicast: {
      groups: [{ group: 'ff3e::1234', listeners: [{ device: 'sw1', ifIndex: 3 }] }],
      routes: [],
      pimNeighbors: [],
      trees: [
        {
          group: 'ff3e::1234',
          source: '2001:db8::11',
          edges: [{ from: { device: 'r1', ifIndex: 7 }, to: { device: 'sw1', ifIndex: 1 } }],
        },
        { group: 'ff0e::1', edges: [{ from: { device: 'r1' }, to: { device: 'sw1' } }] },
      ],
    },
    unreachable: [],
    report: [],
    roles: { sw1: 'switch', r1: 'router' },
    ...over,
  };
}

describe('layerGraph', () => {
  it('draws L2 with unmanaged neighbours and port names', () => {
    const g = layerGraph(topology(), 'l2');
    expect(g.nodes.map((n) => `${n.id}:${n.role}:${n.managed}`)).toEqual([
      'sw1:switch:true',
      'r1:router:true',
      'unmanaged:ap:unmanaged:false',
    ]);
    expect(g.edges.map((e) => [e.source, e.sourcePort, e.target, e.targetPort, e.confirmed])).toEqual([
      ['sw1', 'ge1', 'r1', 'eth0', true],
      ['sw1', 'ifIndex 2', 'unmanaged:ap', 'wan', false],
    ]);
  });
  it('gives a device its sysLocation as the site the map groups it under', () => {
    const t = topology();
    t.devices[0]!.sysLocation = 'Paris DC1';
    expect(layerGraph(t, 'l2').nodes.map((n) => [n.id, n.site])).toEqual([
      ['sw1', 'Paris DC1'],
      ['r1', undefined],
      ['unmanaged:ap', undefined],
    ]);
  });
  it('draws L3 subnets and one multicast group’s tree with listeners', () => {
    expect(layerGraph(topology(), 'l3').edges).toEqual([
      expect.objectContaining({ source: 'sw1', target: 'r1', subnet: '2001:db8::/64' }),
    ]);
    const mc = layerGraph(topology(), 'multicast', { group: 'ff3e::1234' });
    expect(mc.edges).toEqual([
      expect.objectContaining({
        source: 'r1',
        target: 'sw1',
        group: 'ff3e::1234',
        groupSource: '2001:db8::11',
        // The tree's ports by the names the devices gave them.
        sourcePort: 'eth0',
        targetPort: 'ge1',
      }),
    ]);
    expect(mc.nodes.find((n) => n.id === 'sw1')!.listeners).toBe(1);
    expect(layerGraph(topology(), 'multicast').edges).toHaveLength(2);
  });
});

describe('searchTopology', () => {
  it('finds devices by name, address and interface MAC, and hosts by MAC in any spelling', () => {
    const t = topology();
    expect(searchTopology(t, 'R1')).toEqual([
      expect.objectContaining({ kind: 'device', device: 'r1', matched: 'name' }),
    ]);
    expect(searchTopology(t, '192.0.2.1')).toEqual([
      expect.objectContaining({ device: 'r1', matched: 'address' }),
    ]);
    expect(searchTopology(t, '0200.0000.0001')).toEqual([
      expect.objectContaining({ device: 'sw1', matched: 'interface MAC', ifName: 'ge1' }),
    ]);
    expect(searchTopology(t, '02-AA-BB-CC-DD-EE')).toEqual([
      expect.objectContaining({
        kind: 'host',
        device: 'sw1',
        ifName: 'ge3',
        vlan: 10,
        edge: true,
        addresses: ['2001:db8::50'],
      }),
    ]);
    expect(searchTopology(t, '2001:db8::50')[0]).toMatchObject({
      kind: 'host',
      matched: 'ARP/ND',
      ifName: 'ge3',
    });
    expect(searchTopology(t, 'ap-3')[0]).toMatchObject({ kind: 'unmanaged' });
    expect(searchTopology(t, 'nothing')).toEqual([]);
  });

  it('finds a device by its chassis MAC and a port by name or description', () => {
    const t = topology();
    t.devices[1]!.chassisId = '00:16:c8:bd:4d:80';
    t.devices[0]!.interfaces[0]!.ifAlias = 'uplink to core';
    expect(searchTopology(t, '0016.c8bd.4d80')).toEqual([
      expect.objectContaining({ kind: 'device', device: 'r1', matched: 'chassis MAC' }),
    ]);
    expect(searchTopology(t, 'GE1')).toEqual([
      expect.objectContaining({ kind: 'port', device: 'sw1', ifIndex: 1, matched: 'port name' }),
    ]);
    expect(searchTopology(t, 'to core')).toEqual([
      expect.objectContaining({ kind: 'port', device: 'sw1', ifIndex: 1, matched: 'port description' }),
    ]);
  });

  it('follows a MAC seen only on uplinks to the switch that learned it on an edge port', () => {
    // core (c) — uplink 1 — access (a): the host sits on a's port 7; c learned it on its uplink.
    const t = topology({
      devices: [
        {
          id: 'c',
          sysName: 'core',
          addresses: [],
          targets: ['c'],
          interfaces: [{ ifIndex: 1, ifName: 'Te1' }],
        },
        {
          id: 'a',
          sysName: 'access',
          addresses: [],
          targets: ['a'],
          interfaces: [
            { ifIndex: 1, ifName: 'Gi0/1' },
            { ifIndex: 7, ifName: 'Gi0/7' },
          ],
        },
      ],
      links: [
        {
          layer: 'l2',
          a: { device: 'c', ifIndex: 1, ifName: 'Te1' },
          b: { device: 'a', ifIndex: 1, ifName: 'Gi0/1' },
          evidence: ['lldp'],
          confirmed: true,
        },
      ],
      hosts: [],
    });
    const facts = (target: string, fdb: { mac: string; ifIndex: number }[]) =>
      [
        {
          target,
          system: {},
          interfaces: [],
          addresses: [],
          neighbors: [],
          bridge: { portIfIndex: {}, fdb: fdb.map((e) => ({ ...e, status: 3 })) },
          lldp: { ports: [], remotes: [] },
          cdp: { interfaceNames: {}, entries: [] },
          routes: [],
          multicast: { listeners: [], routes: [], pimNeighbors: [] },
          issues: [],
        },
      ] as never;
    const mac = '02:12:34:56:78:9a';
    const hits = searchTopology(t, mac, {
      facts: [
        facts('c', [{ mac, ifIndex: 1 }]),
        facts('a', [
          { mac, ifIndex: 7 },
          { mac: '02:00:00:00:00:99', ifIndex: 1 },
        ]),
      ],
    });
    expect(hits).toEqual([
      expect.objectContaining({ kind: 'host', device: 'a', ifName: 'Gi0/7', edge: true }),
    ]);
    // Only the core learned it: it lives behind the core's uplink, and the hit says it is no edge port.
    const behind = searchTopology(t, mac, { facts: [facts('c', [{ mac, ifIndex: 1 }])] });
    expect(behind).toEqual([expect.objectContaining({ device: 'c', ifName: 'Te1', edge: false })]);
  });
});

describe('diffTopologies', () => {
  it('reports added, removed and changed devices and links', () => {
    const before = topology();
    const after = topology({
      devices: [
        { ...before.devices[0]!, addresses: ['2001:db8::2', '2001:db8::3'] },
        { id: 'sw2', sysName: 'sw2', addresses: [], targets: [], interfaces: [] },
      ],
      links: [{ ...before.links[1]!, confirmed: true }],
      // r1's address was polled and answered, as no device this time: r1 is gone (not merely unpolled).
      report: [{ target: '192.0.2.1', status: 'ok', issues: [], ms: 1 }],
    });
    const d = diffTopologies(before, after);
    expect(d.notPolled).toEqual([]);
    expect(d.devices).toEqual({
      added: ['sw2'],
      removed: ['r1'],
      changed: [{ id: 'sw1', fields: ['addresses'] }],
    });
    expect(d.links.removed).toHaveLength(2);
    expect(d.links.changed).toEqual([{ id: expect.stringContaining('unmanaged:ap'), fields: ['confirmed'] }]);
  });

  it('a link whose VLANs, per-VLAN spanning tree or issues changed, and a device whose VLANs changed', () => {
    const before = topology();
    const trunk = before.links[0]!;
    const after = topology({
      devices: [{ ...before.devices[0]!, vlans: [{ id: 10, name: 'users' }] }, before.devices[1]!],
      links: [
        {
          ...trunk,
          a: { ...trunk.a, vlans: { native: 1, tagged: [10, 20] } },
          b: { ...trunk.b, vlans: { native: 10, tagged: [20] } },
          vlans: [10, 20],
          blockedVlans: [20],
          issues: ['native VLAN mismatch: VLAN 1 at sw1 ge1, VLAN 10 at r1 eth0'],
        },
        ...before.links.slice(1),
      ],
    });
    const d = diffTopologies(before, after);
    expect(d.devices.changed).toEqual([{ id: 'sw1', fields: ['vlans'] }]);
    expect(d.links.changed).toEqual([
      { id: expect.stringContaining('sw1:ge1'), fields: ['vlans', 'blockedVlans', 'issues'] },
    ]);
  });
});
