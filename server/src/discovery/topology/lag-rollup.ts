// Link aggregation roll-up: L2 links found on LAG member ports become one link between the aggregate
// interfaces that carries them as members. Members going to different nodes (an MLAG / vPC pair on the
// far side) stay separate aggregate links, one per far node; a side whose membership is unknown (no SNMP,
// no stack table) is named by its node only, so the known side still rolls up.
import type { Link, LinkEnd, LinkMember, PortRef } from '../result.ts';
import type { Device } from './identity.ts';
import { lagMembership } from './lag-members.ts';
import { linkEnd } from './ports.ts';

const nodeOf = (e: LinkEnd): string => e.device ?? e.unmanaged ?? '?';

function port(e: LinkEnd): PortRef & { port?: string } {
  const p: PortRef & { port?: string } = {};
  if (e.ifIndex !== undefined) p.ifIndex = e.ifIndex;
  if (e.ifName) p.ifName = e.ifName;
  if (e.port) p.port = e.port;
  return p;
}

export function rollUpAggregates(devices: Device[], links: Link[]): Link[] {
  const byId = new Map(devices.map((d) => [d.id, d]));
  const membership = new Map(devices.map((d) => [d.id, lagMembership(d.facts)]));
  const aggOf = (e: LinkEnd): number | undefined =>
    e.device !== undefined && e.ifIndex !== undefined ? membership.get(e.device)?.get(e.ifIndex) : undefined;
  const side = (e: LinkEnd, agg: number | undefined) => `${nodeOf(e)}${agg === undefined ? '' : `#${agg}`}`;
  const aggregateEnd = (e: LinkEnd, agg: number | undefined): LinkEnd => {
    if (agg !== undefined) return linkEnd(byId.get(e.device!)!, agg);
    if (e.device) return { device: e.device };
    return { unmanaged: e.unmanaged!, ...(e.name && { name: e.name }) };
  };
  const aggregates = new Map<string, Link & { members: LinkMember[] }>();
  const out: Link[] = [];
  for (const l of links) {
    let [a, b] = [l.a, l.b];
    let [ga, gb] = [aggOf(a), aggOf(b)];
    if (l.layer !== 'l2' || l.members || l.b.segment || (ga === undefined && gb === undefined)) {
      out.push(l);
      continue;
    }
    // Both ends on polled devices: orient every member the same way, so a and b name the same aggregates.
    if (b.device && side(a, ga) > side(b, gb)) {
      [a, b] = [{ ...b, device: b.device }, a];
      [ga, gb] = [gb, ga];
    }
    const key = `${side(a, ga)}|${side(b, gb)}`;
    let agg = aggregates.get(key);
    if (!agg) {
      agg = {
        layer: 'l2',
        a: aggregateEnd(a, ga) as LinkEnd & { device: string },
        b: aggregateEnd(b, gb),
        evidence: [],
        confirmed: false,
        members: [],
      };
      aggregates.set(key, agg);
      out.push(agg);
    }
    for (const e of l.evidence) if (!agg.evidence.includes(e)) agg.evidence.push(e);
    for (const t of l.via ?? []) if (!agg.via?.includes(t)) agg.via = [...(agg.via ?? []), t];
    // Confirmed when both ends reported at least one of its members.
    agg.confirmed ||= l.confirmed;
    agg.members.push({ a: port(a), b: port(b), evidence: [...l.evidence], confirmed: l.confirmed });
  }
  return out;
}

/** The links plus one link per aggregate member, for lookups by physical port (uplinks, tree peers). */
export function withMemberLinks(links: Link[]): Link[] {
  return links.flatMap((l) => [
    l,
    ...(l.members ?? []).map((m): Link => ({
      layer: l.layer,
      a: { ...m.a, device: l.a.device },
      b: { ...m.b, ...(l.b.device ? { device: l.b.device } : { unmanaged: l.b.unmanaged! }) },
      evidence: m.evidence,
      confirmed: m.confirmed,
    })),
  ]);
}
