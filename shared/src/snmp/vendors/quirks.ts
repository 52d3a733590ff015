// What a vendor family does differently from the standard MIBs, in one place per family (Netdisco's per-vendor
// SNMP::Info classes are the model). Collectors stay vendor-neutral and call these hooks where present;
// the family is chosen by the sysObjectID's enterprise number (vendors/index.ts).
import type { FdbPortRule } from '../collectors/fdb-ports.ts';
import type { InterfaceFacts, ListenerFacts, LldpRemote, SnoopingFacts, VlanFacts } from '../facts.ts';
import type { Rows, Walker } from '../poller/walker.ts';

export interface VendorQuirks {
  family: string;
  /**
   * BRIDGE-MIB (FDB, spanning tree) kept once per VLAN, reached with community@VLAN or context vlan-VLAN:
   * the VLANs that have such an instance (ideally those with ports), given what the device reported.
   */
  perVlanBridge?(vlans: VlanFacts | undefined, interfaces: InterfaceFacts[]): number[];
  /** VLANs and port membership from the vendor's MIB, for devices without Q-BRIDGE-MIB VLANs. */
  vlans?(w: Walker, interfaces: InterfaceFacts[]): Promise<VlanFacts | undefined>;
  /** The vendor's own bridge port → ifIndex table, which replaces dot1dBasePortIfIndex when it answers. */
  bridgePorts?(w: Walker): Promise<Record<string, number>>;
  /** FDB port numbers that are not bridge ports, mapped by the vendor's documented rule. */
  fdbPorts?: FdbPortRule;
  /** lldpRemTable rows indexed without a local port: the local ifIndex per row index, from a vendor table. */
  lldpLocalIfIndex?(w: Walker, rem: Rows, interfaces: InterfaceFacts[]): Promise<Map<string, number>>;
  /** LLDP neighbours completed or found in the vendor's tables, given those LLDP-MIB (or LLDP-V2-MIB) gave. */
  lldpNeighbors?(w: Walker, remotes: LldpRemote[], interfaces: InterfaceFacts[]): Promise<LldpRemote[]>;
  /** MLD/IGMP snooping per VLAN, and the listeners per port, from the vendor's snooping MIB. */
  snooping?(w: Walker, ctx: SnoopingContext): Promise<SnoopingResult | undefined>;
}

export interface SnoopingContext {
  interfaces: InterfaceFacts[];
  /** Bridge port → ifIndex (port lists name bridge ports). */
  portIfIndex: Record<string, number>;
  vlans?: VlanFacts;
}

export interface SnoopingResult {
  snooping: SnoopingFacts;
  listeners: ListenerFacts[];
}

export const STANDARD: VendorQuirks = { family: 'standard MIBs only' };
