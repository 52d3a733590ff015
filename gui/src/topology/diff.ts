// Diff mode: the newer graph plus what the older one had and the newer lacks, each element marked
// added, removed or changed (pure).
import type { TopologyDiff } from '@netspotter/shared/api';
import type { Graph } from './graph.ts';

/** The ids a diff names, as mergeForDiff reads it. */
type DiffIds = {
  [K in keyof TopologyDiff]: Pick<TopologyDiff[K], 'added' | 'removed'> & { changed: { id: string }[] };
};

export type DiffMark = 'added' | 'removed' | 'changed';

export function mergeForDiff(
  older: Graph,
  newer: Graph,
  diff: DiffIds,
): { graph: Graph; marks: Map<string, DiffMark> } {
  const marks = new Map<string, DiffMark>();
  for (const id of [...diff.devices.added, ...diff.links.added]) marks.set(id, 'added');
  for (const id of [...diff.devices.removed, ...diff.links.removed]) marks.set(id, 'removed');
  for (const { id } of [...diff.devices.changed, ...diff.links.changed]) marks.set(id, 'changed');
  const nodeIds = new Set(newer.nodes.map((n) => n.id));
  const edgeIds = new Set(newer.edges.map((e) => e.id));
  const goneNodes = older.nodes.filter((n) => !nodeIds.has(n.id));
  for (const n of goneNodes) if (!marks.has(n.id)) marks.set(n.id, 'removed');
  const goneEdges = older.edges.filter((e) => !edgeIds.has(e.id));
  for (const e of goneEdges) if (!marks.has(e.id)) marks.set(e.id, 'removed');
  return {
    graph: { ...newer, nodes: [...newer.nodes, ...goneNodes], edges: [...newer.edges, ...goneEdges] },
    marks,
  };
}
