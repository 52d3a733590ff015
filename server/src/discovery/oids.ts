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
export const DOT1D_TP_FDB: TableSpec = { entry: '1.3.6.1.2.1.17.4.3.1', columns: { port: 2, status: 3 } };
export const DOT1Q_TP_FDB: TableSpec = { entry: '1.3.6.1.2.1.17.7.1.2.2.1', columns: { port: 2, status: 3 } };
export const DOT1Q_VLAN_CURRENT: TableSpec = { entry: '1.3.6.1.2.1.17.7.1.4.2.1', columns: { fdbId: 3 } };
export const VTP_VLAN: TableSpec = { entry: '1.3.6.1.4.1.9.9.46.1.3.1.1', columns: { state: 2, type: 3 } };

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
