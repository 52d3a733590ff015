// A large topology in the API's node/edge shape: a random spanning tree (every node reachable) plus
// extra random links, with a deterministic generator so every run draws the same graph.
import type { Graph, GraphEdge, GraphNode } from '../../src/topology/graph.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const ROLES = ['router', 'switch', 'switch', 'host', 'host', 'host', 'agent', 'unmanaged'] as const;

export function generateGraph(nodeCount: number, linkCount: number, seed = 7): Graph {
  const rand = rng(seed);
  const nodes: GraphNode[] = Array.from({ length: nodeCount }, (_, i) => {
    const role = ROLES[Math.floor(rand() * ROLES.length)]!;
    return {
      id: `d${i}`,
      label: `${role}-${i}`,
      role,
      managed: role !== 'unmanaged',
      addresses: [`2001:db8:${(i >> 8).toString(16)}::${(i & 0xff).toString(16)}`],
    };
  });
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const add = (a: number, b: number) => {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (a === b || seen.has(key)) return false;
    seen.add(key);
    edges.push({
      id: `l${edges.length}`,
      source: `d${a}`,
      target: `d${b}`,
      sourcePort: `ge-0/0/${edges.length % 48}`,
      targetPort: `Gi1/0/${(edges.length * 7) % 48}`,
      evidence: ['lldp'],
      confirmed: rand() < 0.8,
    });
    return true;
  };
  for (let i = 1; i < nodeCount; i++) add(i, Math.floor(rand() * i));
  while (edges.length < linkCount) add(Math.floor(rand() * nodeCount), Math.floor(rand() * nodeCount));
  return { layer: 'l2', nodes, edges };
}
