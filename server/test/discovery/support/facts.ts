// Hand-made device facts for the pure topology tests, and a one-line-per-link view of the result.
import type {
  DeviceFacts,
  FdbEntry,
  LldpRemote,
  StackFacts,
  StpState,
} from '../../../src/discovery/facts.ts';
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
