// What changed between two snapshots (pure): devices and links added, removed or changed, port state
// changes with the link end they sit on, and devices the newer snapshot did not poll. An unpolled
// device is not "removed": its neighbours still name it, so the newer snapshot holds an unmanaged
// stand-in for it, and the links touching it can be neither confirmed nor denied.
import type { NotPolled, PortChange, TopologyDiff } from '@netspotter/shared/api';
import { snmpWords } from '@netspotter/shared';
import type { DeviceSummary, Link, PortRef } from '../discovery/result.ts';
import type { Topology } from './graph.ts';
import { endNode, linkKey } from './graph.ts';

const portOf = (p: { ifName?: string; ifIndex?: number; port?: string }) =>
  p.ifName ?? p.port ?? p.ifIndex ?? '?';

function diffMaps<T>(a: Map<string, T>, b: Map<string, T>, fields: (x: T) => Record<string, unknown>) {
  const added = [...b.keys()].filter((k) => !a.has(k)).sort();
  const removed = [...a.keys()].filter((k) => !b.has(k)).sort();
  const changed = [...a.keys()]
    .filter((k) => b.has(k))
    .sort()
    .flatMap((id) => {
      const fa = fields(a.get(id)!);
      const fb = fields(b.get(id)!);
      const diff = Object.keys(fa).filter((f) => JSON.stringify(fa[f]) !== JSON.stringify(fb[f]));
      return diff.length ? [{ id, fields: diff }] : [];
    });
  return { added, removed, changed };
}

/** Devices of `from` that `to` did not poll: a target of theirs was unreachable, or none was asked. */
function unpolled(from: Topology, to: Topology): NotPolled[] {
  const present = new Set(to.devices.map((d) => d.id));
  const failed = new Map(to.unreachable.map((u) => [u.target, u.reason]));
  const asked = new Set(to.report.map((r) => r.target));
  return from.devices
    .filter((d) => !present.has(d.id))
    .flatMap((d) => {
      const failure = d.targets.find((t) => failed.has(t));
      const reason = failure
        ? `not reached: ${failed.get(failure)}`
        : d.targets.some((t) => asked.has(t))
          ? undefined // asked and answered as some other device: really gone
          : 'not polled in this run';
      if (!reason) return [];
      const standIn = standInFor(d, to);
      return [{ id: d.id, ...(d.sysName && { name: d.sysName }), reason, ...(standIn && { standIn }) }];
    });
}

/** The unmanaged node of `to` that is the device: same chassis, same name, or one of its addresses. */
function standInFor(d: DeviceSummary, to: Topology): string | undefined {
  const chassis = [d.chassisId, d.bridgeAddress].filter(Boolean).map((c) => c!.toLowerCase());
  const addresses = new Set(d.addresses);
  return to.unmanaged.find(
    (u) =>
      (u.chassisId && chassis.includes(u.chassisId.toLowerCase())) ||
      (d.sysName && u.name === d.sysName) ||
      u.addresses.some((a) => addresses.has(a)),
  )?.id;
}

type Port = DeviceSummary['interfaces'][number];
const portName = (p: Port) => p.ifName || p.ifDescr || `ifIndex ${p.ifIndex}`;
const stateWords = (p: Port) => `${snmpWords.ifStatus(p.adminStatus)}/${snmpWords.ifStatus(p.operStatus)}`;

/** device|ifIndex → the link (and end) that port is on, directly or as a LAG member. */
function linkEnds(links: Link[]): Map<string, PortChange['link']> {
  const out = new Map<string, PortChange['link']>();
  const put = (device: string | undefined, p: PortRef, id: string, side: 'source' | 'target') => {
    if (device && p.ifIndex !== undefined) out.set(`${device}|${p.ifIndex}`, { id, side });
  };
  for (const l of links) {
    const id = linkKey(l);
    put(l.a.device, l.a, id, 'source');
    put(l.b.device, l.b, id, 'target');
    for (const m of l.members ?? []) {
      put(l.a.device, m.a, id, 'source');
      put(l.b.device, m.b, id, 'target');
    }
  }
  return out;
}

/** Ports added, removed or with another admin/oper state, on devices both snapshots polled. */
function portChanges(from: Topology, to: Topology): PortChange[] {
  const before = new Map(from.devices.map((d) => [d.id, d]));
  const endsNow = linkEnds(to.links);
  const endsThen = linkEnds(from.links);
  const out: PortChange[] = [];
  for (const d of to.devices) {
    const was = before.get(d.id);
    if (!was) continue;
    const old = new Map(was.interfaces.map((i) => [i.ifIndex, i]));
    const now = new Map(d.interfaces.map((i) => [i.ifIndex, i]));
    // A member that left its LAG is on the link only in the older snapshot.
    const change = (p: Port, kind: PortChange['kind'], extra: Partial<PortChange>) => {
      const link = endsNow.get(`${d.id}|${p.ifIndex}`) ?? endsThen.get(`${d.id}|${p.ifIndex}`);
      out.push({
        device: d.id,
        ifIndex: p.ifIndex,
        port: portName(p),
        kind,
        ...extra,
        ...(link && { link }),
      });
    };
    for (const p of d.interfaces) {
      const o = old.get(p.ifIndex);
      if (!o) change(p, 'added', { to: stateWords(p) });
      else if (o.adminStatus !== p.adminStatus || o.operStatus !== p.operStatus)
        change(p, 'state', { from: stateWords(o), to: stateWords(p) });
    }
    for (const o of was.interfaces) if (!now.has(o.ifIndex)) change(o, 'removed', { from: stateWords(o) });
  }
  return out;
}

export function diffTopologies(from: Topology, to: Topology): TopologyDiff {
  const notPolled = unpolled(from, to);
  const unknown = new Set(notPolled.flatMap((n) => [n.id, ...(n.standIn ? [n.standIn] : [])]));
  const touchesUnknown = (l: Link) => unknown.has(l.a.device) || unknown.has(endNode(l.b) ?? '');
  const devices = (t: Topology) => new Map(t.devices.filter((d) => !unknown.has(d.id)).map((d) => [d.id, d]));
  const links = (t: Topology) =>
    new Map(t.links.filter((l) => !touchesUnknown(l)).map((l) => [linkKey(l), l]));
  const unverified = [...new Set([...from.links, ...to.links].filter(touchesUnknown).map(linkKey))].sort();
  return {
    devices: diffMaps(devices(from), devices(to), (d) => ({
      sysName: d.sysName,
      addresses: [...d.addresses].sort(),
      interfaces: d.interfaces.map((i) => `${i.ifIndex}:${i.ifName ?? ''}`).sort(),
      vlans: d.vlans?.map((v) => `${v.id}:${v.name ?? ''}`),
    })),
    links: diffMaps(links(from), links(to), (l) => ({
      evidence: [...l.evidence].sort(),
      confirmed: l.confirmed,
      // A LAG that gained or lost a member link changed.
      members: l.members?.map((m) => `${portOf(m.a)}-${portOf(m.b)}`).sort(),
      // VLANs an end carries (access, native, tagged) and where spanning tree blocks it.
      vlans: [l.a.vlans, l.b.vlans, l.vlans],
      blockedVlans: l.blockedVlans,
      stp: [l.a.stp, l.b.stp],
      issues: l.issues,
    })),
    ports: portChanges(from, to),
    notPolled,
    unverified,
  };
}
