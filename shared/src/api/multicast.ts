// The multicast layer of a discovery snapshot: the groups known from every source, one group's
// distribution trees with each router's state, the expected path from a source to a receiver, and where
// the expected tree and the receivers getting beacons (the monitor matrix) differ.
import Type, { type Static } from 'typebox';
import { CellStateSchema } from './monitors.ts';
import { SnapshotMetaSchema } from './topology.ts';
import { Nullable } from './common.ts';

/** A port of a polled device. */
export const PortRefSchema = Type.Object({ ifIndex: Type.Integer(), ifName: Type.Optional(Type.String()) });
export type PortRef = Static<typeof PortRefSchema>;

export const FlowSchema = Type.Object({
  group: Type.String(),
  /** Absent: any source ((*,G), ASM). */
  source: Type.Optional(Type.String()),
});
export type Flow = Static<typeof FlowSchema>;

/** One device on the way from a source to a receiver. */
export const ExpectedHopSchema = Type.Object({
  device: Type.String(),
  /** router: it holds a route for the flow; switch: it bridges the flow. */
  kind: Type.Union([Type.Literal('router'), Type.Literal('switch')]),
  /** Where the flow enters: a router's RPF interface, a switch's port towards the previous hop. */
  in: Type.Optional(PortRefSchema),
  /** Where it leaves towards the receiver (the receiver's own port on the last hop). */
  out: Type.Array(PortRefSchema),
  /** False: the snapshot's tree does not reach this hop; it is on the fewest-hop L2 path to the receiver. */
  onTree: Type.Boolean(),
});
export type ExpectedHop = Static<typeof ExpectedHopSchema>;

export const ExpectedPathSchema = Type.Object({
  flow: FlowSchema,
  /** The tree the path follows: the (S,G) one, else the group's (*,G) one; null when the snapshot has none. */
  tree: Nullable(Type.Union([Type.Literal('(S,G)'), Type.Literal('(*,G)')])),
  /** From the first hop after the source to the receiver's device, in order. */
  hops: Type.Array(ExpectedHopSchema),
  /** Whether the hops end at the receiver's device. */
  reaches: Type.Boolean(),
  /** Why the path is empty or does not reach the receiver. */
  reason: Type.Optional(Type.String()),
});
export type ExpectedPath = Static<typeof ExpectedPathSchema>;

/** A group as the layer knows it, with how many entries each source of knowledge holds. */
export const GroupEntrySchema = Type.Object({
  group: Type.String(),
  /** Sources named for it by routes, SSM listeners, monitors and tests. */
  sources: Type.Array(Type.String()),
  counts: Type.Object({
    /** MLD/IGMP/MGMD listener rows (routers' caches and snooping switches). */
    listeners: Type.Integer(),
    /** ipMcastRoute / ipMRoute rows. */
    routes: Type.Integer(),
    /** Monitors with a group of this address. */
    monitors: Type.Integer(),
    /** Tasks and sequences naming it. */
    tests: Type.Integer(),
  }),
});
export type GroupEntry = Static<typeof GroupEntrySchema>;

/** What each polled device answered for the multicast tables, to say why a layer is empty. */
export const MulticastTableStatusSchema = Type.Object({
  table: Type.String(),
  /** rows: it returned some; none: no rows (not supported or empty: SNMP does not tell them apart); error. */
  outcome: Type.Union([Type.Literal('rows'), Type.Literal('none'), Type.Literal('error')]),
  rows: Type.Integer(),
  reason: Type.Optional(Type.String()),
});
export const LayerStatusSchema = Type.Object({
  devices: Type.Array(
    Type.Object({
      device: Type.String(),
      label: Type.String(),
      tables: Type.Array(MulticastTableStatusSchema),
    }),
  ),
  /** Why the layer shows nothing, when it does not. */
  empty: Type.Optional(Type.String()),
});
export type LayerStatus = Static<typeof LayerStatusSchema>;

export const MulticastGroupsResponseSchema = Type.Object({
  snapshot: Nullable(SnapshotMetaSchema),
  groups: Type.Array(GroupEntrySchema),
  layer: LayerStatusSchema,
});
export type MulticastGroupsResponse = Static<typeof MulticastGroupsResponseSchema>;

/** A router's state for a flow: its route row, the RPF interface and counters, as the snapshot saw it. */
export const RouterStateSchema = Type.Object({
  device: Type.String(),
  label: Type.String(),
  entry: Type.Union([Type.Literal('(S,G)'), Type.Literal('(*,G)')]),
  source: Type.Optional(Type.String()),
  rpf: Type.Optional(
    Type.Object({
      ifIndex: Type.Integer(),
      ifName: Type.Optional(Type.String()),
      upstream: Type.Optional(Type.String()),
      upstreamDevice: Type.Optional(Type.String()),
    }),
  ),
  oifs: Type.Array(
    Type.Object({
      ifIndex: Type.Integer(),
      ifName: Type.Optional(Type.String()),
      /** 1 pruned, 2 forwarding (pruned ones are not listed). */
      state: Type.Optional(Type.Integer()),
    }),
  ),
  /** ipMcastRoutePkts / ipMcastRouteOctets (Counter64 as decimal text). */
  pkts: Type.Optional(Type.String()),
  octets: Type.Optional(Type.String()),
  /** When the state was seen: the snapshot's time. */
  seenAt: Type.String(),
});
export type RouterState = Static<typeof RouterStateSchema>;

const TreeEndSchema = Type.Object({
  device: Type.Optional(Type.String()),
  ifIndex: Type.Optional(Type.Integer()),
  ifName: Type.Optional(Type.String()),
  /** Listeners at this end. */
  listeners: Type.Optional(Type.Integer()),
});
export const GroupTreeSchema = Type.Object({
  group: Type.String(),
  source: Type.Optional(Type.String()),
  vlan: Type.Optional(Type.Integer()),
  edges: Type.Array(Type.Object({ from: TreeEndSchema, to: TreeEndSchema })),
  routers: Type.Array(RouterStateSchema),
  /** Snooping switches on the tree, per VLAN, with their mrouter ports. */
  switches: Type.Array(
    Type.Object({
      device: Type.String(),
      label: Type.String(),
      vlan: Type.Optional(Type.Integer()),
      routerPorts: Type.Array(PortRefSchema),
    }),
  ),
  listenerPorts: Type.Array(
    Type.Object({
      device: Type.String(),
      ifIndex: Type.Integer(),
      ifName: Type.Optional(Type.String()),
      vlan: Type.Optional(Type.Integer()),
      sources: Type.Optional(Type.Array(Type.String())),
    }),
  ),
});
export type GroupTree = Static<typeof GroupTreeSchema>;

export const TreeDifferenceSchema = Type.Object({
  kind: Type.Union([
    Type.Literal('expected-not-served'),
    Type.Literal('branch-serving-nobody'),
    Type.Literal('oif-missing'),
    Type.Literal('snooping-port-without-listener'),
  ]),
  device: Type.Optional(Type.String()),
  ifIndex: Type.Optional(Type.Integer()),
  ifName: Type.Optional(Type.String()),
  /** The monitored receiver (agent name) it concerns. */
  receiver: Type.Optional(Type.String()),
  message: Type.String(),
});
export type TreeDifference = Static<typeof TreeDifferenceSchema>;

/** A monitor's receiver of the flow: where it sits, whether it gets beacons and the path expected to it. */
export const MonitoredReceiverSchema = Type.Object({
  agentId: Type.String(),
  name: Type.String(),
  /** The worst state of its cells for the flow. */
  state: CellStateSchema,
  served: Type.Boolean(),
  /** Where the topology places it: device and edge port, with the evidence (FDB, ND/ARP, LLDP, address). */
  placed: Type.Optional(
    Type.Object({
      device: Type.String(),
      ifIndex: Type.Optional(Type.Integer()),
      ifName: Type.Optional(Type.String()),
      evidence: Type.String(),
    }),
  ),
  path: Type.Optional(ExpectedPathSchema),
});
export type MonitoredReceiver = Static<typeof MonitoredReceiverSchema>;

export const MulticastTreeResponseSchema = Type.Object({
  snapshot: SnapshotMetaSchema,
  flow: FlowSchema,
  trees: Type.Array(GroupTreeSchema),
  /** Receivers of running monitors with this group (and source, when given): the actual tree. */
  receivers: Type.Array(MonitoredReceiverSchema),
  differences: Type.Array(TreeDifferenceSchema),
});
export type MulticastTreeResponse = Static<typeof MulticastTreeResponseSchema>;

/** GET /api/multicast/agents: where each test agent sits on a snapshot. */
export const AgentPlacementsResponseSchema = Type.Object({
  snapshot: SnapshotMetaSchema,
  agents: Type.Array(
    Type.Object({
      agentId: Type.String(),
      name: Type.String(),
      placed: Type.Optional(
        Type.Object({
          device: Type.String(),
          ifIndex: Type.Optional(Type.Integer()),
          ifName: Type.Optional(Type.String()),
          evidence: Type.Union([
            Type.Literal('address'),
            Type.Literal('LLDP'),
            Type.Literal('FDB'),
            Type.Literal('ARP/ND'),
          ]),
        }),
      ),
    }),
  ),
});
export type AgentPlacementsResponse = Static<typeof AgentPlacementsResponseSchema>;
