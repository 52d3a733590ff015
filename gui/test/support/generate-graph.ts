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

export interface SiteOptions {
  /** Nodes are split into this many sites (consecutive blocks), links mostly inside a site. */
  sites: number;
  /** Of the nodes, this many are unmanaged neighbours hanging three to a port off a managed device. */
  hangers: number;
}

export function generateGraph(nodeCount: number, linkCount: number, seed = 7, sites?: SiteOptions): Graph {
  const rand = rng(seed);
  const core = nodeCount - (sites?.hangers ?? 0);
  const block = sites ? Math.ceil(core / sites.sites) : core;
  const nodes: GraphNode[] = Array.from({ length: core }, (_, i) => {
    const role = ROLES[Math.floor(rand() * ROLES.length)]!;
    return {
      id: `d${i}`,
      label: `${role}-${i}`,
      role,
      managed: role !== 'unmanaged',
      addresses: [`2001:db8:${(i >> 8).toString(16)}::${(i & 0xff).toString(16)}`],
      ...(sites && { site: `site-${Math.floor(i / block)}` }),
    };
  });
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const add = (a: number, b: number, ports?: [string, string | undefined]) => {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    if (a === b || seen.has(key)) return false;
    seen.add(key);
    const [sourcePort, targetPort] = ports ?? [
      `ge-0/0/${edges.length % 48}`,
      `Gi1/0/${(edges.length * 7) % 48}`,
    ];
    edges.push({
      id: `l${edges.length}`,
      source: `d${a}`,
      target: `d${b}`,
      sourcePort,
      ...(targetPort && { targetPort }),
      evidence: ['lldp'],
      confirmed: rand() < 0.8,
    });
    return true;
  };
  // Within a site a node links to an earlier one of the same site; a site's first node to any earlier.
  const earlier = (i: number) => {
    const start = sites && i % block !== 0 ? i - (i % block) : 0;
    return start + Math.floor(rand() * (i - start));
  };
  for (let i = 1; i < core; i++) add(i, earlier(i));
  for (let h = 0; h < (sites?.hangers ?? 0); h++) {
    const i = core + h;
    const port = Math.floor(h / 3);
    const device = (port * 7919) % core;
    nodes.push({ id: `d${i}`, label: `phone-${i}`, role: 'unmanaged', managed: false, addresses: [] });
    add(device, i, [`Gi2/0/${port % 48}`, undefined]);
  }
  while (edges.length < linkCount) {
    const a = Math.floor(rand() * core);
    // With sites, nine links in ten stay inside the site.
    const b =
      sites && rand() < 0.9
        ? Math.min(core - 1, a - (a % block) + Math.floor(rand() * block))
        : Math.floor(rand() * core);
    add(a, b);
  }
  return { layer: 'l2', nodes, edges };
}
