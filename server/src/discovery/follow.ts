// Follow-neighbours: addresses learned from LLDP/CDP management addresses and route next hops become new
// targets when they fall inside the allowed ranges and belong to no device already found.
import type { DeviceFacts } from './facts.ts';
import { canonicalIp, isNonIdentifying, parseIpv4, parseIpv6 } from './inet.ts';

/** `a.b.c.d/len` or `v6/len`; a bare address is a /32 or /128. */
export function inRanges(address: string, ranges: string[]): boolean {
  const bytes = parseIpv4(address) ?? parseIpv6(address);
  if (!bytes) return false;
  return ranges.some((r) => {
    const [net, lenText] = r.split('/');
    const netBytes = parseIpv4(net ?? '') ?? parseIpv6(net ?? '');
    if (!netBytes || netBytes.length !== bytes.length) return false;
    const len = lenText === undefined ? bytes.length * 8 : Number(lenText);
    for (let bit = 0; bit < len; bit++) {
      const mask = 0x80 >> (bit % 8);
      if ((bytes[bit >> 3]! & mask) !== (netBytes[bit >> 3]! & mask)) return false;
    }
    return true;
  });
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
