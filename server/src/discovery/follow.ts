// Follow-neighbours: addresses learned from LLDP/CDP management addresses and route next hops become new
// targets when they fall inside the allowed ranges and belong to no device already found.
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { parseAddressOrRange, rangeContains } from '@netspotter/shared';
import { canonicalIp, isNonIdentifying } from '@netspotter/shared/snmp/inet';

/**
 * Whether the address is in one of the allowed ranges: `a.b.c.d/len`, `v6/len` or a bare address, read
 * by the parser the discovery task checked them with before polling.
 */
export function inRanges(address: string, ranges: string[]): boolean {
  return ranges.some((r) => rangeContains(parseAddressOrRange(r), address));
}

export function neighbourAddresses(facts: DeviceFacts[]): string[] {
  const out = new Set<string>();
  for (const f of facts) {
    for (const r of f.lldp.remotes) for (const a of r.managementAddresses) out.add(a);
    for (const e of f.cdp.entries) if (e.address) out.add(e.address);
    for (const r of f.routes) out.add(r.nextHop);
  }
  const owned = new Set(facts.flatMap((f) => f.addresses.map((a) => a.address)));
  return [...out]
    .map((a) => canonicalIp(a))
    .filter((a): a is string => !!a && !isNonIdentifying(a) && !owned.has(a));
}
