// Huawei VRP.
// - Netdisco (SNMP::Info::Layer3::Huawei, bp_index) takes bridge port → ifIndex from HUAWEI-L2IF-MIB
//   hwL2IfPortIfIndex when the switch has it, rather than dot1dBasePortIfIndex.
// - VRP leaves lldpRemManAddrTable empty (the vrp_5720 recording has five neighbours and no address) and
//   keeps the neighbours' management addresses in HUAWEI-LLDP-MIB hwLldpRemManAddrTable, indexed like it.
import { parsePortIfIndex } from '../collectors/bridge-rows.ts';
import { parseManAddrIndexes } from '../collectors/lldp.ts';
import { HW_L2IF_PORT, HW_LLDP_REM_MAN_ADDR } from '../oids.ts';
import type { VendorQuirks } from './quirks.ts';

export const huawei: VendorQuirks = {
  family: 'Huawei VRP',
  bridgePorts: async (w) => parsePortIfIndex(await w.walk('hwL2IfTable', HW_L2IF_PORT)),
  lldpNeighbors: async (w, remotes) => {
    if (!remotes.some((r) => r.managementAddresses.length === 0 && r.localPortNum !== undefined))
      return remotes;
    const byKey = parseManAddrIndexes(await w.walk('hwLldpRemManAddrTable', HW_LLDP_REM_MAN_ADDR), 3);
    if (byKey.size === 0) return remotes;
    // By LocalPortNum.RemIndex: the TimeMark of the two tables need not agree.
    const addresses = new Map([...byKey].map(([key, list]) => [key.split('.').slice(1).join('.'), list]));
    return remotes.map((r) => {
      const found = addresses.get(`${r.localPortNum}.${r.remIndex}`);
      if (!found || r.managementAddresses.length > 0) return r;
      return { ...r, managementAddresses: found, tables: [...(r.tables ?? []), 'HUAWEI-LLDP-MIB'] };
    });
  },
};
