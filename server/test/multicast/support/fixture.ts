// A small routed + snooped network as device facts, built into a stored-topology shape: R1 routes
// (S,G) from its eth0 (towards the source) out of eth1 to SW port 5; SW snoops listeners on ports 4 and 6
// and reaches SW2 (no listener rows) over port 7. Hosts hang off the switches' edge ports.
import type { DeviceFacts, LldpRemote, McastRouteFacts } from '@netspotter/shared/snmp/facts';
import { buildTopology } from '../../../src/discovery/topology/build.ts';
import type { DiscoveryResult } from '../../../src/discovery/result.ts';
import type { Topology } from '../../../src/snapshots/graph.ts';
import { storedTopology } from '../../discovery/support/stored-topology.ts';
import { device } from '../../discovery/support/facts.ts';

export const S = '2001:db8:1::11';
export const G = 'ff3e::1234';

const nb = (chassis: string, portId = 'eth0'): Partial<LldpRemote> => ({
  chassisIdSubtype: 4,
  chassisId: chassis,
  portIdSubtype: 5,
  portId,
});

export const route = (over: Partial<McastRouteFacts> = {}): McastRouteFacts => ({
  group: G,
  groupPrefixLength: 128,
  source: S,
  sourcePrefixLength: 128,
  inIfIndex: 1,
  nextHops: [{ ifIndex: 2, state: 2 }],
  pkts: '1200',
  octets: '144000',
  mib: 'ipmcast',
  ...over,
});

export interface FixtureOptions {
  routes?: McastRouteFacts[];
  /** Listener rows on SW (default: G on ports 4 and 6). */
  swListeners?: DeviceFacts['multicast']['listeners'];
}

export function labFacts(o: FixtureOptions = {}): DeviceFacts[] {
  const r1 = device({
    name: 'R1',
    chassis: '02:00:00:00:00:0f',
    ifs: [
      [1, 'eth0'],
      [2, 'eth1'],
    ],
    addresses: [['2001:db8:1::1', 1, 64]],
    lldp: [[2, nb('02:00:00:00:00:50', 'p5')]],
  });
  r1.multicast.routes = o.routes ?? [route()];
  r1.multicast.pimNeighbors = [];
  const sw = device({
    name: 'SW',
    chassis: '02:00:00:00:00:50',
    ifs: [
      [4, 'p4'],
      [5, 'p5'],
      [6, 'p6'],
      [7, 'p7'],
    ],
    lldp: [
      [5, nb('02:00:00:00:00:0f', 'eth1')],
      [7, nb('02:00:00:00:00:60', 'q1')],
    ],
    fdb: [
      ['02:00:00:00:aa:02', 4],
      ['02:00:00:00:aa:04', 6],
      ['02:00:00:00:aa:05', 7],
    ],
    listeners: o.swListeners ?? [
      { group: G, ifIndex: 4, mib: 'snooping', vlan: 1 },
      { group: G, ifIndex: 6, mib: 'snooping', vlan: 1 },
    ],
  });
  sw.bridge.portIfIndex = { 4: 4, 5: 5, 6: 6, 7: 7 };
  const sw2 = device({
    name: 'SW2',
    chassis: '02:00:00:00:00:60',
    ifs: [
      [1, 'q1'],
      [2, 'q2'],
    ],
    lldp: [[1, nb('02:00:00:00:00:50', 'p7')]],
    fdb: [['02:00:00:00:aa:05', 2]],
  });
  sw2.bridge.portIfIndex = { 1: 1, 2: 2 };
  return [r1, sw, sw2];
}

/** The facts discovered and stored as a snapshot's topology (roles included). */
export const discovered = (facts = labFacts(), report: DiscoveryResult['report'] = []): DiscoveryResult => ({
  ...buildTopology(facts),
  startedAt: '2026-12-05T01:00:00.000Z',
  finishedAt: '2026-12-05T01:00:05.000Z',
  unreachable: [],
  report,
  facts,
});

export const flowTopology = (facts: DeviceFacts[]): Topology => storedTopology(discovered(facts));
