// Every numeric OID the discovery walks, in one place, each named after its MIB object.

export const SYSTEM = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  sysLocation: '1.3.6.1.2.1.1.6.0',
  sysServices: '1.3.6.1.2.1.1.7.0',
} as const;

/** A table: the entry OID plus the column sub-ids the collector reads. */
export interface TableSpec {
  entry: string;
  columns: Record<string, number>;
}

export const IF_TABLE: TableSpec = {
  entry: '1.3.6.1.2.1.2.2.1',
  columns: { ifDescr: 2, ifType: 3, ifPhysAddress: 6, ifAdminStatus: 7, ifOperStatus: 8 },
};
export const IF_X_TABLE: TableSpec = {
  entry: '1.3.6.1.2.1.31.1.1.1',
  columns: { ifName: 1, ifHCInOctets: 6, ifHCOutOctets: 10, ifHighSpeed: 15, ifAlias: 18 },
};

// ifStackTable (index higher.lower ifIndex) and IEEE8023-LAG-MIB dot3adAggPortTable (index member ifIndex):
// which physical ports an aggregate (LAG / port-channel / bond) bundles.
export const IF_STACK: TableSpec = { entry: '1.3.6.1.2.1.31.1.2.1', columns: { status: 3 } };
export const DOT3AD_AGG_PORT: TableSpec = {
  entry: '1.2.840.10006.300.43.1.2.1.1',
  columns: { attachedAggId: 13 },
};

export const IP_ADDRESS_TABLE: TableSpec = {
  entry: '1.3.6.1.2.1.4.34.1',
  columns: { ifIndex: 3, type: 4, prefix: 5 },
};
export const IP_ADDR_TABLE: TableSpec = {
  entry: '1.3.6.1.2.1.4.20.1',
  columns: { ifIndex: 2, netMask: 3 },
};
export const IPV6_ADDR_TABLE: TableSpec = {
  entry: '1.3.6.1.2.1.55.1.8.1',
  columns: { pfxLength: 2, type: 3 },
};

export const IP_NET_TO_PHYSICAL: TableSpec = {
  entry: '1.3.6.1.2.1.4.35.1',
  columns: { physAddress: 4, type: 6, state: 7 },
};
export const IP_NET_TO_MEDIA: TableSpec = {
  entry: '1.3.6.1.2.1.4.22.1',
  columns: { physAddress: 2, type: 4 },
};
export const IPV6_NET_TO_MEDIA: TableSpec = {
  entry: '1.3.6.1.2.1.55.1.12.1',
  columns: { physAddress: 2, state: 4 },
};

export const BRIDGE = {
  baseBridgeAddress: '1.3.6.1.2.1.17.1.1.0',
} as const;
export const DOT1D_BASE_PORT: TableSpec = { entry: '1.3.6.1.2.1.17.1.4.1', columns: { ifIndex: 2 } };
// BRIDGE-MIB spanning tree: the root this bridge sees, and per bridge port its state and the designated
// bridge/port of the segment (Stott's topology inference).
export const DOT1D_STP = { designatedRoot: '1.3.6.1.2.1.17.2.5.0' } as const;
export const DOT1D_STP_PORT: TableSpec = {
  entry: '1.3.6.1.2.1.17.2.15.1',
  columns: { state: 3, designatedBridge: 8, designatedPort: 9 },
};
// IEEE8021-MSTP-MIB: per MST instance (index ComponentId.MstId) its root; per instance and port (index
// ComponentId.MstId.PortNum) state (1 disabled, 2 listening, 3 learning, 4 forwarding, 5 blocking: not the
// BRIDGE-MIB numbering) and designated bridge/port; VLAN → instance (index ComponentId.VlanId).
export const MSTP_INSTANCE: TableSpec = {
  entry: '1.3.111.2.802.1.1.6.1.2.1',
  columns: { designatedRoot: 7 },
};
export const MSTP_PORT: TableSpec = {
  entry: '1.3.111.2.802.1.1.6.1.4.1',
  columns: { state: 5, designatedBridge: 10, designatedPort: 11 },
};
export const MSTP_VLAN: TableSpec = { entry: '1.3.111.2.802.1.1.6.1.6.1', columns: { mstId: 3 } };
export const DOT1D_TP_FDB: TableSpec = { entry: '1.3.6.1.2.1.17.4.3.1', columns: { port: 2, status: 3 } };
export const DOT1Q_TP_FDB: TableSpec = { entry: '1.3.6.1.2.1.17.7.1.2.2.1', columns: { port: 2, status: 3 } };
export const DOT1Q_VLAN_CURRENT: TableSpec = { entry: '1.3.6.1.2.1.17.7.1.4.2.1', columns: { fdbId: 3 } };
// Q-BRIDGE-MIB VLAN membership: port lists are bitmaps of bridge ports (the first octet's top bit is port 1).
// The current table (index TimeMark.VlanIndex) is what the bridge runs; the static one (index VlanIndex)
// what is configured, read when the current one is absent (as LibreNMS does).
export const DOT1Q_VLAN_CURRENT_PORTS: TableSpec = {
  entry: '1.3.6.1.2.1.17.7.1.4.2.1',
  columns: { egress: 4, untagged: 5 },
};
export const DOT1Q_VLAN_STATIC: TableSpec = {
  entry: '1.3.6.1.2.1.17.7.1.4.3.1',
  columns: { name: 1, egress: 2, untagged: 4 },
};
export const DOT1Q_PORT_VLAN: TableSpec = { entry: '1.3.6.1.2.1.17.7.1.4.5.1', columns: { pvid: 1 } };
// CISCO-VTP-MIB (index managementDomain.vlan; trunk table index ifIndex: enabled VLANs as four 1024-VLAN
// bitmaps, native VLAN, trunking(1) / notTrunking(2)) and CISCO-VLAN-MEMBERSHIP-MIB vmVlan (access VLAN).
export const VTP_VLAN: TableSpec = {
  entry: '1.3.6.1.4.1.9.9.46.1.3.1.1',
  columns: { state: 2, type: 3, name: 4 },
};
export const VLAN_TRUNK_PORT: TableSpec = {
  entry: '1.3.6.1.4.1.9.9.46.1.6.1.1',
  columns: { enabled: 4, native: 5, status: 14, enabled2k: 17, enabled3k: 18, enabled4k: 19 },
};
export const VM_MEMBERSHIP: TableSpec = { entry: '1.3.6.1.4.1.9.9.68.1.2.2.1', columns: { vlan: 2 } };
// HUAWEI-L2IF-MIB hwL2IfTable: index hwL2IfPortNum (the bridge port), value ifIndex.
export const HW_L2IF_PORT: TableSpec = {
  entry: '1.3.6.1.4.1.2011.5.25.42.1.1.1.3.1',
  columns: { ifIndex: 2 },
};

export const LLDP_LOCAL = {
  chassisIdSubtype: '1.0.8802.1.1.2.1.3.1.0',
  chassisId: '1.0.8802.1.1.2.1.3.2.0',
  sysName: '1.0.8802.1.1.2.1.3.3.0',
} as const;
export const LLDP_LOC_PORT: TableSpec = {
  entry: '1.0.8802.1.1.2.1.3.7.1',
  columns: { idSubtype: 2, id: 3, desc: 4 },
};
export const LLDP_REM: TableSpec = {
  entry: '1.0.8802.1.1.2.1.4.1.1',
  columns: {
    chassisIdSubtype: 4,
    chassisId: 5,
    portIdSubtype: 6,
    portId: 7,
    portDesc: 8,
    sysName: 9,
    sysDesc: 10,
  },
};
// MIKROTIK-MIB: RouterOS < 7.7 indexes lldpRemTable by neighbour only; the local interface of neighbour
// N is mtxrNeighborInterfaceID.N, an interface id named by mtxrInterfaceStatsName (LibreNMS does the same).
export const MTXR_NEIGHBOR: TableSpec = {
  entry: '1.3.6.1.4.1.14988.1.1.11.1.1',
  columns: { interfaceId: 8 },
};
export const MTXR_INTERFACE_STATS: TableSpec = {
  entry: '1.3.6.1.4.1.14988.1.1.14.1.1',
  columns: { name: 2 },
};
export const LLDP_REM_MAN_ADDR: TableSpec = { entry: '1.0.8802.1.1.2.1.4.2.1', columns: { ifSubtype: 3 } };
// LLDP-V2-MIB: index TimeMark.LocalIfIndex.LocalDestMACAddress.RemIndex; column numbers shifted by one.
export const LLDP_V2_REM: TableSpec = {
  entry: '1.3.111.2.802.1.1.13.1.4.1.1',
  columns: {
    chassisIdSubtype: 5,
    chassisId: 6,
    portIdSubtype: 7,
    portId: 8,
    portDesc: 9,
    sysName: 10,
    sysDesc: 11,
  },
};
export const LLDP_V2_REM_MAN_ADDR: TableSpec = {
  entry: '1.3.111.2.802.1.1.13.1.4.2.1',
  columns: { ifSubtype: 3 },
};

// Vendor neighbour tables, read where LLDP-MIB has no rows (or rows without addresses):
// TPLINK-LLDPINFO-MIB lldpNeighborInfoTable (index ifIndex.neighbour; ids and their types as text),
// TIMETRA-LLDP-MIB tmnxLldpRemTable (index TimeMark.ifIndex.DestMACAddress.RemIndex, LLDP-MIB's columns)
// and its management addresses, HUAWEI-LLDP-MIB hwLldpRemManAddrTable (index as lldpRemManAddrTable).
export const TPLINK_LLDP_NEIGHBOR: TableSpec = {
  entry: '1.3.6.1.4.1.11863.6.35.1.2.2.1',
  columns: {
    localPort: 1,
    chassisIdType: 3,
    chassisId: 4,
    portIdType: 5,
    portId: 6,
    portDesc: 8,
    sysName: 9,
    sysDesc: 10,
    manAddr: 13,
  },
};
export const TIMETRA_LLDP_REM: TableSpec = {
  entry: '1.3.6.1.4.1.6527.3.1.2.59.4.1.1',
  columns: LLDP_REM.columns,
};
export const TIMETRA_LLDP_REM_MAN_ADDR: TableSpec = {
  entry: '1.3.6.1.4.1.6527.3.1.2.59.4.2.1',
  columns: { ifSubtype: 3 },
};
export const HW_LLDP_REM_MAN_ADDR: TableSpec = {
  entry: '1.3.6.1.4.1.2011.5.25.134.1.2.4.1',
  columns: { ifSubtype: 3 },
};

// Snooping state per VLAN (no IETF MIB has it). CISCO-IGMP-SNOOPING-MIB (Catalyst; IGMP and, by address
// type, MLD groups): global and per-VLAN enable, the VLAN's querier (state 3 = this switch), mrouter ports
// (index VLAN.ifIndex), and per group the ports that joined (CiscoPortList of dot1dBasePort, 2048 per range;
// index VLAN.CeVlan.InetAddress group.InetAddress source.range).
export const CISCO_SNOOPING = { enabled: '1.3.6.1.4.1.9.9.263.1.1.1.0' } as const;
export const CIS_VLAN_CONFIG: TableSpec = { entry: '1.3.6.1.4.1.9.9.263.1.4.1.1', columns: { enabled: 2 } };
export const CIS_QUERIER: TableSpec = {
  entry: '1.3.6.1.4.1.9.9.263.1.4.2.1',
  columns: { state: 3, addressType: 5, address: 6 },
};
export const CIS_MROUTER: TableSpec = { entry: '1.3.6.1.4.1.9.9.263.1.6.2.1', columns: { type: 2 } };
export const CIS_GROUP_PORTS: TableSpec = { entry: '1.3.6.1.4.1.9.9.263.1.7.3.1', columns: { ports: 2 } };
// HP-ICF-MLD-MIB (ProCurve / Aruba-OS), per VLAN interface (index ifIndex): hpicfMldIfTable augments
// IPV6-MLD-MIB mldInterfaceTable (Querier address); snooping on, ports with a multicast router (PortList),
// state (3: this switch is the querier); hpicfMldCacheTable (index VLAN ifIndex.group, 16 octets,
// no length): the ports that joined.
export const MLD_INTERFACE: TableSpec = { entry: '1.3.6.1.2.1.91.1.1.1', columns: { querier: 5 } };
export const HP_MLD_IF: TableSpec = {
  entry: '1.3.6.1.4.1.11.2.14.11.5.1.48.1.1.5.1',
  columns: { snooping: 2, routerPorts: 6, state: 44 },
};
export const HP_MLD_CACHE: TableSpec = {
  entry: '1.3.6.1.4.1.11.2.14.11.5.1.48.1.1.6.1',
  columns: { ports: 8 },
};

export const CDP = {
  globalDeviceId: '1.3.6.1.4.1.9.9.23.1.3.4.0',
} as const;
export const CDP_CACHE: TableSpec = {
  entry: '1.3.6.1.4.1.9.9.23.1.2.1.1',
  columns: { addressType: 3, address: 4, version: 5, deviceId: 6, devicePort: 7, platform: 8 },
};
export const CDP_INTERFACE: TableSpec = { entry: '1.3.6.1.4.1.9.9.23.1.1.1.1', columns: { name: 6 } };

export const INET_CIDR_ROUTE: TableSpec = {
  entry: '1.3.6.1.2.1.4.24.7.1',
  columns: { ifIndex: 7, type: 8, proto: 9 },
};
export const IP_CIDR_ROUTE: TableSpec = {
  entry: '1.3.6.1.2.1.4.24.4.1',
  columns: { ifIndex: 5, type: 6, proto: 7 },
};
// RFC 1213 ipRouteTable (index: destination), for agents older than IP-FORWARD-MIB.
export const IP_ROUTE: TableSpec = {
  entry: '1.3.6.1.2.1.4.21.1',
  columns: { ifIndex: 2, nextHop: 7, type: 8, proto: 9, mask: 11 },
};

// LastReporter is unknown to some agents (a snooping switch's kernel keeps no reporter): a row is seen
// when any of these columns answers.
export const MGMD_ROUTER_CACHE: TableSpec = {
  entry: '1.3.6.1.2.1.185.1.4.1',
  columns: { lastReporter: 4, expiryTime: 6, sourceFilterMode: 10 },
};
export const MGMD_ROUTER_SRC_LIST: TableSpec = { entry: '1.3.6.1.2.1.185.1.8.1', columns: { expire: 5 } };
export const MLD_CACHE: TableSpec = { entry: '1.3.6.1.2.1.91.1.2.1', columns: { self: 3, lastReporter: 4 } };
export const IGMP_STD_CACHE: TableSpec = {
  entry: '1.3.6.1.2.1.85.1.2.1',
  columns: { self: 3, lastReporter: 4 },
};

export const IPMCAST_ROUTE: TableSpec = {
  entry: '1.3.6.1.2.1.168.1.5.1',
  columns: { upstreamType: 7, upstream: 8, inIfIndex: 9, protocol: 12, octets: 18, pkts: 19 },
};
export const IPMCAST_NEXT_HOP: TableSpec = { entry: '1.3.6.1.2.1.168.1.6.1', columns: { state: 10 } };
export const IPMROUTE_STD_ROUTE: TableSpec = {
  entry: '1.3.6.1.2.1.83.1.1.2.1',
  columns: { upstream: 4, inIfIndex: 5, pkts: 8, protocol: 11 },
};
export const IPMROUTE_STD_NEXT_HOP: TableSpec = { entry: '1.3.6.1.2.1.83.1.1.3.1', columns: { state: 6 } };

export const PIM_STD_NEIGHBOR: TableSpec = { entry: '1.3.6.1.2.1.157.1.2.1', columns: { upTime: 6 } };
// Experimental PIM-MIB (RFC 2934 draft era): pimNeighborTable index = IpAddress, column 2 = IfIndex.
export const PIM_EXP_NEIGHBOR: TableSpec = { entry: '1.3.6.1.3.61.1.1.3.1', columns: { ifIndex: 2 } };
