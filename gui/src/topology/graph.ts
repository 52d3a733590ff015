// The topology API's node/edge JSON (GET /api/topology) turned into cytoscape elements (pure).
import type { ElementDefinition } from 'cytoscape';
import type { Graph, GraphEdge, GraphNode, NodeRole } from '@netspotter/shared/api';

export type { Graph, GraphEdge, GraphNode };

export type Positions = Record<string, { x: number; y: number }>;

/** Node shape per role, so routers, switches, hosts, agents and unmanaged neighbours read apart. */
export const ROLE_SHAPES: Record<NodeRole, string> = {
  router: 'ellipse',
  switch: 'round-rectangle',
  host: 'rectangle',
  agent: 'star',
  unmanaged: 'diamond',
  segment: 'hexagon',
};

const ports = (p: { sourcePort?: string; targetPort?: string }): string =>
  p.sourcePort || p.targetPort ? `${p.sourcePort ?? '?'} — ${p.targetPort ?? '?'}` : '';

const edgeLabel = (e: GraphEdge): string => {
  if (e.subnet) return e.subnet;
  const label = ports(e);
  return e.members ? [label, `LAG ×${e.members.length}`].filter(Boolean).join(' · ') : label;
};

/** Hover text: which end spanning tree blocks, and a link aggregation's member links, one per line. */
function edgeTitle(e: GraphEdge, label: (id: string) => string): string | undefined {
  const blocking = [
    e.sourceStp === 'blocking' && `${label(e.source)} ${e.sourcePort ?? ''}`,
    e.targetStp === 'blocking' && `${label(e.target)} ${e.targetPort ?? ''}`,
  ].filter((x) => x !== false);
  const lines = [
    ...blocking.map((on) => `STP blocking on ${on.trim()}`),
    ...(e.members ? [`LAG ×${e.members.length}`, ...e.members.map(ports)] : []),
  ];
  return lines.length ? lines.join('\n') : undefined;
}

const nodeLabel = (n: GraphNode): string =>
  n.listeners ? `${n.label} · ${n.listeners} listener${n.listeners > 1 ? 's' : ''}` : n.label;

/** `tested`: nodes of agents that took part in tests (marked on the multicast overlay). */
export function toElements(
  g: Graph,
  positions: Positions = {},
  tested: Set<string> = new Set(),
): ElementDefinition[] {
  const labels = new Map(g.nodes.map((n) => [n.id, n.label]));
  const label = (id: string) => labels.get(id) ?? id;
  return [
    ...g.nodes.map((n) => ({
      group: 'nodes' as const,
      data: {
        id: n.id,
        label: nodeLabel(n),
        role: n.role in ROLE_SHAPES ? n.role : 'host',
        managed: n.managed,
        search: [n.label, ...n.addresses].join(' ').toLowerCase(),
      },
      ...(positions[n.id] && { position: { ...positions[n.id]! } }),
      classes: [
        n.managed ? '' : 'unmanaged',
        n.listeners ? 'listeners' : '',
        tested.has(n.id) ? 'tested' : '',
      ]
        .filter(Boolean)
        .join(' '),
    })),
    // An edge to a node the layer does not hold would make cytoscape throw; such edges are dropped.
    ...g.edges
      .filter((e) => labels.has(e.source) && labels.has(e.target))
      .map((e) => ({
        group: 'edges' as const,
        data: {
          id: e.id,
          source: e.source,
          target: e.target,
          label: edgeLabel(e),
          evidence: e.evidence.join(' '),
          ...((e.members || e.blocked) && { title: edgeTitle(e, label) }),
        },
        classes: [
          e.confirmed ? 'confirmed' : 'one-sided',
          e.group ? 'tree' : '',
          e.members ? 'lag' : '',
          e.blocked ? 'blocked' : '',
        ]
          .filter(Boolean)
          .join(' '),
      })),
  ];
}

/** Whether saved positions cover every node (then they are used as they are). */
export const positionsCover = (g: Graph, p: Positions): boolean =>
  g.nodes.length > 0 && g.nodes.every((n) => p[n.id]);

/** An address without prefix length or zone, lower case: how addresses are compared. */
export const bareAddress = (a: string): string => a.split('%')[0]!.split('/')[0]!.toLowerCase();

/** The node holding an address (prefix length, zone and case ignored), for placing agents on the map. */
export function nodeByAddress(g: Graph): (address: string) => GraphNode | undefined {
  const index = new Map<string, GraphNode>();
  for (const n of g.nodes) for (const a of n.addresses) index.set(bareAddress(a), n);
  return (address) => index.get(bareAddress(address));
}

/** Nodes whose label or address contains the text (case-insensitive). */
export function matchNodes(g: Graph, text: string): GraphNode[] {
  const q = text.trim().toLowerCase();
  if (!q) return [];
  return g.nodes.filter(
    (n) => n.label.toLowerCase().includes(q) || n.addresses.some((a) => a.toLowerCase().includes(q)),
  );
}
