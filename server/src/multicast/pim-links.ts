// PIM adjacencies as links of the multicast layer: one per pair of routers and interfaces, confirmed when
// both routers list each other as neighbours; a neighbour no polled device holds the address of is a node
// of its own, named by its address (pure).
import type { GraphEdge, GraphNode } from '@netspotter/shared/api';
import type { Topology } from '../snapshots/graph.ts';
import { portLabeller } from './flow-tree.ts';

/** Id of the node standing for an unpolled PIM neighbour. */
export const pimNeighborNode = (address: string) => `pim:${address}`;

export function pimLinks(t: Pick<Topology, 'multicast' | 'devices'>): {
  nodes: GraphNode[];
  edges: GraphEdge[];
} {
  const port = portLabeller(t);
  const edges = new Map<string, GraphEdge>();
  const nodes = new Map<string, GraphNode>();
  for (const p of t.multicast.pimNeighbors) {
    if (p.neighborDevice === p.device) continue;
    if (!p.neighborDevice) {
      const id = pimNeighborNode(p.address);
      nodes.set(id, { id, label: p.address, role: 'unmanaged', managed: false, addresses: [p.address] });
      const sourcePort = port(p.device, p.ifIndex);
      edges.set(`pim|${p.device}:${p.ifIndex}|${id}`, {
        id: `pim|${p.device}:${p.ifIndex}|${id}`,
        source: p.device,
        target: id,
        ...(sourcePort && { sourcePort }),
        evidence: ['pim'],
        confirmed: false,
      });
      continue;
    }
    // The neighbour's own row for this router: its interface, and the adjacency seen from both ends.
    const back = t.multicast.pimNeighbors.find(
      (q) => q.device === p.neighborDevice && q.neighborDevice === p.device,
    );
    const [a, b] =
      p.device < p.neighborDevice
        ? [
            { device: p.device, ifIndex: p.ifIndex as number | undefined },
            { device: p.neighborDevice, ifIndex: back?.ifIndex },
          ]
        : [
            { device: p.neighborDevice, ifIndex: back?.ifIndex },
            { device: p.device, ifIndex: p.ifIndex as number | undefined },
          ];
    const id = `pim|${a.device}:${a.ifIndex ?? ''}|${b.device}:${b.ifIndex ?? ''}`;
    if (edges.has(id)) continue;
    const sourcePort = port(a.device, a.ifIndex);
    const targetPort = port(b.device, b.ifIndex);
    edges.set(id, {
      id,
      source: a.device,
      target: b.device,
      ...(sourcePort && { sourcePort }),
      ...(targetPort && { targetPort }),
      evidence: ['pim'],
      confirmed: back !== undefined,
    });
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
