// JSON of GET /api/topology: one layer of a discovery snapshot as nodes and edges.

export type Layer = 'l2' | 'l3' | 'multicast';

/** How a node is drawn. `agent` marks test agents placed on the topology. */
export type NodeRole = 'router' | 'switch' | 'host' | 'agent' | 'unmanaged' | 'segment';

export interface GraphNode {
  id: string;
  label: string;
  role: NodeRole;
  managed: boolean;
  addresses: string[];
  vendor?: string;
  /** Multicast layer: listeners on this device for the chosen group(s). */
  listeners?: number;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  sourcePort?: string;
  targetPort?: string;
  evidence: string[];
  confirmed: boolean;
  /** Multicast layer: the group and source of the distribution tree this edge belongs to. */
  group?: string;
  groupSource?: string;
  subnet?: string;
  /** L2 link aggregation (LAG / port-channel / bond): its physical member links, by port names. */
  members?: { sourcePort?: string; targetPort?: string }[];
  /** L2: spanning-tree state (dot1dStpPortState name: forwarding, blocking, …) of each end, when reported. */
  sourceStp?: string;
  targetStp?: string;
  /** L2: STP blocks one end, so the link carries no traffic (no multicast either). */
  blocked?: boolean;
  /** L2: VLANs in which a per-VLAN or MST spanning tree blocks one end. */
  blockedVlans?: number[];
  /** L2: the VLANs both ends carry (when both ends' VLANs are known). */
  vlans?: number[];
  /** What does not add up on this link (native VLAN mismatch, a VLAN only one end carries). */
  issues?: string[];
  /** Neighbour tables other than LLDP-MIB / CISCO-CDP-MIB that found the link. */
  via?: string[];
}

export interface Graph {
  layer: Layer;
  nodes: GraphNode[];
  edges: GraphEdge[];
}
