// The discovery result: one plain JSON document (the CLI's --json output and, later, a stored snapshot).
import type { DeviceFacts, ListenerFacts, StpState } from '@netspotter/shared/snmp/facts';
import type { TargetReport } from '@netspotter/shared/snmp/poll-target';

export type { TargetReport };

export type Evidence = 'lldp' | 'cdp' | 'fdb' | 'stp' | 'subnet' | 'route';

/** How a port carries VLANs: an access port one untagged VLAN; a trunk tagged ones and perhaps a native one. */
export interface PortVlanView {
  access?: number;
  native?: number;
  tagged?: number[];
}

/** Spanning-tree states of a port per VLAN, where the bridge runs a tree per VLAN or MST instance. */
export interface StpVlanStates {
  state: StpState;
  vlans: number[];
}

export interface PortRef {
  ifIndex?: number;
  ifName?: string;
}

export interface LinkEnd extends PortRef {
  device?: string;
  /** Id of an entry in `unmanaged` (a neighbour we do not poll) or `segments` (a hub / shared segment). */
  unmanaged?: string;
  segment?: string;
  /** Remote port as the neighbour announced it, when it could not be mapped to an ifIndex. */
  port?: string;
  name?: string;
  /** L2: dot1dStpPortState of this port (of an aggregate: its own, else its members'), when the bridge reports it. */
  stp?: StpState;
  /** L2: the port's state in the per-VLAN (PVST+) or MST trees, grouped by state, for the VLANs it carries. */
  stpVlans?: StpVlanStates[];
  /** L2: the VLANs this port carries (Q-BRIDGE-MIB, or the vendor's VLAN MIB). */
  vlans?: PortVlanView;
}

export interface Link {
  layer: 'l2' | 'l3';
  a: LinkEnd & { device: string };
  b: LinkEnd;
  evidence: Evidence[];
  /**
   * L2: both ends reported each other (STP-inferred: the designated bridge also reports itself designated
   * on that port). L3: both ends' addresses/routes are known.
   */
  confirmed: boolean;
  /** L2: spanning tree blocks one of its ends, so it carries no traffic (no multicast either). */
  blocked?: true;
  /** L2: VLANs in which spanning tree (per VLAN or per MST instance) blocks one of its ends. */
  blockedVlans?: number[];
  /** L2: the VLANs both ends carry, when both ends' VLANs are known. */
  vlans?: number[];
  /** What does not add up on this link (native VLAN mismatch, a VLAN only one end carries). */
  issues?: string[];
  /** Neighbour tables other than LLDP-MIB / CISCO-CDP-MIB that found this link (IEEE8021-LLDP-V2, vendor MIBs). */
  via?: string[];
  /** For subnet links: the shared network. */
  subnet?: string;
  /**
   * Set on a link aggregation (LAG / port-channel / bond): the ends are the aggregate interfaces (an end
   * not known to be one names only the node) and these are the physical links it bundles.
   */
  members?: LinkMember[];
}

/** One physical link of an aggregate: ports on the aggregate link's `a` and `b` nodes. */
export interface LinkMember {
  a: PortRef;
  b: PortRef & { port?: string };
  evidence: Evidence[];
  confirmed: boolean;
}

export interface DeviceSummary {
  id: string;
  sysName?: string;
  sysObjectID?: string;
  sysDescr?: string;
  vendor?: string;
  addresses: string[];
  chassisId?: string;
  /** BRIDGE-MIB dot1dBaseBridgeAddress: the MAC a switch's neighbours and FDBs know it by. */
  bridgeAddress?: string;
  sysLocation?: string;
  /** The targets (address[:port]) that reached this box; several when one box answers on many addresses. */
  targets: string[];
  interfaces: {
    ifIndex: number;
    ifName?: string;
    ifDescr?: string;
    ifAlias?: string;
    mac?: string;
    /** IF-MIB ifAdminStatus / ifOperStatus (1 up, 2 down, …): port state changes show in the diff. */
    adminStatus?: number;
    operStatus?: number;
    /** Names that were not clean text as received (shown printable, the rest as \xNN; octets in the facts). */
    flagged?: string[];
  }[];
  /** System names that were not clean text as received. */
  flagged?: string[];
  /** 802.1Q VLANs the device has, with the MIB they came from. */
  vlans?: { id: number; name?: string }[];
}

export interface UnmanagedNode {
  id: string;
  name?: string;
  chassisId?: string;
  addresses: string[];
  platform?: string;
}

export interface HostAttachment {
  mac: string;
  addresses: string[];
  device: string;
  ifIndex: number;
  ifName?: string;
  vlan?: number;
}

export interface MulticastGroup {
  group: string;
  listeners: {
    device: string;
    ifIndex: number;
    ifName?: string;
    lastReporter?: string;
    sources?: string[];
    /** The VLAN the listener is in: the snooping switch's, or its access port's. */
    vlan?: number;
    /** The table the row came from (which one to read it from again). */
    mib?: ListenerFacts['mib'];
  }[];
}

export interface MulticastRoute {
  device: string;
  group: string;
  groupPrefixLength: number;
  source?: string;
  inIfIndex?: number;
  inIfName?: string;
  upstream?: string;
  upstreamDevice?: string;
  oifs: { ifIndex: number; ifName?: string; state?: number }[];
  pkts?: string;
  octets?: string;
}

export interface TreeEdge {
  from: { device: string; ifIndex?: number };
  to: { device?: string; ifIndex?: number; listeners?: number };
}

export interface DistributionTree {
  group: string;
  source?: string;
  /** The VLAN its L2 part runs in, when its listeners' and source's ports agree on one. */
  vlan?: number;
  edges: TreeEdge[];
}

export interface MulticastOverlay {
  groups: MulticastGroup[];
  routes: MulticastRoute[];
  pimNeighbors: { device: string; ifIndex: number; address: string; neighborDevice?: string }[];
  trees: DistributionTree[];
  /** MLD/IGMP snooping per switch and VLAN, where a vendor MIB reports it. */
  snooping?: SnoopingState[];
}

export interface SnoopingState {
  device: string;
  mib: string;
  vlan: number;
  enabled: boolean;
  querier?: string;
  selfQuerier?: boolean;
  routerPorts: { ifIndex: number; ifName?: string }[];
}

export interface DiscoveryResult {
  startedAt: string;
  finishedAt: string;
  devices: DeviceSummary[];
  unmanaged: UnmanagedNode[];
  segments: { id: string; members: number }[];
  links: Link[];
  hosts: HostAttachment[];
  neighbors: Record<string, { ipv6: number; ipv4: number; fdb: number; lldp: number; cdp: number }>;
  multicast: MulticastOverlay;
  unreachable: { target: string; reason: string }[];
  report: TargetReport[];
  /** Raw per-target facts, so the topology can be rebuilt when a rule changes. */
  facts?: DeviceFacts[];
}
