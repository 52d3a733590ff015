// Diff mode: the newer graph plus what the older one had and the newer lacks, each element marked
// with classes — added, removed, changed, unpolled (a device the newer run did not poll), unverified
// (a link touching one) and changed-source / changed-target (a port state change on one end only) (pure).
import type { TopologyDiff } from '@netspotter/shared/api';
import type { Graph } from './graph.ts';

export type DiffMark =
  'added' | 'removed' | 'changed' | 'unpolled' | 'unverified' | 'changed-source' | 'changed-target';

export function mergeForDiff(
  older: Graph,
  newer: Graph,
  diff: TopologyDiff,
): { graph: Graph; marks: Map<string, DiffMark[]> } {
  const marks = new Map<string, DiffMark[]>();
  const mark = (id: string, m: DiffMark) => marks.set(id, [...new Set([...(marks.get(id) ?? []), m])]);
  for (const id of [...diff.devices.added, ...diff.links.added]) mark(id, 'added');
  for (const id of [...diff.devices.removed, ...diff.links.removed]) mark(id, 'removed');
  for (const { id } of [...diff.devices.changed, ...diff.links.changed]) mark(id, 'changed');
  for (const n of diff.notPolled) mark(n.id, 'unpolled');
  for (const id of diff.unverified) mark(id, 'unverified');
  for (const p of diff.ports) {
    if (!p.link) mark(p.device, 'changed');
    else for (const m of ['changed', `changed-${p.link.side}`] as const) mark(p.link.id, m);
  }
  // The newer snapshot's unmanaged stand-in for an unpolled device is drawn as that device.
  const standIns = new Map(diff.notPolled.flatMap((n) => (n.standIn ? [[n.standIn, n.id] as const] : [])));
  const as = (id: string) => standIns.get(id) ?? id;
  const nodes = newer.nodes.filter((n) => !standIns.has(n.id));
  const edges = newer.edges.map((e) => ({ ...e, source: as(e.source), target: as(e.target) }));
  const nodeIds = new Set(nodes.map((n) => n.id));
  const edgeIds = new Set(edges.map((e) => e.id));
  const goneNodes = older.nodes.filter((n) => !nodeIds.has(n.id));
  const goneEdges = older.edges.filter((e) => !edgeIds.has(e.id));
  for (const x of [...goneNodes, ...goneEdges]) if (!marks.has(x.id)) mark(x.id, 'removed');
  return { graph: { ...newer, nodes: [...nodes, ...goneNodes], edges: [...edges, ...goneEdges] }, marks };
}
