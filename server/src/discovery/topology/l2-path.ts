// Where a frame in a VLAN can go at L2: over links spanning tree does not block (in that VLAN, where the
// bridges run a tree per VLAN or MST instance) and, when both ends' VLANs are known, that carry the VLAN.
import type { Link } from '../result.ts';

export interface PortOn {
  device: string;
  ifIndex?: number;
}

/** The link forwards frames of `vlan` (undefined: of the VLAN nobody named, so only spanning tree counts). */
export function forwards(l: Link, vlan: number | undefined): boolean {
  if (l.layer !== 'l2' || l.blocked) return false;
  if (vlan === undefined) return true;
  if (l.blockedVlans?.includes(vlan)) return false;
  return !l.vlans || l.vlans.includes(vlan);
}

/**
 * The fewest-hop path over forwarding links between polled devices from any device in `from` to `to`,
 * entering only devices `enter` admits (besides `to`): its hops in order, or undefined when there is none.
 */
export function l2Path(
  links: Link[],
  from: ReadonlySet<string>,
  to: string,
  vlan: number | undefined,
  enter: (device: string) => boolean,
): { from: PortOn; to: PortOn }[] | undefined {
  const next = new Map<string, { from: PortOn; to: PortOn }[]>();
  const port = (device: string, ifIndex: number | undefined): PortOn =>
    ifIndex === undefined ? { device } : { device, ifIndex };
  for (const l of links) {
    if (!l.b.device || !forwards(l, vlan)) continue;
    const [a, b] = [port(l.a.device, l.a.ifIndex), port(l.b.device, l.b.ifIndex)];
    next.set(a.device, [...(next.get(a.device) ?? []), { from: a, to: b }]);
    next.set(b.device, [...(next.get(b.device) ?? []), { from: b, to: a }]);
  }
  const cameBy = new Map<string, { from: PortOn; to: PortOn } | undefined>(
    [...from].map((d) => [d, undefined]),
  );
  const queue = [...from];
  while (queue.length > 0) {
    const here = queue.shift()!;
    if (here === to) {
      const hops: { from: PortOn; to: PortOn }[] = [];
      for (let hop = cameBy.get(here); hop; hop = cameBy.get(hop.from.device)) hops.unshift(hop);
      return hops;
    }
    for (const hop of next.get(here) ?? []) {
      const there = hop.to.device;
      if (cameBy.has(there) || (there !== to && !enter(there))) continue;
      cameBy.set(there, hop);
      queue.push(there);
    }
  }
  return undefined;
}
