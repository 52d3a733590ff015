// Events from one discovery snapshot to the next (pure): targets that stopped or started answering,
// links added or removed, spanning-tree port states that changed, and distribution-tree changes
// (a router's RPF interface moved, a branch added or removed). All but reachability are one-off changes.
import type { DistributionTree, Link, LinkEnd } from '../discovery/result.ts';
import { linkKey, type Topology } from '../snapshots/graph.ts';
import type { NewEvent } from './engine.ts';

export type SnapshotView = Pick<Topology, 'links' | 'unreachable' | 'multicast'> & {
  devices: Pick<Topology['devices'][number], 'id' | 'targets'>[];
};

const endName = (e: LinkEnd) =>
  `${e.device ?? e.unmanaged ?? e.segment ?? '?'}${e.ifName ? ` ${e.ifName}` : e.ifIndex !== undefined ? ` #${e.ifIndex}` : ''}`;
const linkName = (l: Link) => `${endName(l.a)} – ${endName(l.b)}`;
const treeKey = (t: Pick<DistributionTree, 'group' | 'source'>) => `${t.source ?? '*'},${t.group}`;
const edgeName = (e: DistributionTree['edges'][number]) =>
  `${e.from.device}${e.from.ifIndex !== undefined ? ` #${e.from.ifIndex}` : ''} → ${e.to.device ?? 'listeners'}${e.to.ifIndex !== undefined ? ` #${e.to.ifIndex}` : ''}`;

export function snapshotEvents(before: SnapshotView, after: SnapshotView, at: number): NewEvent[] {
  const out: NewEvent[] = [];
  // Reachability: a condition per target, raised while discovery cannot reach it; about the device that
  // answered on that target before (so trees and rules name it by its id), else the target itself.
  const was = new Map(before.unreachable.map((u) => [u.target, u.reason]));
  const is = new Map(after.unreachable.map((u) => [u.target, u.reason]));
  const deviceOf = (target: string) =>
    [...before.devices, ...after.devices].find((d) => d.targets.includes(target))?.id ?? target;
  for (const [target, reason] of is)
    if (!was.has(target))
      out.push({
        at,
        kind: 'device-unreachable',
        subject: `device:${deviceOf(target)}`,
        condition: 'raised',
        deviceId: deviceOf(target),
        summary: `${deviceOf(target)} unreachable (${target}): ${reason}`,
        details: { target, reason },
      });
  for (const target of was.keys())
    if (!is.has(target))
      out.push({
        at,
        kind: 'device-unreachable',
        subject: `device:${deviceOf(target)}`,
        condition: 'cleared',
        deviceId: deviceOf(target),
        summary: `${deviceOf(target)} answers again (${target})`,
        details: { target },
      });

  const links = (v: SnapshotView) => new Map(v.links.map((l) => [linkKey(l), l]));
  const la = links(before);
  const lb = links(after);
  const linkEvent = (l: Link, summary: string, details: Record<string, unknown>): NewEvent => ({
    at,
    kind: 'topology-change',
    subject: `link:${linkKey(l)}`,
    condition: 'change',
    deviceId: l.a.device,
    summary,
    details,
  });
  for (const [k, l] of lb)
    if (!la.has(k)) out.push(linkEvent(l, `link added: ${linkName(l)}`, { change: 'added' }));
  for (const [k, l] of la)
    if (!lb.has(k)) out.push(linkEvent(l, `link removed: ${linkName(l)}`, { change: 'removed' }));
  for (const [k, l] of lb) {
    const old = la.get(k);
    if (!old) continue;
    for (const end of ['a', 'b'] as const) {
      const from = old[end].stp;
      const to = l[end].stp;
      if (from !== undefined && to !== undefined && from !== to)
        out.push(
          linkEvent(l, `STP: ${endName(l[end])} ${from} → ${to} (link ${linkName(l)})`, {
            change: 'stp',
            port: endName(l[end]),
            from,
            to,
          }),
        );
    }
  }

  const trees = (v: SnapshotView) => new Map(v.multicast.trees.map((t) => [treeKey(t), t]));
  const ta = trees(before);
  const tb = trees(after);
  for (const [k, t] of tb) {
    const old = ta.get(k);
    if (!old) continue; // a tree that comes or goes is a group starting or ending, not a change of path
    const edges = (x: DistributionTree) => new Map(x.edges.map((e) => [edgeName(e), e]));
    const ea = edges(old);
    const eb = edges(t);
    const added = [...eb.keys()].filter((e) => !ea.has(e));
    const removed = [...ea.keys()].filter((e) => !eb.has(e));
    const rpf = (v: SnapshotView) =>
      new Map(
        v.multicast.routes
          .filter((r) => r.group === t.group && r.source === t.source)
          .map((r) => [r.device, r.inIfIndex]),
      );
    const ra = rpf(before);
    const moved = [...rpf(after)]
      .filter(([d, i]) => ra.has(d) && ra.get(d) !== i)
      .map(([d, i]) => `${d} RPF #${ra.get(d) ?? '?'} → #${i ?? '?'}`);
    if (!added.length && !removed.length && !moved.length) continue;
    const what = [
      ...moved,
      ...added.map((e) => `branch added ${e}`),
      ...removed.map((e) => `branch removed ${e}`),
    ];
    out.push({
      at,
      kind: 'tree-change',
      subject: `tree:${k}`,
      condition: 'change',
      summary: `tree (${k}): ${what.join('; ')}`,
      details: { group: t.group, source: t.source ?? null, rpf: moved, added, removed },
    });
  }
  return out;
}
