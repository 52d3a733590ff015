// Nokia (Alcatel-Lucent) SR OS keeps LLDP neighbours in TIMETRA-LLDP-MIB, not LLDP-MIB: tmnxLldpRemTable is
// indexed TimeMark.ifIndex.DestMACAddress.RemIndex (the local port is an ifIndex, as in LLDP-V2-MIB) with
// LLDP-MIB's column numbers, its management addresses in tmnxLldpRemManAddrTable (OpenNMS and LibreNMS read it
// when lldpRemTable is empty).
import { parseLldpRemotes } from '../collectors/lldp.ts';
import { TIMETRA_LLDP_REM, TIMETRA_LLDP_REM_MAN_ADDR } from '../oids.ts';
import type { VendorQuirks } from './quirks.ts';

export const nokia: VendorQuirks = {
  family: 'Nokia SR OS',
  lldpNeighbors: async (w, remotes) => {
    if (remotes.length > 0) return remotes;
    const rem = await w.walk('tmnxLldpRemTable', TIMETRA_LLDP_REM);
    if (rem.size === 0) return remotes;
    return parseLldpRemotes(rem, await w.walk('tmnxLldpRemManAddrTable', TIMETRA_LLDP_REM_MAN_ADDR), 'v2', {
      table: 'TIMETRA-LLDP-MIB',
    });
  },
};
