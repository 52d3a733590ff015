// Normalised per-device facts produced by the collectors: plain JSON, one object per polled target.

export interface SystemFacts {
  sysDescr?: string;
  sysObjectID?: string;
  sysUpTime?: number;
  sysName?: string;
  sysLocation?: string;
  sysServices?: number;
  /** Names that were not clean text as received: field → their octets in hex (the field holds printable text). */
  rawNames?: Partial<Record<'sysName' | 'sysDescr' | 'sysLocation', string>>;
}

export interface InterfaceFacts {
  ifIndex: number;
  ifName?: string;
  ifDescr?: string;
  ifAlias?: string;
  ifType?: number;
  mac?: string;
  adminStatus?: number;
  operStatus?: number;
  highSpeed?: number;
  /** Counter64 values as decimal strings (JSON has no bigint). */
  hcInOctets?: string;
  hcOutOctets?: string;
  /** Names that were not clean text as received: field → their octets in hex (the field holds printable text). */
  rawNames?: Partial<Record<'ifName' | 'ifDescr' | 'ifAlias', string>>;
}

/** Interface layering as recorded: the raw material for LAG membership (topology/lag-members.ts). */
export interface StackFacts {
  /** Active ifStackTable rows as [higher, lower] ifIndex pairs (rows naming ifIndex 0 dropped). */
  ifStack: [number, number][];
  /** dot3adAggPortAttachedAggID: member ifIndex → aggregate ifIndex, for ports attached to one (non-zero). */
  attachedAgg: Record<string, number>;
}

export interface AddressFacts {
  address: string;
  family: 'ipv4' | 'ipv6';
  ifIndex?: number;
  prefixLength?: number;
}

export interface NeighborFacts {
  ifIndex?: number;
  address: string;
  family: 'ipv4' | 'ipv6';
  mac?: string;
  state?: number;
}

export interface FdbEntry {
  mac: string;
  vlan?: number;
  port?: number;
  ifIndex?: number;
  /** dot1dTpFdbStatus / dot1qTpFdbStatus: 3 learned, 4 self, 5 mgmt. */
  status?: number;
}

/** FDB rows by how their port was mapped to an interface; absent in facts recorded before it existed. */
export interface FdbPortReport {
  /** Rows whose port dot1dBasePortIfIndex (or the per-VLAN instance's) maps. */
  kept: number;
  /** Rows mapped by a vendor's rule, per rule. */
  resolved: Record<string, number>;
  /** Rows left without an interface, per reason (they stay in `fdb`, without ifIndex). */
  dropped: Record<string, number>;
}

export interface BridgeFacts {
  baseAddress?: string;
  portIfIndex: Record<string, number>;
  fdb: FdbEntry[];
  fdbPorts?: FdbPortReport;
}

/** 802.1Q VLANs and per-port membership; absent when the device reports none (or in older facts). */
export interface VlanFacts {
  /** Where membership came from: Q-BRIDGE-MIB, or Cisco's CISCO-VTP-MIB with CISCO-VLAN-MEMBERSHIP-MIB. */
  mib: 'Q-BRIDGE-MIB' | 'CISCO-VTP-MIB';
  vlans: { id: number; name?: string }[];
  ports: PortVlans[];
}

export interface PortVlans {
  ifIndex: number;
  /** The VLAN untagged frames join: dot1qPvid, or Cisco's vmVlan (access) / vlanTrunkPortNativeVlan (trunk). */
  pvid?: number;
  /** VLANs the port sends untagged, and tagged. */
  untagged: number[];
  tagged: number[];
}

/** dot1dStpPortState 1..6. */
export type StpState = 'disabled' | 'blocking' | 'listening' | 'learning' | 'forwarding' | 'broken';

/** A bridge identifier: 2 octets priority (with the 802.1t system id extension) + the bridge MAC. */
export interface BridgeId {
  priority: number;
  mac: string;
}

export interface StpPort {
  /** Bridge port (dot1dStpPort); ifIndex through dot1dBasePortIfIndex when the bridge maps it. */
  port: number;
  ifIndex?: number;
  state?: StpState;
  designatedBridge?: BridgeId;
  /** Port number of the designated port on the designated bridge (its bridge port number). */
  designatedPort?: number;
}

/** BRIDGE-MIB dot1dStp of the default instance, plus per-VLAN or per-MST-instance trees where there are. */
export interface StpFacts {
  designatedRoot?: BridgeId;
  ports: StpPort[];
  instances?: StpInstance[];
}

/** One spanning tree of several on a bridge: Cisco PVST+ runs one per VLAN, MSTP one per instance. */
export interface StpInstance {
  /** `vlan`: a PVST+ tree (BRIDGE-MIB in the VLAN's community/context); `mst`: an IEEE8021-MSTP-MIB instance. */
  kind: 'vlan' | 'mst';
  id: number;
  /** The VLANs the tree carries (PVST+: its own; MSTI: those ieee8021MstpVlanTable maps to it). */
  vlans: number[];
  designatedRoot?: BridgeId;
  ports: StpPort[];
}

/** MLD/IGMP snooping state per VLAN, from a vendor MIB (no IETF MIB has it). */
export interface SnoopingFacts {
  mib: string;
  vlans: SnoopingVlan[];
}

export interface SnoopingVlan {
  vlan: number;
  enabled: boolean;
  /** The querier's address, when one is heard (or this switch queries). */
  querier?: string;
  /** This switch is the VLAN's querier. */
  selfQuerier?: boolean;
  /** Ports towards multicast routers (mrouter ports), as ifIndex. */
  routerPorts: number[];
}

export interface LldpPort {
  portNum: number;
  idSubtype?: number;
  id?: string;
  desc?: string;
}

export interface LldpRemote {
  localPortNum?: number;
  /** lldpRemIndex: tells neighbours on one port apart (and finds their rows in other tables). */
  remIndex?: number;
  /** LLDP-V2 indexes by ifIndex directly. */
  localIfIndex?: number;
  chassisIdSubtype?: number;
  chassisId?: string;
  portIdSubtype?: number;
  portId?: string;
  portDesc?: string;
  sysName?: string;
  sysDesc?: string;
  managementAddresses: string[];
  /** Tables other than LLDP-MIB this neighbour (or its addresses, or its local port) came from. */
  tables?: string[];
  /** Names that were not clean text as received: field → their octets in hex. */
  rawNames?: Partial<Record<'portDesc' | 'sysName' | 'sysDesc', string>>;
}

export interface LldpFacts {
  chassisIdSubtype?: number;
  chassisId?: string;
  sysName?: string;
  ports: LldpPort[];
  remotes: LldpRemote[];
}

export interface CdpEntry {
  ifIndex: number;
  deviceId?: string;
  devicePort?: string;
  address?: string;
  platform?: string;
  version?: string;
  /** Names that were not clean text as received: field → their octets in hex. */
  rawNames?: Partial<Record<'deviceId' | 'devicePort' | 'platform', string>>;
}

export interface CdpFacts {
  deviceId?: string;
  interfaceNames: Record<string, string>;
  entries: CdpEntry[];
}

export interface RouteFacts {
  destination: string;
  prefixLength: number;
  nextHop: string;
  ifIndex?: number;
  /** inetCidrRouteType: 3 local (direct), 4 remote. */
  type?: number;
  proto?: number;
}

export interface ListenerFacts {
  group: string;
  ifIndex: number;
  lastReporter?: string;
  sources?: string[];
  mib: 'mgmd' | 'mld' | 'igmp' | 'snooping';
  /** The VLAN a snooping switch keeps this listener in. */
  vlan?: number;
}

export interface McastNextHop {
  ifIndex: number;
  address?: string;
  /** 1 pruned, 2 forwarding. */
  state?: number;
}

export interface McastRouteFacts {
  group: string;
  groupPrefixLength: number;
  /** Absent for (*,G). */
  source?: string;
  sourcePrefixLength: number;
  inIfIndex?: number;
  upstream?: string;
  protocol?: number;
  octets?: string;
  pkts?: string;
  nextHops: McastNextHop[];
  mib: 'ipmcast' | 'ipmroute-std';
}

export interface PimNeighborFacts {
  ifIndex: number;
  address: string;
  mib: 'pim-std' | 'pim-exp';
}

export interface MulticastFacts {
  listeners: ListenerFacts[];
  routes: McastRouteFacts[];
  pimNeighbors: PimNeighborFacts[];
  snooping?: SnoopingFacts;
}

/** Everything learned from one target. `issues` lists tables that failed or were cut short. */
export interface DeviceFacts {
  target: string;
  system: SystemFacts;
  interfaces: InterfaceFacts[];
  /** Absent in facts recorded before LAG roll-up existed. */
  stack?: StackFacts;
  addresses: AddressFacts[];
  neighbors: NeighborFacts[];
  bridge: BridgeFacts;
  vlans?: VlanFacts;
  /** Absent in facts recorded before spanning-tree collection existed. */
  stp?: StpFacts;
  lldp: LldpFacts;
  cdp: CdpFacts;
  routes: RouteFacts[];
  multicast: MulticastFacts;
  issues: { table: string; reason: string }[];
}
