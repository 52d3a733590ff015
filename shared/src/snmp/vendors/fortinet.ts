// Fortinet FortiSwitch: FDB port numbers are ifIndexes, not bridge ports (NetXMS issue #3287, its
// FortiSwitch driver).
import { portIsIfIndex } from './port-is-ifindex.ts';
import type { VendorQuirks } from './quirks.ts';

export const fortinet: VendorQuirks = {
  family: 'FortiSwitch',
  fdbPorts: portIsIfIndex('FortiSwitch: FDB port is the ifIndex (NetXMS)'),
};
