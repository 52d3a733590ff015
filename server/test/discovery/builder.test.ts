// Topology builder on hand-made facts: pure functions, no SNMP.
import { describe, expect, it } from 'vitest';
import type { LldpRemote } from '@netspotter/shared/snmp/facts';
import { buildTopology } from '../../src/discovery/topology/build.ts';
import { device, l2 } from './support/facts.ts';

describe('topology builder', () => {
  it('parallel links between two switches stay separate, each confirmed by both ends', () => {
    const a = device({
      name: 'A',
      chassis: '02:00:00:00:00:0a',
      ifs: [
        [1, 'p1'],
        [2, 'p2'],
      ],
      lldp: [
        [1, { chassisIdSubtype: 4, chassisId: '02:00:00:00:00:0b', portIdSubtype: 5, portId: 'q1' }],
        [2, { chassisIdSubtype: 4, chassisId: '02:00:00:00:00:0b', portIdSubtype: 5, portId: 'q2' }],
      ],
    });
    const b = device({
      name: 'B',
      chassis: '02:00:00:00:00:0b',
      ifs: [
        [7, 'q1'],
        [8, 'q2'],
      ],
      lldp: [
        [7, { chassisIdSubtype: 4, chassisId: '02:00:00:00:00:0a', portIdSubtype: 5, portId: 'p1' }],
        [8, { chassisIdSubtype: 4, chassisId: '02:00:00:00:00:0a', portIdSubtype: 5, portId: 'p2' }],
      ],
    });
    expect(l2(buildTopology([a, b]))).toEqual(['A:1 B:7 lldp confirmed', 'A:2 B:8 lldp confirmed']);
  });

  it('one-sided reports: unconfirmed link to a polled box, unmanaged node for an unpolled one', () => {
    const a = device({
      name: 'A',
      chassis: '02:00:00:00:00:0a',
      ifs: [
        [1, 'p1'],
        [2, 'p2'],
      ],
      lldp: [
        [1, { chassisId: '02:00:00:00:00:0b', chassisIdSubtype: 4, portId: 'q1', portIdSubtype: 5 }],
        [
          2,
          {
            chassisId: '02:00:00:00:00:0c',
            chassisIdSubtype: 4,
            sysName: 'phone',
            portId: 'lan',
            managementAddresses: ['192.0.2.9'],
          },
        ],
      ],
    });
    const b = device({ name: 'B', chassis: '02:00:00:00:00:0b', ifs: [[7, 'q1']] });
    const t = buildTopology([a, b]);
    expect(l2(t)).toEqual(['A:1 B:7 lldp', 'A:2 unmanaged:02:00:00:00:00:0c:lan lldp']);
    expect(t.unmanaged).toEqual([
      {
        id: 'unmanaged:02:00:00:00:00:0c',
        name: 'phone',
        chassisId: '02:00:00:00:00:0c',
        addresses: ['192.0.2.9'],
      },
    ]);
  });

  it('LLDP local port number is resolved through lldpLocPortId before being taken as an ifIndex', () => {
    const a = device({
      name: 'A',
      chassis: '02:00:00:00:00:0a',
      ifs: [
        [10, 'Vl10'],
        [10110, 'Gi0/10'],
      ],
      lldp: [[10, { chassisId: '02:00:00:00:00:0b', chassisIdSubtype: 4, portId: 'x', sysName: 'peer' }]],
    });
    a.lldp.ports = [{ portNum: 10, idSubtype: 5, id: 'Gi0/10', desc: 'GigabitEthernet0/10' }];
    expect(l2(buildTopology([a]))[0]).toMatch(/^A:10110 /);
  });

  it('FDB-only switch chain (Breitbart direct-connection test) and a router at the end; hosts on edge ports', () => {
    const m = (x: string) => `02:00:00:00:00:${x}`;
    const s1 = device({
      name: 'S1',
      ifs: [
        [1, 'a1', m('a1')],
        [2, 'a2'],
      ],
      fdb: [
        [m('b1'), 1],
        [m('c1'), 1],
        [m('r1'), 1],
        [m('e1'), 2],
      ],
    });
    const s2 = device({
      name: 'S2',
      ifs: [
        [1, 'b1', m('b1')],
        [2, 'b2'],
      ],
      fdb: [
        [m('a1'), 1],
        [m('c1'), 2],
        [m('r1'), 2],
        [m('e1'), 1],
      ],
    });
    const s3 = device({
      name: 'S3',
      ifs: [
        [1, 'c1', m('c1')],
        [2, 'c2'],
        [3, 'c3'],
      ],
      fdb: [
        [m('a1'), 1],
        [m('b1'), 1],
        [m('e1'), 1],
        [m('r1'), 2],
        [m('f1'), 3],
      ],
    });
    const r = device({ name: 'R', ifs: [[5, 'ge0', m('r1')]] });
    const t = buildTopology([s1, s2, s3, r]);
    expect(l2(t)).toEqual(['S1:1 S2:1 fdb confirmed', 'S2:2 S3:1 fdb confirmed', 'S3:2 R:5 fdb']);
    expect(t.hosts.map((h) => `${h.mac}@${h.device}:${h.ifIndex}`).sort()).toEqual([
      `${m('e1')}@S1:2`,
      `${m('f1')}@S3:3`,
    ]);
  });

  it('a long FDB chain: each switch learns every other, links only between neighbours; LLDP counted per device', () => {
    // 60 switches in a row, each learning the MACs to its left on port 1 and to its right on port 2 (as
    // a real chain's FDBs do), and the first seeing an unpolled phone over LLDP on port 3.
    const n = 60;
    const name = (i: number) => `S${String(i).padStart(2, '0')}`;
    const mac = (i: number) =>
      `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
    const switches = Array.from({ length: n }, (_, i) =>
      device({
        name: name(i),
        ifs: [
          [1, 'p1', mac(i)],
          [2, 'p2'],
          [3, 'p3'],
        ],
        fdb: Array.from({ length: n }, (_, j): [string, number] => [mac(j), j < i ? 1 : 2]).filter(
          (_, j) => j !== i,
        ),
        ...(i === 0 && {
          lldp: [
            [3, { chassisIdSubtype: 4, chassisId: '02:aa:00:00:00:01', portId: 'lan', sysName: 'phone' }],
          ],
        }),
      }),
    );
    const t = buildTopology(switches);
    expect(l2(t).filter((l) => l.endsWith('fdb confirmed'))).toEqual(
      Array.from({ length: n - 1 }, (_, i) => `${name(i)}:2 ${name(i + 1)}:1 fdb confirmed`).sort(),
    );
    expect(t.neighbors['S00']).toMatchObject({ lldp: 1, fdb: n - 1 });
    for (let i = 1; i < n; i++) expect(t.neighbors[name(i)]).toMatchObject({ lldp: 0, fdb: n - 1 });
  });

  it('a hub: three boxes that all see each other on one port become one shared segment', () => {
    const ch = (x: string) => `02:00:00:00:00:${x}`;
    const sees = (...others: string[]): [number, Partial<LldpRemote>][] =>
      others.map((o) => [1, { chassisIdSubtype: 4, chassisId: ch(o), portIdSubtype: 5, portId: 'e1' }]);
    const t = buildTopology([
      device({ name: 'A', chassis: ch('0a'), ifs: [[1, 'e1']], lldp: sees('0b', '0c') }),
      device({ name: 'B', chassis: ch('0b'), ifs: [[1, 'e1']], lldp: sees('0a', '0c') }),
      device({ name: 'C', chassis: ch('0c'), ifs: [[1, 'e1']], lldp: sees('0a', '0b') }),
    ]);
    expect(t.segments).toHaveLength(1);
    expect(t.segments[0]!.members).toBe(3);
    expect(l2(t).map((s) => s.split(' ')[0])).toEqual(['A:1', 'B:1', 'C:1']);
  });

  it('one box reached by three addresses is one device; boxes sharing a default or anonymised sysName stay apart', () => {
    const box = (target: string) =>
      device({
        name: 'core',
        target,
        chassis: '02:00:00:00:00:01',
        addresses: [
          ['192.0.2.1', 1, 24],
          ['2001:db8::1', 1, 64],
          ['198.51.100.1', 2, 24],
        ],
        ifs: [[1, 'e1', '02:00:00:00:00:01']],
      });
    const t = buildTopology([box('192.0.2.1'), box('2001:db8::1'), box('198.51.100.1')]);
    expect(t.devices).toHaveLength(1);
    expect(t.devices[0]!.targets).toEqual(['192.0.2.1', '2001:db8::1', '198.51.100.1']);

    const twins = buildTopology([
      device({ name: 'Switch', target: 't1', chassis: '02:00:00:00:00:11' }),
      device({ name: 'Switch', target: 't2', chassis: '02:00:00:00:00:12' }),
      device({ name: '<private>', target: 't3' }),
      device({ name: '<private>', target: 't4' }),
      device({ name: 'edge-7', target: 't5' }),
      device({ name: 'edge-7', target: 't6' }),
    ]);
    expect(twins.devices.map((d) => d.targets.join(','))).toEqual(['t1', 't2', 't3', 't4', 't5,t6']);

    // Juniper routers all carry internal 128.0.0.1: different real names keep them apart.
    const juniper = (name: string) =>
      device({ name, addresses: [['128.0.0.1', 9, 2]], ifs: [[9, 'em1', '02:00:00:00:00:09']] });
    expect(buildTopology([juniper('froh'), juniper('oedipus'), juniper('siegfried')]).devices).toHaveLength(
      3,
    );
  });

  it('L3 adjacency from a shared subnet and from a route next hop', () => {
    const r1 = device({
      name: 'R1',
      ifs: [[1, 'ge0']],
      addresses: [
        ['2001:db8:12::1', 1, 64],
        ['10.0.0.1', 1, 30],
      ],
    });
    const r2 = device({
      name: 'R2',
      ifs: [
        [3, 'ge3'],
        [4, 'ge4'],
      ],
      addresses: [
        ['2001:db8:12::2', 3, 64],
        ['10.9.9.9', 4, 32],
      ],
    });
    r1.routes = [{ destination: '10.9.9.9', prefixLength: 32, nextHop: '10.9.9.9', ifIndex: 1 }];
    const t = buildTopology([r1, r2]);
    const l3 = t.links
      .filter((l) => l.layer === 'l3')
      .map((l) =>
        `${l.a.device}:${l.a.ifIndex} ${l.b.device}:${l.b.ifIndex} ${l.evidence.join('+')} ${l.subnet ?? ''}`.trim(),
      );
    expect(l3.sort()).toEqual(['R1:1 R2:3 subnet 2001:db8:12::/64', 'R1:1 R2:4 route']);
  });

  it('multicast overlay: listeners, routes and the (S,G) tree across an L2 link', () => {
    const r1 = device({
      name: 'R1',
      chassis: '02:00:00:00:00:01',
      ifs: [
        [1, 'up'],
        [2, 'down'],
      ],
      lldp: [[2, { chassisIdSubtype: 4, chassisId: '02:00:00:00:00:02', portIdSubtype: 5, portId: 'in' }]],
    });
    const r2 = device({
      name: 'R2',
      chassis: '02:00:00:00:00:02',
      ifs: [
        [5, 'in'],
        [6, 'lan'],
      ],
      addresses: [['2001:db8:12::2', 5, 64]],
    });
    const route = (inIfIndex: number, oif: number) => ({
      group: 'ff3e::1234',
      groupPrefixLength: 128,
      source: '2001:db8:1::11',
      sourcePrefixLength: 128,
      inIfIndex,
      nextHops: [{ ifIndex: oif, state: 2 }],
      mib: 'ipmcast' as const,
    });
    r1.multicast.routes = [route(1, 2)];
    r2.multicast.routes = [route(5, 6)];
    r2.multicast.listeners = [{ group: 'ff3e::1234', ifIndex: 6, mib: 'mgmd' }];
    r1.multicast.pimNeighbors = [{ ifIndex: 2, address: '2001:db8:12::2', mib: 'pim-std' }];
    const t = buildTopology([r1, r2]);
    expect(t.multicast.groups).toEqual([
      { group: 'ff3e::1234', listeners: [{ device: 'R2', ifIndex: 6, ifName: 'lan', mib: 'mgmd' }] },
    ]);
    expect(t.multicast.pimNeighbors).toEqual([
      { device: 'R1', ifIndex: 2, address: '2001:db8:12::2', neighborDevice: 'R2' },
    ]);
    expect(t.multicast.trees).toEqual([
      {
        group: 'ff3e::1234',
        source: '2001:db8:1::11',
        edges: [
          { from: { device: 'R1', ifIndex: 2 }, to: { device: 'R2', ifIndex: 5 } },
          { from: { device: 'R2', ifIndex: 6 }, to: { listeners: 1 } },
        ],
      },
    ]);
  });

  it('an (S,G) that snooping listeners name but no router routes: the bridged tree from the source to the listener ports', () => {
    const S = '2001:db8:1::11';
    const G = 'ff3e::1234';
    const nb = (chassis: string): Partial<LldpRemote> => ({
      chassisIdSubtype: 4,
      chassisId: chassis,
      portIdSubtype: 5,
      portId: 'eth0',
    });
    const host = (name: string, chassis: string, address?: string) =>
      device({ name, chassis, ifs: [[1, 'eth0']], ...(address ? { addresses: [[address, 1, 64]] } : {}) });
    const sw = device({
      name: 'SW',
      chassis: '02:00:00:00:00:50',
      ifs: [
        [3, 'p-h1'],
        [4, 'p-h2'],
        [6, 'p-h4'],
      ],
      lldp: [
        [3, nb('02:00:00:00:00:01')],
        [4, nb('02:00:00:00:00:02')],
        [6, nb('02:00:00:00:00:04')],
      ],
    });
    sw.multicast.listeners = [
      { group: G, ifIndex: 4, sources: [S], mib: 'mgmd' },
      { group: G, ifIndex: 6, sources: ['2001:db8:1::99'], mib: 'mgmd' }, // a source no device holds: no tree
      { group: 'ff0e::db8:0:1234', ifIndex: 6, mib: 'mgmd' }, // ASM: the source is unknown, no tree
    ];
    const t = buildTopology([
      sw,
      host('H1', '02:00:00:00:00:01', S),
      host('H2', '02:00:00:00:00:02'),
      host('H4', '02:00:00:00:00:04'),
    ]);
    expect(t.multicast.trees).toEqual([
      {
        group: G,
        source: S,
        edges: [
          { from: { device: 'H1', ifIndex: 1 }, to: { device: 'SW', ifIndex: 3 } },
          { from: { device: 'SW', ifIndex: 4 }, to: { device: 'H2', ifIndex: 1, listeners: 1 } },
        ],
      },
    ]);
  });

  it('static (S,G) tree over L2: source attachment, iif to the switch, snooping listeners of that source', () => {
    const S = '2001:db8:1::11';
    const G = 'ff3e::1234';
    const nb = (chassis: string): Partial<LldpRemote> => ({
      chassisIdSubtype: 4,
      chassisId: chassis,
      portIdSubtype: 5,
      portId: 'eth0',
    });
    const host = (name: string, chassis: string, address?: string) =>
      device({ name, chassis, ifs: [[1, 'eth0']], ...(address ? { addresses: [[address, 1, 64]] } : {}) });
    const sw = device({
      name: 'SW',
      chassis: '02:00:00:00:00:50',
      ifs: [
        [3, 'p-h1'],
        [4, 'p-h2'],
        [5, 'p-r1'],
        [6, 'p-h4'],
      ],
      lldp: [
        [3, nb('02:00:00:00:00:01')],
        [4, nb('02:00:00:00:00:02')],
        [5, nb('02:00:00:00:00:0f')],
        [6, nb('02:00:00:00:00:04')],
      ],
    });
    sw.multicast.listeners = [
      { group: G, ifIndex: 4, sources: [S], mib: 'mgmd' },
      { group: G, ifIndex: 6, sources: ['2001:db8:1::99'], mib: 'mgmd' }, // another source's listener
      { group: 'ff3e::5678', ifIndex: 3, mib: 'mgmd' },
    ];
    const r1 = device({
      name: 'R1',
      chassis: '02:00:00:00:00:0f',
      ifs: [
        [1, 'eth0'],
        [2, 'eth1'],
      ],
      lldp: [[2, nb('02:00:00:00:00:03')]],
    });
    r1.multicast.routes = [
      {
        group: G,
        groupPrefixLength: 128,
        source: S,
        sourcePrefixLength: 128,
        inIfIndex: 1,
        nextHops: [{ ifIndex: 2, state: 2 }],
        mib: 'ipmcast',
      },
    ];
    const offTree = device({ name: 'SW2', chassis: '02:00:00:00:00:60', ifs: [[1, 'p1']] });
    offTree.multicast.listeners = [{ group: G, ifIndex: 1, mib: 'mgmd' }];
    const t = buildTopology([
      sw,
      r1,
      offTree,
      host('H1', '02:00:00:00:00:01', S),
      host('H2', '02:00:00:00:00:02'),
      host('H3', '02:00:00:00:00:03'),
      host('H4', '02:00:00:00:00:04'),
    ]);
    expect(t.multicast.trees).toEqual([
      {
        group: G,
        source: S,
        edges: [
          { from: { device: 'R1', ifIndex: 2 }, to: { device: 'H3', ifIndex: 1 } },
          { from: { device: 'SW', ifIndex: 5 }, to: { device: 'R1', ifIndex: 1 } },
          { from: { device: 'H1', ifIndex: 1 }, to: { device: 'SW', ifIndex: 3 } },
          { from: { device: 'SW', ifIndex: 4 }, to: { device: 'H2', ifIndex: 1, listeners: 1 } },
        ],
      },
    ]);
  });
});
