// GET /api/devices/:id as the device page reads it: identity, one row per port with what is known
// about it (VLANs, LAG, spanning tree, neighbour, MACs learned), and the device's tables. SNMP enums
// travel as their numbers; `@netspotter/shared` snmpWords turns them into words for people.
import Type, { type Static } from 'typebox';
import { NodeRoleSchema } from './topology.ts';

const Opt = Type.Optional;

export const PortVlansSchema = Type.Object({
  access: Opt(Type.Integer()),
  native: Opt(Type.Integer()),
  tagged: Opt(Type.Array(Type.Integer())),
});

export const PortNeighbourSchema = Type.Object({
  /** The node on the other end: a polled device's id (it has a page), or an unmanaged neighbour's. */
  node: Type.String(),
  label: Type.String(),
  managed: Type.Boolean(),
  port: Opt(Type.String()),
  /** The other end's ifIndex when it is a polled device's port. */
  ifIndex: Opt(Type.Integer()),
  evidence: Type.Array(Type.String()),
  confirmed: Type.Boolean(),
});
export type PortNeighbour = Static<typeof PortNeighbourSchema>;

export const DevicePortSchema = Type.Object({
  ifIndex: Type.Integer(),
  name: Type.String(),
  description: Opt(Type.String()),
  alias: Opt(Type.String()),
  /** IANAifType number. */
  type: Opt(Type.Integer()),
  adminStatus: Opt(Type.Integer()),
  operStatus: Opt(Type.Integer()),
  speedMbps: Opt(Type.Number()),
  mac: Opt(Type.String()),
  vlans: Opt(PortVlansSchema),
  /** The aggregate this port is a member of. */
  lag: Opt(Type.Object({ ifIndex: Type.Integer(), name: Type.String() })),
  /** An aggregate's member ports. */
  members: Opt(Type.Array(Type.Object({ ifIndex: Type.Integer(), name: Type.String() }))),
  /** dot1dStpPortState word of the default instance. */
  stp: Opt(Type.String()),
  neighbours: Type.Array(PortNeighbourSchema),
  /** MACs learned on the port (FDB rows with status learned or unknown). */
  macs: Type.Integer(),
  addresses: Type.Array(Type.String()),
});
export type DevicePort = Static<typeof DevicePortSchema>;

// Table rows as discovery recorded them (fields per MIB; the page names the columns it shows).
const Row = Type.Object({}, { additionalProperties: true });

export const DeviceDetailsSchema = Type.Object(
  {
    id: Type.String(),
    sysName: Opt(Type.String()),
    role: NodeRoleSchema,
    vendor: Opt(Type.String()),
    model: Opt(Type.String()),
    chassisId: Opt(Type.String()),
    addresses: Type.Array(Type.String()),
    targets: Type.Array(Type.String()),
    system: Type.Object({
      sysDescr: Opt(Type.String()),
      sysObjectID: Opt(Type.String()),
      /** Hundredths of a second. */
      sysUpTime: Opt(Type.Number()),
      sysName: Opt(Type.String()),
      sysLocation: Opt(Type.String()),
      sysServices: Opt(Type.Integer()),
    }),
    ports: Type.Array(DevicePortSchema),
    /** The interfaces as polled (IF-MIB columns). */
    interfaces: Type.Array(Row),
    /** The snapshot's links ending on this device, with both ends' labels. */
    links: Type.Array(Row),
    addressTable: Type.Array(Row),
    lldpNeighbors: Type.Array(Row),
    cdpNeighbors: Type.Array(Row),
    fdb: Type.Array(Row),
    fdbTotal: Type.Integer(),
    ipv6Neighbors: Type.Array(Row),
    ipv4Neighbors: Type.Array(Row),
    routes: Type.Array(Row),
    vlans: Opt(Type.Unknown()),
    spanningTree: Opt(Type.Unknown()),
    hosts: Type.Array(Row),
    multicast: Type.Object({
      groups: Type.Array(Row),
      routes: Type.Array(Row),
      pimNeighbors: Type.Array(Row),
      snooping: Opt(Type.Unknown()),
    }),
    report: Type.Array(Row),
  },
  { additionalProperties: true },
);
export type DeviceDetails = Static<typeof DeviceDetailsSchema>;

export const HistoryEventSchema = Type.Object({
  at: Type.String(),
  snapshotId: Type.String(),
  kind: Type.Union([
    Type.Literal('appeared'),
    Type.Literal('missing'),
    Type.Literal('returned'),
    Type.Literal('port-added'),
    Type.Literal('port-removed'),
    Type.Literal('state'),
    Type.Literal('neighbour'),
    Type.Literal('name'),
  ]),
  ifIndex: Opt(Type.Integer()),
  port: Opt(Type.String()),
  text: Type.String(),
});
export type HistoryEvent = Static<typeof HistoryEventSchema>;
export const DeviceHistorySchema = Type.Object({
  /** How many snapshots were compared (the newest ones). */
  snapshots: Type.Integer(),
  events: Type.Array(HistoryEventSchema),
});
export type DeviceHistory = Static<typeof DeviceHistorySchema>;
