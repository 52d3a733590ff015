// TP-Link JetStream.
// - FDB bridge port N is ifIndex 49152 + N (port 1 = ifIndex 49153, "gigabitEthernet 1/0/1"): LibreNMS pull
//   request #19127, checked on T1600G switches.
// - LLDP neighbours are only in TPLINK-LLDPINFO-MIB lldpNeighborInfoTable (LibreNMS reads it for JetStream;
//   the standard LLDP-MIB is empty there). Index ifIndex.neighbour; the id types are text ("MAC address",
//   "Interface name", "Locally assigned"), the ids text ("A4:B9:84:7E:9A:4B"), and the management address
//   an IpAddress that some firmware sends as a string (as Observium's recorded walk shows).
import { remoteIdentity } from '../collectors/lldp-ids.ts';
import type { InterfaceFacts, LldpRemote } from '../facts.ts';
import { canonicalIp } from '../inet.ts';
import { TPLINK_LLDP_NEIGHBOR } from '../oids.ts';
import { decodeName } from '../poller/names.ts';
import { parseOid } from '../poller/oid.ts';
import type { Rows } from '../poller/walker.ts';
import type { VendorQuirks } from './quirks.ts';

const JETSTREAM_IFINDEX_BASE = 49152;

export const tplink: VendorQuirks = {
  family: 'TP-Link JetStream',
  fdbPorts: {
    name: 'TP-Link JetStream: ifIndex = 49152 + bridge port (LibreNMS)',
    resolve: (port, ifIndexes) =>
      ifIndexes.has(JETSTREAM_IFINDEX_BASE + port) ? JETSTREAM_IFINDEX_BASE + port : undefined,
  },
  lldpNeighbors: async (w, remotes, interfaces) => {
    if (remotes.length > 0) return remotes;
    return parseTplinkNeighbors(await w.walk('lldpNeighborInfoTable', TPLINK_LLDP_NEIGHBOR), interfaces);
  },
};

/** The LLDP subtype a TP-Link type text names (chassis and port subtypes share these words). */
function subtypeOf(kind: 'chassis' | 'port', text: string | undefined): number | undefined {
  const t = (text ?? '').toLowerCase();
  if (t.includes('mac')) return kind === 'chassis' ? 4 : 3;
  if (t.includes('network') || t.includes('ip')) return kind === 'chassis' ? 5 : 4;
  if (t.includes('name')) return kind === 'chassis' ? 6 : 5;
  if (t.includes('alias')) return kind === 'chassis' ? 2 : 1;
  if (t.includes('component')) return kind === 'chassis' ? (t.includes('port') ? 3 : 1) : 2;
  if (t.includes('circuit')) return kind === 'chassis' ? undefined : 6;
  if (t.includes('local')) return 7;
  return undefined;
}

export function parseTplinkNeighbors(rows: Rows, interfaces: InterfaceFacts[]): LldpRemote[] {
  const out: LldpRemote[] = [];
  for (const [index, row] of rows) {
    const [ifIndex, remIndex] = parseOid(index);
    if (ifIndex === undefined || remIndex === undefined) continue;
    // The index is the local ifIndex; the local port's name (lldpNeighborPortId) names it otherwise.
    const localName = decodeName(row.localPort)?.text;
    const local =
      interfaces.find((i) => i.ifIndex === ifIndex) ??
      interfaces.find((i) => localName && (i.ifName === localName || i.ifDescr === localName));
    const r: LldpRemote = { managementAddresses: [], tables: ['TPLINK-LLDPINFO-MIB'], remIndex };
    if (local) r.localIfIndex = local.ifIndex;
    Object.assign(
      r,
      remoteIdentity(
        subtypeOf('chassis', decodeName(row.chassisIdType)?.text),
        subtypeOf('port', decodeName(row.portIdType)?.text),
        row,
      ),
    );
    const address =
      typeof row.manAddr === 'string'
        ? canonicalIp(row.manAddr)
        : canonicalIp(decodeName(row.manAddr)?.text ?? '');
    if (address && address !== '0.0.0.0') r.managementAddresses.push(address);
    out.push(r);
  }
  return out;
}
