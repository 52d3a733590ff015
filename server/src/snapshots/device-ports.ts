// One row per port of a device for its page: the interface, its VLANs, LAG, spanning-tree state, the
// neighbour on the other end (from the snapshot's links) and how many MACs it learned (pure).
import type { DevicePort, PortNeighbour } from '@netspotter/shared/api';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { lagMembership } from '../discovery/topology/lag-members.ts';
import { portVlanViews } from '../discovery/topology/vlans.ts';
import type { Link, LinkEnd } from '../discovery/result.ts';
import { endNode, type Topology } from './graph.ts';

const nameOf = (f: DeviceFacts, ifIndex: number) => {
  const i = f.interfaces.find((x) => x.ifIndex === ifIndex);
  return i?.ifName || i?.ifDescr || `ifIndex ${ifIndex}`;
};

/** The label a topology node goes by. */
export function nodeLabel(t: Topology, id: string): { label: string; managed: boolean } {
  const d = t.devices.find((x) => x.id === id);
  if (d) return { label: d.sysName ?? d.id, managed: true };
  const u = t.unmanaged.find((x) => x.id === id);
  return { label: u?.name ?? u?.chassisId ?? id, managed: false };
}

/** Links ending on one of this device's ports, as neighbours by ifIndex (LAG members counted on their own ports). */
function neighboursByPort(t: Topology, deviceId: string): Map<number, PortNeighbour[]> {
  const out = new Map<number, PortNeighbour[]>();
  const add = (
    mine: { ifIndex?: number },
    other: LinkEnd & { port?: string },
    l: Pick<Link, 'evidence' | 'confirmed'>,
    node: string,
  ) => {
    if (mine.ifIndex === undefined) return;
    const { label, managed } = nodeLabel(t, node);
    const port =
      other.ifName ?? other.port ?? (other.ifIndex !== undefined ? `ifIndex ${other.ifIndex}` : undefined);
    out.set(mine.ifIndex, [
      ...(out.get(mine.ifIndex) ?? []),
      {
        node,
        label,
        managed,
        ...(port && { port }),
        ...(other.ifIndex !== undefined && managed && { ifIndex: other.ifIndex }),
        evidence: l.evidence,
        confirmed: l.confirmed,
      },
    ]);
  };
  for (const l of t.links) {
    if (l.layer !== 'l2') continue;
    const bNode = endNode(l.b);
    if (!bNode) continue;
    for (const [mine, other, node, memberSide] of [
      [l.a, l.b, bNode, 'a'],
      [l.b, l.a, l.a.device, 'b'],
    ] as const) {
      if (endNode(mine) !== deviceId) continue;
      add(mine, other, l, node);
      for (const m of l.members ?? [])
        add(
          memberSide === 'a' ? m.a : m.b,
          memberSide === 'a' ? m.b : { ...m.a, device: l.a.device },
          m,
          node,
        );
    }
  }
  return out;
}

export function devicePorts(t: Topology, deviceId: string, facts: DeviceFacts[]): DevicePort[] {
  const f = facts[0];
  if (!f) return [];
  const vlans = portVlanViews(f);
  const lag = lagMembership(f);
  const members = new Map<number, number[]>();
  for (const [member, agg] of lag) members.set(agg, [...(members.get(agg) ?? []), member]);
  const stp = new Map(
    (f.stp?.ports ?? []).flatMap((p) => (p.ifIndex !== undefined && p.state ? [[p.ifIndex, p.state]] : [])),
  );
  const macs = new Map<number, number>();
  for (const x of facts)
    for (const e of x.bridge.fdb)
      if (e.ifIndex !== undefined && e.status !== 4 && e.status !== 5)
        macs.set(e.ifIndex, (macs.get(e.ifIndex) ?? 0) + 1);
  const addresses = new Map<number, string[]>();
  for (const a of f.addresses)
    if (a.ifIndex !== undefined)
      addresses.set(a.ifIndex, [
        ...(addresses.get(a.ifIndex) ?? []),
        a.prefixLength !== undefined ? `${a.address}/${a.prefixLength}` : a.address,
      ]);
  const neighbours = neighboursByPort(t, deviceId);
  return f.interfaces.map((i) => {
    const v = vlans.get(i.ifIndex);
    const agg = lag.get(i.ifIndex);
    const m = members.get(i.ifIndex);
    return {
      ifIndex: i.ifIndex,
      name: i.ifName || i.ifDescr || `ifIndex ${i.ifIndex}`,
      ...(i.ifDescr && i.ifDescr !== i.ifName && { description: i.ifDescr }),
      ...(i.ifAlias && { alias: i.ifAlias }),
      ...(i.ifType !== undefined && { type: i.ifType }),
      ...(i.adminStatus !== undefined && { adminStatus: i.adminStatus }),
      ...(i.operStatus !== undefined && { operStatus: i.operStatus }),
      ...(i.highSpeed !== undefined && { speedMbps: i.highSpeed }),
      ...(i.mac && { mac: i.mac }),
      ...(v && (v.access !== undefined || v.native !== undefined || v.tagged) && { vlans: v }),
      ...(agg !== undefined && { lag: { ifIndex: agg, name: nameOf(f, agg) } }),
      ...(m && { members: m.sort((a, b) => a - b).map((x) => ({ ifIndex: x, name: nameOf(f, x) })) }),
      ...(stp.has(i.ifIndex) && { stp: stp.get(i.ifIndex)! }),
      neighbours: neighbours.get(i.ifIndex) ?? [],
      macs: macs.get(i.ifIndex) ?? 0,
      addresses: addresses.get(i.ifIndex) ?? [],
    };
  });
}
