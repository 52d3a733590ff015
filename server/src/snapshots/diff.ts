// What changed between two snapshots: devices and links added, removed or changed (pure).
import type { TopologyDiff } from '@netspotter/shared/api';
import type { Topology } from './graph.ts';
import { linkKey } from './graph.ts';

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

export function diffTopologies(from: Topology, to: Topology): TopologyDiff {
  const devices = (t: Topology) => new Map(t.devices.map((d) => [d.id, d]));
  const links = (t: Topology) => new Map(t.links.map((l) => [linkKey(l), l]));
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
      issues: l.issues,
    })),
  };
}
