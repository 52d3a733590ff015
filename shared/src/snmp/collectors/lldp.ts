// LLDP-MIB local system, local ports, remote table and management addresses; LLDP-V2-MIB when v1 is empty.
// Where a vendor keeps the local port elsewhere (RouterOS leaves it out of the index), or neighbours or their
// addresses in its own tables, its quirks supply them; a neighbour says which tables beyond LLDP-MIB it came from.
import type { InterfaceFacts, LldpFacts, LldpPort, LldpRemote } from '../facts.ts';
import {
  LLDP_LOCAL,
  LLDP_LOC_PORT,
  LLDP_REM,
  LLDP_REM_MAN_ADDR,
  LLDP_V2_REM,
  LLDP_V2_REM_MAN_ADDR,
} from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { decodeName } from '../poller/names.ts';
import { toInt } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';
import type { VendorQuirks } from '../vendors/quirks.ts';
import { decodeLldpId, decodeManAddr, remoteIdentity } from './lldp-ids.ts';

export async function collectLldp(
  w: Walker,
  interfaces: InterfaceFacts[],
  quirks: VendorQuirks,
): Promise<LldpFacts> {
  const local = await w.get(Object.values(LLDP_LOCAL)).catch(() => new Map<string, unknown>());
  const facts = parseLldpLocal(local);
  const rem = await w.walk('lldpRemTable', LLDP_REM);
  if (rem.size > 0) {
    facts.ports = parseLldpLocPorts(await w.walk('lldpLocPortTable', LLDP_LOC_PORT));
    const localIfIndexOf = await quirks.lldpLocalIfIndex?.(w, rem, interfaces);
    facts.remotes = parseLldpRemotes(rem, await w.walk('lldpRemManAddrTable', LLDP_REM_MAN_ADDR), 'v1', {
      ...(localIfIndexOf && { localIfIndexOf }),
    });
  } else {
    const v2 = await w.walk('lldpV2RemTable', LLDP_V2_REM);
    if (v2.size > 0)
      facts.remotes = parseLldpRemotes(
        v2,
        await w.walk('lldpV2RemManAddrTable', LLDP_V2_REM_MAN_ADDR),
        'v2',
        {
          table: 'LLDP-V2-MIB',
        },
      );
  }
  if (quirks.lldpNeighbors) facts.remotes = await quirks.lldpNeighbors(w, facts.remotes, interfaces);
  return facts;
}

export function parseLldpLocal(v: Map<string, unknown>): LldpFacts {
  const facts: LldpFacts = { ports: [], remotes: [] };
  const subtype = toInt(v.get(LLDP_LOCAL.chassisIdSubtype));
  if (subtype !== undefined) facts.chassisIdSubtype = subtype;
  const id = decodeLldpId('chassis', subtype, v.get(LLDP_LOCAL.chassisId));
  if (id) facts.chassisId = id;
  const name = decodeName(v.get(LLDP_LOCAL.sysName))?.text;
  if (name) facts.sysName = name;
  return facts;
}

export function parseLldpLocPorts(rows: Rows): LldpPort[] {
  const out: LldpPort[] = [];
  for (const [index, row] of rows) {
    const portNum = Number(index);
    if (!Number.isInteger(portNum)) continue;
    const p: LldpPort = { portNum };
    const subtype = toInt(row.idSubtype);
    if (subtype !== undefined) p.idSubtype = subtype;
    const id = decodeLldpId('port', subtype, row.id);
    if (id) p.id = id;
    const desc = decodeName(row.desc)?.text;
    if (desc) p.desc = desc;
    out.push(p);
  }
  return out;
}

/** lldpRemManAddrTable-shaped index (the remote row's key, then subtype and address) → addresses per key. */
export function parseManAddrIndexes(manAddr: Rows, keyLength: number): Map<string, string[]> {
  const addresses = new Map<string, string[]>();
  for (const index of manAddr.keys()) {
    const ids = parseOid(index);
    const ip = decodeManAddr(ids.slice(keyLength));
    if (!ip) continue;
    const key = ids.slice(0, keyLength).join('.');
    const list = addresses.get(key) ?? [];
    if (!list.includes(ip)) list.push(ip);
    addresses.set(key, list);
  }
  return addresses;
}

/**
 * v1 layout: index TimeMark.LocalPortNum.RemIndex (RouterOS < 7.7 uses a single sub-id: no local port, which
 * `localIfIndexOf` then gives per index, from MIKROTIK-MIB); v2 layout (LLDP-V2-MIB, TIMETRA-LLDP-MIB):
 * TimeMark.LocalIfIndex.DestAddressIndex.RemIndex. `table` names the MIB when it is not LLDP-MIB.
 */
export function parseLldpRemotes(
  rem: Rows,
  manAddr: Rows,
  layout: 'v1' | 'v2',
  opts: { localIfIndexOf?: Map<string, number>; table?: string } = {},
): LldpRemote[] {
  const keyLength = layout === 'v1' ? 3 : 4;
  const addresses = parseManAddrIndexes(manAddr, keyLength);
  const out: LldpRemote[] = [];
  for (const [index, row] of rem) {
    const ids = parseOid(index);
    const r: LldpRemote = { managementAddresses: addresses.get(index) ?? [] };
    if (opts.table) r.tables = [opts.table];
    if (ids.length >= keyLength) {
      if (layout === 'v1') r.localPortNum = ids[1]!;
      else r.localIfIndex = ids[1]!;
      r.remIndex = ids[keyLength - 1]!;
    } else {
      const ifIndex = opts.localIfIndexOf?.get(index);
      if (ifIndex !== undefined) {
        r.localIfIndex = ifIndex;
        r.tables = [...(r.tables ?? []), 'MIKROTIK-MIB'];
      }
    }
    Object.assign(r, remoteIdentity(toInt(row.chassisIdSubtype), toInt(row.portIdSubtype), row));
    out.push(r);
  }
  return out;
}
