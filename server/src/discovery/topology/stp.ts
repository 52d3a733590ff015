// Spanning tree in the L2 topology (Stott, "Layer-2 Path Discovery Using Spanning Tree MIBs"): a port whose
// segment is designated by another polled bridge is linked to that bridge's designated port, and every
// link end carries its port's STP state so blocked redundant links stand out.
import type { StpInstance, StpPort, StpState } from '@netspotter/shared/snmp/facts';
import type { Link, StpVlanStates } from '../result.ts';
import type { Device } from './identity.ts';
import { lagMembership } from './lag-members.ts';
import type { DeviceIndex } from './l2-links.ts';
import { linkEnd } from './ports.ts';
import { carried } from './vlans.ts';

const stpPorts = (d: Device): StpPort[] => d.facts.stp?.ports ?? [];

/** Per aggregate ifIndex, the ports it stands for: itself and its LAG members (links are still per member). */
function aggregatePorts(membership: Map<number, number>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const [member, agg] of membership) out.set(agg, [...(out.get(agg) ?? [agg]), member]);
  return out;
}

const isOwnBridge = (d: Device, mac: string): boolean =>
  d.macs.has(mac) || d.facts.bridge.baseAddress === mac;

const portKey = (device: string, ifIndex: number): string => `${device}#${ifIndex}`;

/** L2 links by the (device, ifIndex) of each end, so a port finds its links without a scan of them all. */
class LinksByPort {
  private readonly at = new Map<string, Link[]>();

  add(l: Link): void {
    for (const e of [l.a, l.b])
      if (e.device !== undefined && e.ifIndex !== undefined) {
        const k = portKey(e.device, e.ifIndex);
        const list = this.at.get(k) ?? [];
        if (!list.includes(l)) list.push(l);
        this.at.set(k, list);
      }
  }

  touching(device: string, ports: number[]): Link[] {
    return [...new Set(ports.flatMap((p) => this.at.get(portKey(device, p)) ?? []))];
  }
}

/**
 * One link per port whose designated bridge is another polled device, towards that bridge's designated
 * port. A link already known between the two on either port (LLDP, CDP, FDB) gains 'stp' evidence instead;
 * a port already linked to some other node is left alone (the designated bridge sits behind it, past a hub
 * or an unmanaged switch, or its port leads to a shared segment). A port designated by its own bridge is
 * skipped: the bridge below reports the link. Adds the evidence to `known` in place and returns the new links.
 * Links, LAG members and STP ports are indexed once per call, so each STP port costs lookups, not scans.
 */
export function inferStpLinks(index: DeviceIndex, known: Link[]): Link[] {
  const out: Link[] = [];
  const aggregates = new Map(index.devices.map((d) => [d.id, aggregatePorts(lagMembership(d.facts))]));
  const portsOf = (d: Device, ifIndex: number): number[] => aggregates.get(d.id)!.get(ifIndex) ?? [ifIndex];
  const stpByPort = new Map(index.devices.map((d) => [d.id, new Map(stpPorts(d).map((p) => [p.port, p]))]));
  const linksAt = new LinksByPort();
  for (const l of known) if (l.layer === 'l2') linksAt.add(l);
  for (const d of index.devices) {
    for (const p of stpPorts(d)) {
      const bridge = p.designatedBridge;
      if (p.ifIndex === undefined || !bridge || p.designatedPort === undefined || isOwnBridge(d, bridge.mac))
        continue;
      const up = index.byChassis(bridge.mac);
      if (!up || up === d) continue;
      const upPort = stpByPort.get(up.id)!.get(p.designatedPort);
      const atHere = linksAt.touching(d.id, portsOf(d, p.ifIndex));
      const atThere =
        upPort?.ifIndex !== undefined ? linksAt.touching(up.id, portsOf(up, upPort.ifIndex)) : [];
      if (atHere.length > 0 || atThere.length > 0) {
        // One end matching is enough: the other side's aggregate may be unknown (no stack table).
        const between = (l: Link): boolean =>
          [l.a.device, l.b.device].sort().join('|') === [d.id, up.id].sort().join('|');
        if ([...atHere, ...atThere].every(between))
          for (const l of new Set([...atHere, ...atThere]))
            if (!l.evidence.includes('stp')) l.evidence.push('stp');
        continue;
      }
      const link: Link = {
        layer: 'l2',
        a: linkEnd(d, p.ifIndex),
        b: linkEnd(up, upPort?.ifIndex),
        evidence: ['stp'],
        // Both tables agree: the far bridge reports itself designated on that very port.
        confirmed:
          upPort?.designatedBridge !== undefined &&
          isOwnBridge(up, upPort.designatedBridge.mac) &&
          upPort.designatedPort === p.designatedPort,
      };
      out.push(link);
      linksAt.add(link);
    }
  }
  return out;
}

/** Per ifIndex, the STP state the bridge reports in one tree. */
function statesOf(ports: StpPort[]): Map<number, StpState> {
  const out = new Map<number, StpState>();
  for (const p of ports) if (p.ifIndex !== undefined && p.state) out.set(p.ifIndex, p.state);
  return out;
}

/** Members of one aggregate normally share a state; when they differ, a forwarding one wins. */
function combined(states: (StpState | undefined)[]): StpState | undefined {
  const known = states.filter((s) => s !== undefined);
  return known.includes('forwarding') ? 'forwarding' : known[0];
}

/** A tree's states by port, and the VLANs it carries. */
interface Tree {
  kind: StpInstance['kind'];
  states: Map<number, StpState>;
  vlans: number[];
}

const treesOf = (instances: StpInstance[] = []): Tree[] =>
  instances.map((i) => ({ kind: i.kind, states: statesOf(i.ports), vlans: i.vlans }));

/** A link end's state in one tree: its own port's, else its aggregate members'. */
function stateAt(states: Map<number, StpState>, l: Link, side: 'a' | 'b'): StpState | undefined {
  if (states.size === 0) return undefined;
  const e = l[side];
  return (
    (e.ifIndex !== undefined ? states.get(e.ifIndex) : undefined) ??
    combined(
      (l.members ?? []).map((m) => (m[side].ifIndex !== undefined ? states.get(m[side].ifIndex) : undefined)),
    )
  );
}

/**
 * Per state, the VLANs (among those the end carries, when known) in which its port is in that state; and
 * whether PVST+ trees (one per VLAN) gave them, which then cover every VLAN of the port.
 */
function vlanStates(trees: Tree[], l: Link, side: 'a' | 'b'): { states: StpVlanStates[]; pvst: boolean } {
  const known = l[side].vlans ? new Set(carried(l[side].vlans)) : undefined;
  const byState = new Map<StpState, Set<number>>();
  let pvst = false;
  for (const t of trees) {
    const state = stateAt(t.states, l, side);
    if (!state) continue;
    const vlans = t.vlans.filter((v) => !known || known.has(v));
    if (vlans.length === 0) continue;
    byState.set(state, new Set([...(byState.get(state) ?? []), ...vlans]));
    pvst ||= t.kind === 'vlan';
  }
  const states = [...byState].map(([state, vlans]) => ({ state, vlans: [...vlans].sort((x, y) => x - y) }));
  return { states, pvst };
}

/**
 * Sets `stp` on every L2 link end on a bridge that reports that port (an aggregate: its own state, else its
 * members'), and `blocked` on links with a blocking end. Where the bridge runs a tree per VLAN or MST
 * instance, the end's states per VLAN (`stpVlans`) and the link's `blockedVlans` follow the same rule. An
 * end under PVST+ blocks the link only when it blocks in every VLAN (its default instance is just VLAN 1's
 * tree); under MSTP the default instance is the CIST, which stays the rule for `blocked`.
 * Run after the VLANs are set on the ends: only the VLANs an end carries are named. Returns the same links.
 */
export function annotateStp(devices: Device[], links: Link[]): Link[] {
  const states = new Map(devices.map((d) => [d.id, statesOf(stpPorts(d))]));
  const trees = new Map(devices.map((d) => [d.id, treesOf(d.facts.stp?.instances)]));
  for (const l of links) {
    if (l.layer !== 'l2') continue;
    const blockedVlans = new Set<number>();
    let blocked = false;
    for (const side of ['a', 'b'] as const) {
      const e = l[side];
      const state = e.device ? stateAt(states.get(e.device)!, l, side) : undefined;
      if (state) e.stp = state;
      const perVlan = e.device ? vlanStates(trees.get(e.device)!, l, side) : { states: [], pvst: false };
      if (perVlan.states.length > 0) e.stpVlans = perVlan.states;
      for (const s of perVlan.states) if (s.state === 'blocking') s.vlans.forEach((v) => blockedVlans.add(v));
      blocked ||= perVlan.pvst ? perVlan.states.every((s) => s.state === 'blocking') : state === 'blocking';
    }
    if (blocked) l.blocked = true;
    const inVlans = [...blockedVlans].filter((v) => !l.vlans || l.vlans.includes(v)).sort((x, y) => x - y);
    if (inVlans.length > 0) l.blockedVlans = inVlans;
  }
  return links;
}
