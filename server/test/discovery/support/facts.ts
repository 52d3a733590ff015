// Hand-made device facts for the pure topology tests, and a one-line-per-link view of the result.
import type {
  DeviceFacts,
  FdbEntry,
  ListenerFacts,
  LldpRemote,
  PortVlans,
  StackFacts,
  StpInstance,
  StpState,
} from '@netspotter/shared/snmp/facts';
import type { buildTopology } from '../../../src/discovery/topology/build.ts';

export interface Spec {
  name: string;
  chassis?: string;
  sysObjectID?: string;
  target?: string;
  /** ifIndex, ifName, MAC, ifType */
  ifs?: [number, string, string?, number?][];
  stack?: Partial<StackFacts>;
  addresses?: [string, number, number][];
  lldp?: [number, Partial<LldpRemote>][];
  fdb?: [string, number][];
  /** dot1dBaseBridgeAddress */
  bridgeMac?: string;
  /** bridge port, ifIndex, state, designated bridge MAC (priority 32768), designated port */
  stp?: [number, number, StpState, string, number][];
  /** Per-VLAN / MST trees: id, the VLANs it carries, and per ifIndex the port's state. */
  instances?: [StpInstance['kind'], number, number[], [number, StpState][]][];
  /** Per port VLAN membership (Q-BRIDGE-MIB). */
  vlanPorts?: PortVlans[];
  listeners?: ListenerFacts[];
}

export function device(s: Spec): DeviceFacts {
  const f: DeviceFacts = {
    target: s.target ?? s.name,
    system: { sysName: s.name, sysObjectID: s.sysObjectID ?? '1.3.6.1.4.1.99999.1' },
    interfaces: (s.ifs ?? []).map(([ifIndex, ifName, mac, ifType]) => ({
      ifIndex,
      ifName,
      ...(mac ? { mac } : {}),
      ...(ifType !== undefined ? { ifType } : {}),
    })),
    addresses: (s.addresses ?? []).map(([address, ifIndex, prefixLength]) => ({
      address,
      family: address.includes(':') ? 'ipv6' : 'ipv4',
      ifIndex,
      prefixLength,
    })),
    neighbors: [],
    bridge: {
      portIfIndex: {},
      fdb: (s.fdb ?? []).map(([mac, ifIndex]): FdbEntry => ({ mac, ifIndex, status: 3 })),
    },
    lldp: {
      ports: [],
      remotes: (s.lldp ?? []).map(([localPortNum, r]) => ({ localPortNum, managementAddresses: [], ...r })),
    },
    cdp: { interfaceNames: {}, entries: [] },
    routes: [],
    multicast: { listeners: [], routes: [], pimNeighbors: [] },
    issues: [],
  };
  if (s.bridgeMac) f.bridge.baseAddress = s.bridgeMac;
  if (s.stp)
    f.stp = {
      ports: s.stp.map(([port, ifIndex, state, mac, designatedPort]) => ({
        port,
        ifIndex,
        state,
        designatedBridge: { priority: 32768, mac },
        designatedPort,
      })),
    };
  if (s.instances)
    f.stp = {
      ports: f.stp?.ports ?? [],
      instances: s.instances.map(([kind, id, vlans, ports]) => ({
        kind,
        id,
        vlans,
        ports: ports.map(([ifIndex, state]) => ({ port: ifIndex, ifIndex, state })),
      })),
    };
  if (s.vlanPorts) {
    const ids = [...new Set(s.vlanPorts.flatMap((p) => [...p.untagged, ...p.tagged]))].sort((a, b) => a - b);
    f.vlans = { mib: 'Q-BRIDGE-MIB', vlans: ids.map((id) => ({ id })), ports: s.vlanPorts };
  }
  if (s.listeners) f.multicast.listeners = s.listeners;
  if (s.stack) f.stack = { ifStack: [], attachedAgg: {}, ...s.stack };
  if (s.chassis) Object.assign(f.lldp, { chassisIdSubtype: 4, chassisId: s.chassis });
  return f;
}

export const l2 = (t: ReturnType<typeof buildTopology>) =>
  t.links
    .filter((l) => l.layer === 'l2')
    .map(
      (l) =>
        `${l.a.device}:${l.a.ifIndex} ${l.b.device ?? l.b.unmanaged ?? l.b.segment}:${l.b.ifIndex ?? l.b.port ?? ''} ${l.evidence.join('+')}${l.confirmed ? ' confirmed' : ''}${l.blocked ? ' blocked' : ''}${l.members ? ` [${l.members.map((m) => `${m.a.ifIndex}-${m.b.ifIndex ?? m.b.port ?? ''}`).join(' ')}]` : ''}`,
    )
    .sort();

export const ETH = 6;
export const LAG = 161;
export const mac = (x: string) => `02:00:00:00:00:${x}`;
/** An LLDP neighbour announcing chassis mac(chassis) and an interface-name port id. */
export const seen = (chassis: string, portId: string): Partial<LldpRemote> => ({
  chassisIdSubtype: 4,
  chassisId: mac(chassis),
  portIdSubtype: 5,
  portId,
});

// A: Po10 = ports 1+2; B: Po20 = ports 7+8; LLDP on the member ports, both ends.
export const lagA = (extra: Partial<Spec> = {}): Spec => ({
  name: 'A',
  chassis: mac('0a'),
  ifs: [
    [1, 'p1', undefined, ETH],
    [2, 'p2', undefined, ETH],
    [3, 'p3', undefined, ETH],
    [10, 'Po10', undefined, LAG],
  ],
  stack: {
    ifStack: [
      [10, 1],
      [10, 2],
    ],
  },
  lldp: [
    [1, seen('0b', 'q1')],
    [2, seen('0b', 'q2')],
  ],
  ...extra,
});
export const lagB = (extra: Partial<Spec> = {}): Spec => ({
  name: 'B',
  chassis: mac('0b'),
  ifs: [
    [7, 'q1', undefined, ETH],
    [8, 'q2', undefined, ETH],
    [20, 'Po20', undefined, LAG],
  ],
  stack: {
    ifStack: [
      [20, 7],
      [20, 8],
    ],
  },
  lldp: [
    [7, seen('0a', 'p1')],
    [8, seen('0a', 'p2')],
  ],
  ...extra,
});
