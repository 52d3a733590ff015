// CISCO-CDP-MIB: global device id, per-interface CDP names and the neighbour cache (index ifIndex.deviceIndex).
import type { CdpEntry, CdpFacts } from '../facts.ts';
import { ipv4FromBytes, ipv6FromBytes } from '../inet.ts';
import { CDP, CDP_CACHE, CDP_INTERFACE } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { decodeName, putName } from '../poller/names.ts';
import { toInt } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';

export async function collectCdp(w: Walker): Promise<CdpFacts> {
  const cache = await w.walk('cdpCacheTable', CDP_CACHE);
  const facts: CdpFacts = { interfaceNames: {}, entries: parseCdpCache(cache) };
  if (cache.size === 0) return facts;
  const global = await w.get([CDP.globalDeviceId]).catch(() => new Map<string, unknown>());
  const id = decodeName(global.get(CDP.globalDeviceId))?.text;
  if (id) facts.deviceId = id;
  for (const [index, row] of await w.walk('cdpInterfaceTable', CDP_INTERFACE)) {
    const name = decodeName(row.name)?.text;
    if (name) facts.interfaceNames[index] = name;
  }
  return facts;
}

/** cdpCacheAddressType 1 = ip (4 raw octets), 20 = ipv6 (CiscoNetworkProtocol). */
export function parseCdpCache(rows: Rows): CdpEntry[] {
  const out: CdpEntry[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    if (ids.length !== 2) continue;
    const e: CdpEntry = { ifIndex: ids[0]! };
    putName(e, 'deviceId', row.deviceId);
    putName(e, 'devicePort', row.devicePort);
    const type = toInt(row.addressType);
    const addr = row.address;
    if (Buffer.isBuffer(addr)) {
      if (type === 1 && addr.length === 4) e.address = ipv4FromBytes(addr);
      else if (type === 20 && addr.length === 16) e.address = ipv6FromBytes(addr);
    }
    putName(e, 'platform', row.platform);
    const version = decodeName(row.version, 'text')?.text;
    if (version) e.version = version.split('\n')[0]!.trim();
    out.push(e);
  }
  return out;
}
