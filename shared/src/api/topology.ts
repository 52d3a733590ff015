// GET /api/topology and the other views of a discovery snapshot: one layer as nodes and edges, the
// snapshots themselves, search hits and the diff of two snapshots.
import Type, { type Static } from 'typebox';
import { Nullable } from './common.ts';

export const LayerSchema = Type.Union([Type.Literal('l2'), Type.Literal('l3'), Type.Literal('multicast')]);
export type Layer = Static<typeof LayerSchema>;

/** How a node is drawn. `agent` marks test agents placed on the topology. */
export const NodeRoleSchema = Type.Union(
  [
    Type.Literal('router'),
    Type.Literal('switch'),
    Type.Literal('host'),
    Type.Literal('agent'),
    Type.Literal('unmanaged'),
    Type.Literal('segment'),
  ],
  { description: 'router, switch, host, unmanaged or segment' },
);
export type NodeRole = Static<typeof NodeRoleSchema>;

export const GraphNodeSchema = Type.Object({
  id: Type.String(),
  label: Type.String(),
  role: NodeRoleSchema,
  managed: Type.Boolean(),
  addresses: Type.Array(Type.String()),
  vendor: Type.Optional(Type.String()),
  site: Type.Optional(
    Type.String({ description: "The device's site (its sysLocation), for grouping the map by site" }),
  ),
  /** Multicast layer: listeners on this device for the chosen group(s). */
  listeners: Type.Optional(Type.Integer()),
});
export type GraphNode = Static<typeof GraphNodeSchema>;

export const GraphEdgeSchema = Type.Object({
  id: Type.String(),
  source: Type.String(),
  target: Type.String(),
  sourcePort: Type.Optional(Type.String()),
  targetPort: Type.Optional(Type.String()),
  evidence: Type.Array(Type.String()),
  confirmed: Type.Boolean(),
  /** Multicast layer: the group and source of the distribution tree this edge belongs to. */
  group: Type.Optional(Type.String()),
  groupSource: Type.Optional(Type.String()),
  subnet: Type.Optional(Type.String()),
  members: Type.Optional(
    Type.Array(
      Type.Object({ sourcePort: Type.Optional(Type.String()), targetPort: Type.Optional(Type.String()) }),
      {
        description:
          'L2 link aggregation (LAG / port-channel / bond): the physical member links, by port names',
      },
    ),
  ),
  sourceStp: Type.Optional(Type.String({ description: 'L2: dot1dStpPortState of the source port' })),
  targetStp: Type.Optional(Type.String({ description: 'L2: dot1dStpPortState of the target port' })),
  blocked: Type.Optional(Type.Boolean({ description: 'L2: spanning tree blocks one end of the link' })),
  blockedVlans: Type.Optional(
    Type.Array(Type.Integer(), {
      description: 'L2: VLANs in which a per-VLAN (PVST+) or MST spanning tree blocks one end',
    }),
  ),
  vlans: Type.Optional(
    Type.Array(Type.Integer(), { description: 'L2: VLANs both ends carry, when both are known' }),
  ),
  issues: Type.Optional(
    Type.Array(Type.String(), {
      description: 'What does not add up: native VLAN mismatch, a VLAN only one end carries',
    }),
  ),
  via: Type.Optional(
    Type.Array(Type.String(), {
      description: 'Neighbour tables other than LLDP-MIB / CISCO-CDP-MIB that found the link',
    }),
  ),
});
export type GraphEdge = Static<typeof GraphEdgeSchema>;

export const GraphSchema = Type.Object({
  layer: LayerSchema,
  nodes: Type.Array(GraphNodeSchema),
  edges: Type.Array(GraphEdgeSchema),
});
export type Graph = Static<typeof GraphSchema>;

export const SnapshotSummarySchema = Type.Record(Type.String(), Type.Number(), {
  description: 'counts of what the run found: devices, l2Links, hosts, groups, unreachable, durationMs, …',
});

/** A snapshot in listings and as the header of every answer about one. */
export const SnapshotMetaSchema = Type.Object({
  id: Type.String(),
  runId: Nullable(Type.String()),
  takenAt: Type.String(),
  summary: SnapshotSummarySchema,
});
export type SnapshotMeta = Static<typeof SnapshotMetaSchema>;

/** GET /api/topology: the layer of the snapshot it was drawn from. */
export const TopologyResponseSchema = Type.Intersect([
  Type.Object({ snapshot: SnapshotMetaSchema }),
  GraphSchema,
]);
export type TopologyResponse = Static<typeof TopologyResponseSchema>;

export const SearchHitSchema = Type.Object({
  /**
   * device: a polled device (by name, address, chassis or interface MAC); port: a port by name or
   * description; host: where a MAC or address lives (the edge port the FDBs lead to); unmanaged: a
   * neighbour we do not poll.
   */
  kind: Type.Union([
    Type.Literal('device'),
    Type.Literal('port'),
    Type.Literal('host'),
    Type.Literal('unmanaged'),
  ]),
  /** The device the hit is, or (for a port or host) the switch it is on. */
  device: Type.String(),
  label: Type.String(),
  /** What matched: name, address, chassis MAC, interface MAC, port name, port description, FDB, ARP/ND. */
  matched: Type.String(),
  /** The device's name, for port and host hits. */
  deviceLabel: Type.Optional(Type.String()),
  ifIndex: Type.Optional(Type.Integer()),
  ifName: Type.Optional(Type.String()),
  vlan: Type.Optional(Type.Integer()),
  mac: Type.Optional(Type.String()),
  addresses: Type.Optional(Type.Array(Type.String())),
  /** Host: the port is an edge port (no polled device behind it), or only the uplink it was followed to. */
  edge: Type.Optional(Type.Boolean()),
  /** Host: the switch ports the MAC was followed through, from where it was first seen to the edge. */
  path: Type.Optional(
    Type.Array(
      Type.Object({
        device: Type.String(),
        label: Type.String(),
        ifIndex: Type.Optional(Type.Integer()),
        ifName: Type.Optional(Type.String()),
      }),
    ),
  ),
  /** Host, not at an edge: the polled device across the last uplink, which did not learn the MAC itself. */
  towards: Type.Optional(
    Type.Object({ device: Type.String(), label: Type.String(), ifIndex: Type.Optional(Type.Integer()) }),
  ),
  /** Host: MACs learned on that port (an edge port has few). */
  macsOnPort: Type.Optional(Type.Integer()),
  /** When it was seen: the snapshot's time. */
  seenAt: Type.Optional(Type.String()),
});
export type SearchHit = Static<typeof SearchHitSchema>;

const Changes = Type.Object({
  added: Type.Array(Type.String()),
  removed: Type.Array(Type.String()),
  changed: Type.Array(Type.Object({ id: Type.String(), fields: Type.Array(Type.String()) })),
});
/** A port that appeared, disappeared or changed admin/oper state between two snapshots of its device. */
export const PortChangeSchema = Type.Object({
  device: Type.String(),
  ifIndex: Type.Integer(),
  port: Type.String({ description: 'ifName, else ifDescr, else "ifIndex N"' }),
  kind: Type.Union([Type.Literal('added'), Type.Literal('removed'), Type.Literal('state')]),
  /** admin/oper as words, e.g. "up/down", before and after a state change. */
  from: Type.Optional(Type.String()),
  to: Type.Optional(Type.String()),
  /** The link this port is an end (or a LAG member) of, and which end: a change on one side only. */
  link: Type.Optional(
    Type.Object({ id: Type.String(), side: Type.Union([Type.Literal('source'), Type.Literal('target')]) }),
  ),
});
export type PortChange = Static<typeof PortChangeSchema>;

/** A device of the older snapshot the newer one did not poll (unreachable, or not asked): not removed. */
export const NotPolledSchema = Type.Object({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  reason: Type.String(),
  /** The unmanaged node that stands for it in the newer snapshot, seen by its neighbours' LLDP/CDP. */
  standIn: Type.Optional(Type.String()),
});
export type NotPolled = Static<typeof NotPolledSchema>;

/**
 * What changed between two snapshots: device ids and link keys added, removed or changed (with the
 * fields), port state changes, devices the newer snapshot did not poll, and the links touching those,
 * which neither snapshot can confirm or deny (`unverified`, link keys of either snapshot).
 */
export const TopologyDiffSchema = Type.Object({
  devices: Changes,
  links: Changes,
  ports: Type.Array(PortChangeSchema),
  notPolled: Type.Array(NotPolledSchema),
  unverified: Type.Array(Type.String()),
});
export type TopologyDiff = Static<typeof TopologyDiffSchema>;

/** Where a user placed the map's nodes on one layer: node id → position. Stored per user on the server. */
export const MapPositionsSchema = Type.Record(
  Type.String({ minLength: 1, maxLength: 512 }),
  Type.Object(
    { x: Type.Number({ minimum: -1e9, maximum: 1e9 }), y: Type.Number({ minimum: -1e9, maximum: 1e9 }) },
    { additionalProperties: false },
  ),
  { maxProperties: 50_000, description: 'node id → position on the canvas' },
);
export type MapPositions = Static<typeof MapPositionsSchema>;
