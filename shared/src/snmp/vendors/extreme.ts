// Extreme Networks (EXOS). Netdisco (SNMP::Info::Layer3::Extreme, bp_index): bridge ports map 1:1 to
// ifIndex, so FDB port numbers the bridge-port table lacks are ifIndexes.
import { portIsIfIndex } from './port-is-ifindex.ts';
import type { VendorQuirks } from './quirks.ts';

export const extreme: VendorQuirks = {
  family: 'Extreme',
  fdbPorts: portIsIfIndex('Extreme: bridge port is the ifIndex (Netdisco)'),
};
