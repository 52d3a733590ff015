// Nodes and edges of one layer of a stored topology, in the shape the GUI draws (pure).
import type { Graph, GraphEdge, GraphNode, Layer, NodeRole } from '@netspotter/shared/api';
import type { DiscoveryResult, Link, LinkEnd, LinkMember } from '../discovery/result.ts';
import { portLabeller } from '../multicast/flow-tree.ts';
import { pimLinks } from '../multicast/pim-links.ts';

export type { Graph, GraphEdge, GraphNode, Layer };

/** The stored topology document: the discovery result without raw facts, plus each device's role. */
export type Topology = Omit<DiscoveryResult, 'facts'> & { roles: Record<string, NodeRole> };

const portName = (e: { ifName?: string; ifIndex?: number; port?: string }) =>
  e.ifName ?? e.port ?? (e.ifIndex !== undefined ? `ifIndex ${e.ifIndex}` : undefined);

/** The node an end of a link stands on: a managed device, an unmanaged neighbour or a shared segment. */
export const endNode = (e: LinkEnd): string | undefined => e.device ?? e.unmanaged ?? e.segment;

const memberPorts = (m: LinkMember): { sourcePort?: string; targetPort?: string } => {
  const [sourcePort, targetPort] = [portName(m.a), portName(m.b)];
  return { ...(sourcePort && { sourcePort }), ...(targetPort && { targetPort }) };
};

export function linkKey(l: Link): string {
  const ends = [l.a, l.b].map((e) => `${endNode(e) ?? '?'}:${portName(e) ?? ''}`).sort();
  return `${l.layer}|${ends.join('|')}`;
}

function deviceNodes(t: Topology): GraphNode[] {
  return t.devices.map((d) => ({
    id: d.id,
    label: d.sysName ?? d.id,
    role: t.roles[d.id] ?? 'host',
    managed: true,
    addresses: d.addresses,
    ...(d.vendor && { vendor: d.vendor }),
    ...(d.sysLocation && { site: d.sysLocation }),
  }));
}

function linkEdges(t: Topology, layer: 'l2' | 'l3'): GraphEdge[] {
  return t.links
    .filter((l) => l.layer === layer)
    .flatMap((l) => {
      const target = endNode(l.b);
      if (!target) return [];
      const sourcePort = portName(l.a);
      const targetPort = portName(l.b);
      return [
        {
          id: linkKey(l),
          source: l.a.device,
          target,
          ...(sourcePort && { sourcePort }),
          ...(targetPort && { targetPort }),
          evidence: l.evidence,
          confirmed: l.confirmed,
          ...(l.subnet && { subnet: l.subnet }),
          ...(l.members && { members: l.members.map(memberPorts) }),
          ...(l.a.stp && { sourceStp: l.a.stp }),
          ...(l.b.stp && { targetStp: l.b.stp }),
          ...(l.blocked && { blocked: true }),
          ...(l.blockedVlans && { blockedVlans: l.blockedVlans }),
          ...(l.vlans && { vlans: l.vlans }),
          ...(l.issues && { issues: l.issues }),
          ...(l.via && { via: l.via }),
        },
      ];
    });
}

export function layerGraph(t: Topology, layer: Layer, opts: { group?: string } = {}): Graph {
  const nodes = deviceNodes(t);
  if (layer === 'l2') {
    nodes.push(
      ...t.unmanaged.map((u) => ({
        id: u.id,
        label: u.name ?? u.chassisId ?? u.id,
        role: 'unmanaged' as const,
        managed: false,
        addresses: u.addresses,
      })),
      ...t.segments.map((s) => ({
        id: s.id,
        label: `segment (${s.members})`,
        role: 'segment' as const,
        managed: false,
        addresses: [],
      })),
    );
    return { layer, nodes, edges: linkEdges(t, 'l2') };
  }
  if (layer === 'l3') return { layer, nodes, edges: linkEdges(t, 'l3') };

  const wanted = (g: string) => opts.group === undefined || g === opts.group;
  const listeners = new Map<string, number>();
  for (const g of t.multicast.groups.filter((g) => wanted(g.group))) {
    for (const l of g.listeners) listeners.set(l.device, (listeners.get(l.device) ?? 0) + 1);
  }
  const port = portLabeller(t);
  const edges: GraphEdge[] = t.multicast.trees
    .filter((tree) => wanted(tree.group))
    .flatMap((tree) =>
      tree.edges.flatMap((e, i) =>
        e.to.device
          ? [
              {
                id: `${tree.group}|${tree.source ?? '*'}|${i}`,
                source: e.from.device,
                target: e.to.device,
                ...(e.from.ifIndex !== undefined && { sourcePort: port(e.from.device, e.from.ifIndex) }),
                ...(e.to.ifIndex !== undefined && { targetPort: port(e.to.device, e.to.ifIndex) }),
                evidence: ['mroute'],
                confirmed: true,
                group: tree.group,
                ...(tree.source && { groupSource: tree.source }),
              },
            ]
          : [],
      ),
    );
  // PIM adjacencies are the layer's links whatever the group: the trees run over them.
  const pim = pimLinks(t);
  return {
    layer,
    nodes: [...nodes, ...pim.nodes].map((n) => ({ ...n, listeners: listeners.get(n.id) ?? 0 })),
    edges: [...pim.edges, ...edges],
  };
}
