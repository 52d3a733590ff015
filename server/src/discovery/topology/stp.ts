// Spanning tree in the L2 topology (Stott, "Layer-2 Path Discovery Using Spanning Tree MIBs"): a port whose
// segment is designated by another polled bridge is linked to that bridge's designated port, and every
// link end carries its port's STP state so blocked redundant links stand out.
import type { StpPort, StpState } from '../facts.ts';
import type { Link, LinkEnd } from '../result.ts';
import type { Device } from './identity.ts';
import { lagMembership } from './lag-members.ts';
import type { DeviceIndex } from './l2-links.ts';
import { linkEnd } from './ports.ts';

const stpPorts = (d: Device): StpPort[] => d.facts.stp?.ports ?? [];

/** The ports an aggregate stands for: itself and its LAG members (links are still per member here). */
function portsOf(membership: Map<number, number>, ifIndex: number): Set<number> {
  const out = new Set([ifIndex]);
  for (const [member, agg] of membership) if (agg === ifIndex) out.add(member);
  return out;
}

const isOwnBridge = (d: Device, mac: string): boolean =>
  d.macs.has(mac) || d.facts.bridge.baseAddress === mac;

const touches = (e: LinkEnd, d: Device, ports: Set<number>): boolean =>
  e.device === d.id && e.ifIndex !== undefined && ports.has(e.ifIndex);

/**
 * One link per port whose designated bridge is another polled device, towards that bridge's designated
 * port. A link already known between the two on either port (LLDP, CDP, FDB) gains 'stp' evidence instead;
 * a port already linked to some other node is left alone (the designated bridge sits behind it, past a hub
 * or an unmanaged switch, or its port leads to a shared segment). A port designated by its own bridge is
 * skipped: the bridge below reports the link. Adds the evidence to `known` in place and returns the new links.
 */
export function inferStpLinks(index: DeviceIndex, known: Link[]): Link[] {
  const out: Link[] = [];
  // Derived once per device and once per call, not again for every STP port.
  const membership = new Map(index.devices.map((d) => [d.id, lagMembership(d.facts)]));
  const knownL2 = known.filter((l) => l.layer === 'l2');
  for (const d of index.devices) {
    for (const p of stpPorts(d)) {
      const bridge = p.designatedBridge;
      if (p.ifIndex === undefined || !bridge || p.designatedPort === undefined || isOwnBridge(d, bridge.mac))
        continue;
      const up = index.byChassis(bridge.mac);
      if (!up || up === d) continue;
      const upPort = stpPorts(up).find((x) => x.port === p.designatedPort);
      const here = portsOf(membership.get(d.id)!, p.ifIndex);
      const there =
        upPort?.ifIndex !== undefined ? portsOf(membership.get(up.id)!, upPort.ifIndex) : undefined;
      const all = [...knownL2, ...out];
      const atHere = all.filter((l) => touches(l.a, d, here) || touches(l.b, d, here));
      const atThere = there ? all.filter((l) => touches(l.a, up, there) || touches(l.b, up, there)) : [];
      if (atHere.length > 0 || atThere.length > 0) {
        // One end matching is enough: the other side's aggregate may be unknown (no stack table).
        const between = (l: Link): boolean =>
          [l.a.device, l.b.device].sort().join('|') === [d.id, up.id].sort().join('|');
        if ([...atHere, ...atThere].every(between))
          for (const l of new Set([...atHere, ...atThere]))
            if (!l.evidence.includes('stp')) l.evidence.push('stp');
        continue;
      }
      out.push({
        layer: 'l2',
        a: linkEnd(d, p.ifIndex),
        b: linkEnd(up, upPort?.ifIndex),
        evidence: ['stp'],
        // Both tables agree: the far bridge reports itself designated on that very port.
        confirmed:
          upPort?.designatedBridge !== undefined &&
          isOwnBridge(up, upPort.designatedBridge.mac) &&
          upPort.designatedPort === p.designatedPort,
      });
    }
  }
  return out;
}

/** Per ifIndex, the STP state the bridge reports. */
function statesOf(d: Device): Map<number, StpState> {
  const out = new Map<number, StpState>();
  for (const p of stpPorts(d)) if (p.ifIndex !== undefined && p.state) out.set(p.ifIndex, p.state);
  return out;
}

/** Members of one aggregate normally share a state; when they differ, a forwarding one wins. */
function combined(states: (StpState | undefined)[]): StpState | undefined {
  const known = states.filter((s) => s !== undefined);
  return known.includes('forwarding') ? 'forwarding' : known[0];
}

/**
 * Sets `stp` on every L2 link end on a bridge that reports that port (an aggregate: its own state, else its
 * members'), and `blocked` on links with a blocking end. Returns the same links.
 */
export function annotateStp(devices: Device[], links: Link[]): Link[] {
  const states = new Map(devices.map((d) => [d.id, statesOf(d)]));
  for (const l of links) {
    if (l.layer !== 'l2') continue;
    for (const side of ['a', 'b'] as const) {
      const e = l[side];
      const s = e.device ? states.get(e.device) : undefined;
      if (!s || s.size === 0) continue;
      const state =
        (e.ifIndex !== undefined ? s.get(e.ifIndex) : undefined) ??
        combined(
          (l.members ?? []).map((m) => (m[side].ifIndex !== undefined ? s.get(m[side].ifIndex) : undefined)),
        );
      if (state) e.stp = state;
    }
    if (l.a.stp === 'blocking' || l.b.stp === 'blocking') l.blocked = true;
  }
  return links;
}
