// SNMP enumerations as the words their MIBs give them, so nobody reads "ifType 6" or "status 3".
// Unknown numbers stay visible as "N (unknown)" rather than vanishing.
const IF_TYPES: Record<number, string> = {
  1: 'other',
  6: 'Ethernet',
  23: 'PPP',
  24: 'loopback',
  53: 'virtual',
  62: 'Fast Ethernet',
  71: 'Wi-Fi',
  117: 'Gigabit Ethernet',
  131: 'tunnel',
  135: 'VLAN (L2)',
  136: 'VLAN interface',
  142: 'IP forwarding',
  150: 'MPLS tunnel',
  161: 'LAG',
  166: 'MPLS',
  209: 'bridge',
};
const IF_STATUS: Record<number, string> = {
  1: 'up',
  2: 'down',
  3: 'testing',
  4: 'unknown',
  5: 'dormant',
  6: 'not present',
  7: 'lower layer down',
};
const FDB_STATUS: Record<number, string> = {
  1: 'other',
  2: 'invalid',
  3: 'learned',
  4: 'self',
  5: 'management',
};
const LLDP_CHASSIS: Record<number, string> = {
  1: 'chassis component',
  2: 'interface alias',
  3: 'port component',
  4: 'MAC address',
  5: 'network address',
  6: 'interface name',
  7: 'local',
};
const LLDP_PORT: Record<number, string> = {
  1: 'interface alias',
  2: 'port component',
  3: 'MAC address',
  4: 'network address',
  5: 'interface name',
  6: 'agent circuit id',
  7: 'local',
};
const ROUTE_PROTO: Record<number, string> = {
  1: 'other',
  2: 'local',
  3: 'static',
  4: 'ICMP',
  5: 'EGP',
  6: 'GGP',
  7: 'Hello',
  8: 'RIP',
  9: 'IS-IS',
  10: 'ES-IS',
  11: 'IGRP',
  12: 'SPF IGP',
  13: 'OSPF',
  14: 'BGP',
  15: 'IDPR',
  16: 'EIGRP',
  17: 'DVMRP',
  18: 'RPL',
  19: 'DHCP',
  20: 'TTDP',
};
const ROUTE_TYPE: Record<number, string> = {
  1: 'other',
  2: 'reject',
  3: 'direct',
  4: 'remote',
  5: 'blackhole',
};
const NEIGHBOUR_STATE: Record<number, string> = {
  1: 'reachable',
  2: 'stale',
  3: 'delay',
  4: 'probe',
  5: 'invalid',
  6: 'unknown',
  7: 'incomplete',
};
const NEXT_HOP_STATE: Record<number, string> = { 1: 'pruned', 2: 'forwarding' };

const word =
  (table: Record<number, string>) =>
  (n: number | null | undefined): string =>
    n === null || n === undefined ? '' : (table[n] ?? `${n} (unknown)`);

export const snmpWords = {
  ifType: word(IF_TYPES),
  ifStatus: word(IF_STATUS),
  fdbStatus: word(FDB_STATUS),
  lldpChassisSubtype: word(LLDP_CHASSIS),
  lldpPortSubtype: word(LLDP_PORT),
  routeProto: word(ROUTE_PROTO),
  routeType: word(ROUTE_TYPE),
  neighbourState: word(NEIGHBOUR_STATE),
  nextHopState: word(NEXT_HOP_STATE),
};

/** sysUpTime (hundredths of a second) as "12 d 3 h 4 min". */
export function uptimeWords(hundredths: number | undefined): string {
  if (hundredths === undefined) return '';
  const minutes = Math.floor(hundredths / 6000);
  const d = Math.floor(minutes / 1440);
  const hr = Math.floor((minutes % 1440) / 60);
  const min = minutes % 60;
  return [d && `${d} d`, hr && `${hr} h`, `${min} min`].filter(Boolean).join(' ');
}
