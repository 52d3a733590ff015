// PIM neighbours: PIM-STD-MIB (index IfIndex.AddrType.Addr), else the experimental IPv4 PIM-MIB.
import type { PimNeighborFacts } from '../facts.ts';
import { decodeInetIndex, ipv4FromBytes } from '../inet.ts';
import { PIM_EXP_NEIGHBOR, PIM_STD_NEIGHBOR } from '../oids.ts';
import { parseOid } from '../poller/oid.ts';
import { toInt } from '../poller/values.ts';
import type { Rows, Walker } from '../poller/walker.ts';

export async function collectPimNeighbors(w: Walker): Promise<PimNeighborFacts[]> {
  const std = parsePimStdNeighbors(await w.walk('pimNeighborTable', PIM_STD_NEIGHBOR));
  if (std.length > 0) return std;
  return parsePimExpNeighbors(await w.walk('pimNeighborTable(exp)', PIM_EXP_NEIGHBOR));
}

export function parsePimStdNeighbors(rows: Rows): PimNeighborFacts[] {
  const out: PimNeighborFacts[] = [];
  for (const index of rows.keys()) {
    const ids = parseOid(index);
    const a = decodeInetIndex(ids, 1, 0);
    if (a) out.push({ ifIndex: ids[0]!, address: a.address, mib: 'pim-std' });
  }
  return out;
}

export function parsePimExpNeighbors(rows: Rows): PimNeighborFacts[] {
  const out: PimNeighborFacts[] = [];
  for (const [index, row] of rows) {
    const ids = parseOid(index);
    const ifIndex = toInt(row.ifIndex);
    if (ids.length === 4 && ifIndex !== undefined)
      out.push({ ifIndex, address: ipv4FromBytes(ids), mib: 'pim-exp' });
  }
  return out;
}
