// Alcatel-Lucent OmniSwitch (AOS). Netdisco (SNMP::Info::Layer3::AlcatelLucent, bp_index) documents that
// AOS 6.3 reports an ifIndex instead of a bridge port in dot1dTpFdbPort and dot1qTpFdbPort (slot*1000+port,
// e.g. 1026 for 1/26), and that aggregates are missing from dot1dBasePortIfIndex: such numbers are ifIndexes.
import { portIsIfIndex } from './port-is-ifindex.ts';
import type { VendorQuirks } from './quirks.ts';

export const alcatelLucent: VendorQuirks = {
  family: 'Alcatel-Lucent OmniSwitch',
  fdbPorts: portIsIfIndex('Alcatel-Lucent AOS: FDB port is the ifIndex (Netdisco)'),
};
