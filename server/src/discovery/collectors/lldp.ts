// LLDP-MIB local system, local ports, remote table and management addresses; LLDP-V2-MIB when v1 is empty;
// MikroTik's own neighbour table for the local port when RouterOS leaves it out of the index.
import type { InterfaceFacts, LldpFacts, LldpPort, LldpRemote } from '../facts.ts';
import {
  LLDP_LOCAL,
  LLDP_LOC_PORT,
  LLDP_REM,
  LLDP_REM_MAN_ADDR,
  LLDP_V2_REM,
  LLDP_V2_REM_MAN_ADDR,
  MTXR_INTERFACE_STATS,
  MTXR_NEIGHBOR,
} from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toDisplay, toInt, toText } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';
import { decodeLldpId, decodeManAddr } from './lldp-ids.ts';

export async function collectLldp(w: Walker, interfaces: InterfaceFacts[]): Promise<LldpFacts> {
  const local = await w.get(Object.values(LLDP_LOCAL)).catch(() => new Map<string, unknown>());
  const facts = parseLldpLocal(local);
  const rem = await w.walk('lldpRemTable', LLDP_REM);
  if (rem.size > 0) {
    facts.ports = parseLldpLocPorts(await w.walk('lldpLocPortTable', LLDP_LOC_PORT));
    const singleIndex = [...rem.keys()].some((index) => parseOid(index).length === 1);
    const localIfIndex = singleIndex
      ? mikrotikLocalIfIndex(
          await w.walk('mtxrNeighborTable', MTXR_NEIGHBOR),
          await w.walk('mtxrInterfaceStatsTable', MTXR_INTERFACE_STATS),
          interfaces,
        )
      : undefined;
    facts.remotes = parseLldpRemotes(
      rem,
      await w.walk('lldpRemManAddrTable', LLDP_REM_MAN_ADDR),
      'v1',
      localIfIndex,
    );
  } else {
    const v2 = await w.walk('lldpV2RemTable', LLDP_V2_REM);
    if (v2.size > 0)
      facts.remotes = parseLldpRemotes(v2, await w.walk('lldpV2RemManAddrTable', LLDP_V2_REM_MAN_ADDR), 'v2');
  }
  return facts;
}

export function parseLldpLocal(v: Map<string, unknown>): LldpFacts {
  const facts: LldpFacts = { ports: [], remotes: [] };
  const subtype = toInt(v.get(LLDP_LOCAL.chassisIdSubtype));
  if (subtype !== undefined) facts.chassisIdSubtype = subtype;
  const id = decodeLldpId('chassis', subtype, v.get(LLDP_LOCAL.chassisId));
  if (id) facts.chassisId = id;
  const name = toText(v.get(LLDP_LOCAL.sysName));
  if (name) facts.sysName = name.trim();
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
    const desc = toDisplay(row.desc);
    if (desc) p.desc = desc.trim();
    out.push(p);
  }
  return out;
}

/**
 * MikroTik neighbour index → local ifIndex: mtxrNeighborInterfaceID names an interface id, whose
 * mtxrInterfaceStatsName is matched to ifName (then ifDescr); the ids are not promised to be ifIndexes.
 */
export function mikrotikLocalIfIndex(
  neighbors: Rows,
  interfaceNames: Rows,
  interfaces: InterfaceFacts[],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [index, row] of neighbors) {
    const id = toInt(row.interfaceId);
    const name = id === undefined ? undefined : toText(interfaceNames.get(String(id))?.name)?.trim();
    if (!name) continue;
    const match =
      interfaces.find((i) => i.ifName === name) ?? interfaces.find((i) => i.ifDescr?.trim() === name);
    if (match) out.set(index, match.ifIndex);
  }
  return out;
}

/**
 * v1 index TimeMark.LocalPortNum.RemIndex (RouterOS < 7.7 uses a single sub-id: no local port, which
 * `localIfIndexOf` then gives per index); v2 index TimeMark.LocalIfIndex.DestAddressIndex.RemIndex.
 */
export function parseLldpRemotes(
  rem: Rows,
  manAddr: Rows,
  version: 'v1' | 'v2',
  localIfIndexOf?: Map<string, number>,
): LldpRemote[] {
  const keyLength = version === 'v1' ? 3 : 4;
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
  const out: LldpRemote[] = [];
  for (const [index, row] of rem) {
    const ids = parseOid(index);
    const r: LldpRemote = { managementAddresses: addresses.get(index) ?? [] };
    if (ids.length >= keyLength) {
      if (version === 'v1') r.localPortNum = ids[1]!;
      else r.localIfIndex = ids[1]!;
    } else {
      const ifIndex = localIfIndexOf?.get(index);
      if (ifIndex !== undefined) r.localIfIndex = ifIndex;
    }
    const cs = toInt(row.chassisIdSubtype);
    if (cs !== undefined) r.chassisIdSubtype = cs;
    const chassis = decodeLldpId('chassis', cs, row.chassisId);
    if (chassis) r.chassisId = chassis;
    const ps = toInt(row.portIdSubtype);
    if (ps !== undefined) r.portIdSubtype = ps;
    const port = decodeLldpId('port', ps, row.portId);
    if (port) r.portId = port;
    const desc = toDisplay(row.portDesc);
    if (desc?.trim()) r.portDesc = desc.trim();
    const name = toText(row.sysName);
    if (name?.trim()) r.sysName = name.trim();
    const sysDesc = toText(row.sysDesc);
    if (sysDesc?.trim()) r.sysDesc = sysDesc.trim();
    out.push(r);
  }
  return out;
}
