// Own L3 addresses: IP-MIB ipAddressTable, with ipAddrTable (IPv4) and IPV6-MIB ipv6AddrTable fallbacks.
import type { AddressFacts } from '../facts.ts';
import { decodeInetIndex, ipv4FromBytes, ipv6FromBytes, maskLength } from '../inet.ts';
import { IP_ADDRESS_TABLE, IP_ADDR_TABLE, IPV6_ADDR_TABLE } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';

export async function collectAddresses(w: Walker): Promise<AddressFacts[]> {
  const modern = parseIpAddressTable(await w.walk('ipAddressTable', IP_ADDRESS_TABLE));
  const has = (family: string): boolean => modern.some((a) => a.family === family);
  const v4 = has('ipv4') ? [] : parseIpAddrTable(await w.walk('ipAddrTable', IP_ADDR_TABLE));
  const v6 = has('ipv6') ? [] : parseIpv6AddrTable(await w.walk('ipv6AddrTable', IPV6_ADDR_TABLE));
  return dedupeAddresses([...modern, ...v4, ...v6]);
}

/** Index addrType.len.bytes; ipAddressPrefix is a RowPointer whose last sub-id is the prefix length. */
export function parseIpAddressTable(rows: Rows): AddressFacts[] {
  const out: AddressFacts[] = [];
  for (const [index, row] of rows) {
    const a = decodeInetIndex(parseOid(index), 0, 0);
    if (!a) continue;
    const f: AddressFacts = { address: a.address, family: a.family };
    const ifIndex = toInt(row.ifIndex);
    if (ifIndex !== undefined) f.ifIndex = ifIndex;
    if (typeof row.prefix === 'string' && !/^0(\.0)*$/.test(row.prefix)) {
      const len = Number(row.prefix.split('.').pop());
      if (Number.isInteger(len) && len <= (a.family === 'ipv4' ? 32 : 128)) f.prefixLength = len;
    }
    out.push(f);
  }
  return out;
}

export function parseIpAddrTable(rows: Rows): AddressFacts[] {
  const out: AddressFacts[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    if (ids.length !== 4 || ids.some((x) => x > 255)) continue;
    const f: AddressFacts = { address: ipv4FromBytes(ids), family: 'ipv4' };
    const ifIndex = toInt(row.ifIndex);
    if (ifIndex !== undefined) f.ifIndex = ifIndex;
    const len = typeof row.netMask === 'string' ? maskLength(row.netMask) : undefined;
    if (len !== undefined) f.prefixLength = len;
    out.push(f);
  }
  return out;
}

/** IPV6-MIB index ifIndex.16 octets (fixed size, no length sub-id). */
export function parseIpv6AddrTable(rows: Rows): AddressFacts[] {
  const out: AddressFacts[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    if (ids.length !== 17) continue;
    const f: AddressFacts = { address: ipv6FromBytes(ids.slice(1)), family: 'ipv6', ifIndex: ids[0]! };
    const len = toInt(row.pfxLength);
    if (len !== undefined && len <= 128) f.prefixLength = len;
    out.push(f);
  }
  return out;
}

function dedupeAddresses(list: AddressFacts[]): AddressFacts[] {
  const seen = new Map<string, AddressFacts>();
  for (const a of list)
    if (!seen.has(`${a.address}%${a.ifIndex ?? ''}`)) seen.set(`${a.address}%${a.ifIndex ?? ''}`, a);
  return [...seen.values()];
}
