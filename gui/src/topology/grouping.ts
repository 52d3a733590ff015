// Grouping the map (pure): nodes boxed by site or subnet as cytoscape compound nodes, a box collapsed
// into one node on request, and unmanaged neighbours hanging off one port bundled into one
// "N neighbours" node unless opened. Positions come from a grid per group, packed in rows: linear in
// the node count, so a 10,000-node map is placed at once where a force layout would take minutes.
import ipaddr from 'ipaddr.js';
import type { ElementDefinition } from 'cytoscape';
import { toElements, type Graph, type GraphEdge, type GraphNode, type Positions } from './graph.ts';

import type { GroupBy } from './group-by.ts';

export type { GroupBy };

/** A box of the grouped map. `collapsed`: drawn as one node in place of its members. */
export interface GroupBox {
  id: string;
  label: string;
  size: number;
  collapsed: boolean;
}

export interface Grouped {
  /** What is drawn: bundles and collapsed boxes in place of their members, links moved onto them. */
  graph: Graph;
  /** Drawn node → the box it sits in (absent for nodes outside any group). */
  parent: Map<string, string>;
  boxes: GroupBox[];
  /** Bundle node → the neighbours it stands for. */
  bundles: Map<string, string[]>;
  /** Bundles the user opened → their neighbours, drawn inside a frame whose click closes them again. */
  opened: Map<string, string[]>;
}

/** The network of an address: its own prefix length, else /64 (IPv6) or /24 (IPv4). */
export function subnetOf(address: string): string | undefined {
  const bare = address.split('%')[0]!;
  const [ip, len] = bare.split('/');
  if (!ipaddr.isValid(ip!)) return undefined;
  const parsed = ipaddr.parse(ip!);
  const v6 = parsed.kind() === 'ipv6';
  if (v6 && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    return subnetOf((parsed as ipaddr.IPv6).toIPv4Address().toString());
  const bits = len !== undefined && /^\d+$/.test(len) ? Number(len) : v6 ? 64 : 24;
  if (bits > (v6 ? 128 : 32)) return undefined;
  const cidr = `${parsed.toString()}/${bits}`;
  const net = v6
    ? ipaddr.IPv6.networkAddressFromCIDR(cidr).toRFC5952String()
    : ipaddr.IPv4.networkAddressFromCIDR(cidr).toString();
  return `${net}/${bits}`;
}

/** Link-local and loopback addresses say nothing about where a device is. */
const placeable = (a: string) => {
  const ip = a.split('%')[0]!.split('/')[0]!;
  if (!ipaddr.isValid(ip)) return false;
  const range = ipaddr.parse(ip).range();
  return range !== 'linkLocal' && range !== 'loopback';
};

function groupKey(n: GraphNode, by: GroupBy): string | undefined {
  if (by === 'site') return n.site?.trim() || undefined;
  if (by === 'subnet') {
    const a = n.addresses.find(placeable);
    return a === undefined ? undefined : subnetOf(a);
  }
  return undefined;
}

const portOf = (e: GraphEdge, node: string) => (e.source === node ? e.sourcePort : e.targetPort);
const otherEnd = (e: GraphEdge, node: string) => (e.source === node ? e.target : e.source);

/** Unmanaged nodes with one link, keyed by the device and port they hang off. */
function hangers(
  g: Graph,
): Map<string, { device: string; port?: string; nodes: string[]; edges: GraphEdge[] }> {
  const links = new Map<string, GraphEdge[]>();
  for (const e of g.edges)
    for (const end of [e.source, e.target]) links.set(end, [...(links.get(end) ?? []), e]);
  const out = new Map<string, { device: string; port?: string; nodes: string[]; edges: GraphEdge[] }>();
  for (const n of g.nodes) {
    const mine = links.get(n.id) ?? [];
    if (n.role !== 'unmanaged' || mine.length !== 1) continue;
    const e = mine[0]!;
    const device = otherEnd(e, n.id);
    const port = portOf(e, device);
    const id = `neighbours:${device}:${port ?? ''}`;
    const b = out.get(id) ?? { device, ...(port !== undefined && { port }), nodes: [], edges: [] };
    b.nodes.push(n.id);
    b.edges.push(e);
    out.set(id, b);
  }
  return out;
}

/**
 * Above this many nodes (after bundling) boxes start closed: cytoscape takes seconds to build
 * ten thousand elements, a hundred closed sites draw at once, and the user opens the ones wanted.
 */
export const OPEN_LIMIT = 2000;

/**
 * The map as drawn for a grouping. `toggled` holds ids whose state the user flipped from the default:
 * neighbour bundles start closed (an opened one is framed, and closes again on a click); boxes start
 * open, or closed on maps over `openLimit` nodes.
 */
export function groupGraph(
  g: Graph,
  by: GroupBy,
  toggled: ReadonlySet<string> = new Set(),
  openLimit = OPEN_LIMIT,
): Grouped {
  // 1. Neighbours hanging off one port become one node (two or more; a single one stays itself).
  const bundles = new Map<string, string[]>();
  const opened = new Map<string, string[]>();
  const replaced = new Map<string, string>();
  const bundleNodes: GraphNode[] = [];
  const bundleEdges: GraphEdge[] = [];
  const bundled = new Set<GraphEdge>();
  for (const [id, b] of hangers(g)) {
    if (b.nodes.length < 2) continue;
    if (toggled.has(id)) {
      opened.set(id, b.nodes);
      continue;
    }
    bundles.set(id, b.nodes);
    for (const n of b.nodes) replaced.set(n, id);
    for (const e of b.edges) bundled.add(e);
    bundleNodes.push({
      id,
      label: `${b.nodes.length} neighbours`,
      role: 'unmanaged',
      managed: false,
      addresses: [],
    });
    bundleEdges.push({
      id: `${id}:link`,
      source: b.device,
      target: id,
      ...(b.port !== undefined && { sourcePort: b.port }),
      evidence: [...new Set(b.edges.flatMap((e) => e.evidence))],
      confirmed: b.edges.every((e) => e.confirmed),
    });
  }
  let nodes = [...g.nodes.filter((n) => !replaced.has(n.id)), ...bundleNodes];
  let edges = [...g.edges.filter((e) => !bundled.has(e)), ...bundleEdges];

  // 2. Boxes: a node's own site or subnet; a node without one (an unmanaged neighbour, a bundle) joins
  // the box of the first neighbour that has one.
  const key = new Map<string, string>();
  for (const n of nodes) {
    const k = groupKey(n, by);
    if (k !== undefined) key.set(n.id, k);
  }
  for (const e of edges) {
    if (!key.has(e.target) && key.has(e.source)) key.set(e.target, key.get(e.source)!);
    else if (!key.has(e.source) && key.has(e.target)) key.set(e.source, key.get(e.target)!);
  }
  const boxId = (k: string) => `group:${by}:${k}`;
  const sizes = new Map<string, number>();
  for (const k of key.values()) sizes.set(k, (sizes.get(k) ?? 0) + 1);
  const closedFirst = nodes.length > openLimit;
  const boxes: GroupBox[] = [...sizes]
    .map(([k, size]) => ({ id: boxId(k), label: k, size, collapsed: toggled.has(boxId(k)) !== closedFirst }))
    .sort((a, b) => b.size - a.size || a.label.localeCompare(b.label));

  // 3. A collapsed box stands for its members: their links move onto it, links inside it go.
  const collapsed = new Set(boxes.filter((b) => b.collapsed).map((b) => b.id));
  const parent = new Map<string, string>();
  const drawnAs = (id: string) => {
    const k = key.get(id);
    return k !== undefined && collapsed.has(boxId(k)) ? boxId(k) : id;
  };
  for (const n of nodes) {
    const k = key.get(n.id);
    if (k !== undefined && !collapsed.has(boxId(k))) parent.set(n.id, boxId(k));
  }
  if (collapsed.size) {
    nodes = [
      ...nodes.filter((n) => drawnAs(n.id) === n.id),
      ...boxes
        .filter((b) => b.collapsed)
        .map((b) => ({
          id: b.id,
          label: `${b.label} · ${b.size} nodes`,
          role: 'segment' as const,
          managed: true,
          addresses: [],
        })),
    ];
    const merged = new Map<string, GraphEdge & { count: number }>();
    for (const e of edges) {
      const [s, t] = [drawnAs(e.source), drawnAs(e.target)];
      if (s === t) continue;
      if (s === e.source && t === e.target) {
        merged.set(e.id, { ...e, count: 1 });
        continue;
      }
      const pair = [s, t].sort().join('|');
      const m = merged.get(pair);
      if (m) m.count++;
      else
        merged.set(pair, {
          id: `merged:${pair}`,
          source: s,
          target: t,
          evidence: e.evidence,
          confirmed: e.confirmed,
          count: 1,
        });
    }
    edges = [...merged.values()].map(({ count, ...e }) =>
      e.id.startsWith('merged:') ? { ...e, subnet: count === 1 ? '1 link' : `${count} links` } : e,
    );
  }
  return { graph: { ...g, nodes, edges }, parent, boxes, bundles, opened };
}

// Room for a node's label below it and a port label on a link between neighbours.
const SPACING = 90;
const BOX_GAP = 120;

/**
 * Places every drawn node: a square grid per box (managed devices first, then by label), boxes and
 * the ungrouped block packed in rows about as wide as the whole is tall.
 */
export function gridPositions(grouped: Grouped): Positions {
  const members = new Map<string, GraphNode[]>();
  for (const n of grouped.graph.nodes) {
    const b = grouped.parent.get(n.id) ?? (grouped.boxes.some((x) => x.id === n.id) ? n.id : '');
    members.set(b, [...(members.get(b) ?? []), n]);
  }
  const blocks = [...members].map(([box, ns]) => {
    const cols = Math.ceil(Math.sqrt(ns.length));
    ns.sort((a, b) => Number(b.managed) - Number(a.managed) || a.label.localeCompare(b.label));
    return { box, ns, cols, w: cols * SPACING, h: Math.ceil(ns.length / cols) * SPACING };
  });
  blocks.sort((a, b) => b.h - a.h || b.ns.length - a.ns.length);
  const area = blocks.reduce((s, b) => s + (b.w + BOX_GAP) * (b.h + BOX_GAP), 0);
  const rowWidth = Math.max(Math.sqrt(area), blocks[0]?.w ?? 0);
  const out: Positions = {};
  let [x, y, rowHeight] = [0, 0, 0];
  for (const b of blocks) {
    if (x > 0 && x + b.w > rowWidth) {
      [x, y, rowHeight] = [0, y + rowHeight + BOX_GAP, 0];
    }
    b.ns.forEach(
      (n, i) => (out[n.id] = { x: x + (i % b.cols) * SPACING, y: y + Math.floor(i / b.cols) * SPACING }),
    );
    x += b.w + BOX_GAP;
    rowHeight = Math.max(rowHeight, b.h);
  }
  return out;
}

/** Cytoscape elements of a grouped map: open boxes as compound parents, closed ones as nodes. */
export function groupedElements(grouped: Grouped, tested?: Set<string>): ElementDefinition[] {
  const collapsed = new Set(grouped.boxes.filter((b) => b.collapsed).map((b) => b.id));
  const elements = toElements(grouped.graph, gridPositions(grouped), tested);
  for (const el of elements) {
    if (el.group !== 'nodes') continue;
    const id = el.data.id!;
    const p = grouped.parent.get(id);
    if (p) el.data.parent = p;
    const extra = collapsed.has(id) ? 'group-box collapsed' : grouped.bundles.has(id) ? 'bundle' : '';
    if (extra) el.classes = `${el.classes ?? ''} ${extra}`.trim();
  }
  const open: ElementDefinition[] = grouped.boxes
    .filter((b) => !b.collapsed)
    .map((b) => ({ group: 'nodes', data: { id: b.id, label: b.label }, classes: 'group-box' }));
  // An opened bundle's neighbours sit in a frame inside their box; a click on the frame closes it.
  const byId = new Map(elements.map((e) => [e.data.id, e]));
  const frames: ElementDefinition[] = [];
  for (const [id, members] of grouped.opened) {
    const drawn = members.flatMap((m) => byId.get(m) ?? []);
    if (!drawn.length) continue; // inside a closed box
    const box = drawn[0]!.data.parent;
    frames.push({
      group: 'nodes',
      data: { id, label: `${members.length} neighbours`, ...(box && { parent: box }) },
      classes: 'group-box bundle-open',
    });
    for (const el of drawn) el.data.parent = id;
  }
  // Parents before children: cytoscape resolves `parent` against elements already added.
  return [...open, ...frames, ...elements];
}
