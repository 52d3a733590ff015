// The cytoscape canvas: shapes by role, port labels on links, search highlight, positions kept,
// PNG/JSON export. Tuned to stay responsive with thousands of elements (no labels or edges while
// the viewport moves, textures during pan/zoom, a ring layout for large graphs).
import cytoscape, { type Core, type LayoutEventObject, type NodeSingular } from 'cytoscape';
import type { NodeRole } from '@netspotter/shared/api';
import { ROLE_SHAPES, positionsCover, toElements, type Graph, type Positions } from './graph.ts';
import { PALETTE } from './map-key.ts';
import type { Drawing } from './export-formats.ts';
import { groupedElements, type Grouped } from './grouping.ts';

export interface TopologyCanvas {
  cy: Core;
  focus(ids: string[]): void;
  positions(): Positions;
  /** The whole map at twice the screen's scale (bounded), as PNG. */
  png(): Blob;
  /** Nodes as placed and links with how they are drawn, for the file exports. */
  drawing(): Drawing;
  zoomBy(factor: number): void;
  fit(): void;
  destroy(): void;
}

export interface CanvasOptions {
  positions?: Positions;
  onSelect?(id: string | undefined): void;
  onMoved?(p: Positions): void;
  /** Nodes of agents that took part in tests (multicast overlay). */
  tested?: Set<string>;
  /** The map grouped (boxes, bundles): drawn at grid places per group instead of a layout. */
  grouped?: Grouped;
  /** A box or a neighbour bundle was clicked: the caller flips it open or closed and redraws. */
  onToggle?(id: string): void;
}

const LARGE = 300;

export function topologyCanvas(
  container: HTMLElement,
  graph: Graph,
  opts: CanvasOptions = {},
): TopologyCanvas {
  const saved = opts.positions ?? {};
  const grouped = opts.grouped;
  const large = (grouped?.graph ?? graph).nodes.length > LARGE;
  const cy = cytoscape({
    container,
    elements: grouped ? groupedElements(grouped, opts.tested) : toElements(graph, saved, opts.tested),
    // Grouped maps come placed (a grid per group): no layout runs, whatever the size.
    layout:
      grouped || positionsCover(graph, saved)
        ? { name: 'preset' }
        : {
            ...(large
              ? // Force-directed layouts take minutes at this size; rings by degree put the core in the middle.
                {
                  name: 'concentric',
                  concentric: (n: NodeSingular) => n.degree(false),
                  levelWidth: () => 2,
                  minNodeSpacing: 6,
                  animate: false,
                }
              : {
                  name: 'cose',
                  animate: false,
                  // From scratch nodes start scattered (all at one point cose cannot pull apart); nodes the
                  // user placed are kept, so the layout starts from them.
                  randomize: Object.keys(saved).length === 0,
                  // Strong repulsion: with less, leaves of a star land on their hub and labels collide.
                  nodeRepulsion: () => 400_000,
                  nodeOverlap: 20,
                  idealEdgeLength: () => 100,
                }),
            // Nodes the user placed stay where they were; the layout only finds places for the new ones.
            stop: (ev: LayoutEventObject) => {
              for (const [id, p] of Object.entries(saved)) ev.cy.getElementById(id).position({ ...p });
              opts.onMoved?.(Object.fromEntries(ev.cy.nodes().map((n) => [n.id(), { ...n.position() }])));
            },
          },
    textureOnViewport: large,
    hideEdgesOnViewport: large,
    hideLabelsOnViewport: true,
    motionBlur: false,
    pixelRatio: large ? 1 : 'auto',
    minZoom: 0.02,
    maxZoom: 4,
    style: [
      {
        selector: 'node',
        style: {
          label: 'data(label)',
          'font-size': 10,
          'text-valign': 'bottom',
          'text-margin-y': 3,
          width: 22,
          height: 22,
          'background-color': PALETTE.switch,
          'border-width': large ? 0 : 1,
          'border-color': '#1d466f',
          'min-zoomed-font-size': 8,
        },
      },
      ...Object.entries(ROLE_SHAPES).map(([role, shape]) => ({
        selector: `node[role = "${role}"]`,
        style: { shape: shape as never },
      })),
      { selector: 'node[role = "router"]', style: { 'background-color': PALETTE.router } },
      { selector: 'node[role = "host"]', style: { 'background-color': PALETTE.host, width: 16, height: 16 } },
      { selector: 'node[role = "agent"]', style: { 'background-color': PALETTE.agent } },
      {
        selector: 'node.unmanaged',
        style: { 'background-color': PALETTE.unmanaged, 'border-style': 'dashed' },
      },
      {
        selector: 'edge',
        style: {
          width: 1.5,
          'line-color': PALETTE.link,
          'curve-style': large ? 'haystack' : 'bezier',
          // Port names stay readable over crossing links: a pale backing behind the text.
          'font-size': 9,
          'text-rotation': 'autorotate',
          'min-zoomed-font-size': 8,
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.85,
          'text-background-padding': '1px',
          color: '#222',
        },
      },
      // Port labels on thousands of links cost a full redraw dearly: large graphs show them on the
      // links of the selected node only.
      { selector: large ? 'edge.near' : 'edge', style: { label: 'data(label)' } },
      { selector: 'edge.one-sided', style: { 'line-style': 'dashed' } },
      // A link aggregation is drawn once, thicker; hovering lists its member links.
      { selector: 'edge.lag', style: { width: 4 } },
      // A link spanning tree blocks carries no traffic: grey and dashed, the blocking port named on hover.
      {
        selector: 'edge.blocked',
        style: { 'line-style': 'dashed', 'line-color': PALETTE.blocked, opacity: 0.8 },
      },
      {
        selector: 'edge.tree',
        style: {
          'target-arrow-shape': 'triangle',
          'line-color': PALETTE.tree,
          'target-arrow-color': PALETTE.tree,
          'curve-style': 'bezier',
        },
      },
      // Multicast overlay: listeners ringed in the tree's amber, test agents haloed in violet.
      {
        selector: 'node.listeners',
        style: { 'border-width': 4, 'border-color': PALETTE.tree, 'border-style': 'double' },
      },
      {
        selector: 'node.tested',
        style: {
          'underlay-color': PALETTE.tested,
          'underlay-padding': 7,
          'underlay-opacity': 0.35,
          'underlay-shape': 'ellipse',
        },
      },
      // A class, not an element style: the monitor overlay clears element styles when it repaints.
      { selector: 'node.tree-differs', style: { 'border-width': 5, 'border-color': PALETTE.removed } },
      { selector: 'node.added', style: { 'background-color': PALETTE.added } },
      { selector: 'edge.added', style: { 'line-color': PALETTE.added, width: 3 } },
      { selector: 'node.removed', style: { 'background-color': PALETTE.removed, opacity: 0.6 } },
      {
        selector: 'edge.removed',
        style: { 'line-color': PALETTE.removed, 'line-style': 'dotted', width: 3 },
      },
      { selector: 'node.changed', style: { 'border-color': PALETTE.changed, 'border-width': 3 } },
      { selector: 'edge.changed', style: { 'line-color': PALETTE.changed, width: 3 } },
      // A port state change on one end: a square at that end of the link.
      {
        selector: 'edge.changed-source',
        style: { 'source-arrow-shape': 'square', 'source-arrow-color': PALETTE.changed, 'arrow-scale': 1.4 },
      },
      {
        selector: 'edge.changed-target',
        style: { 'target-arrow-shape': 'square', 'target-arrow-color': PALETTE.changed, 'arrow-scale': 1.4 },
      },
      {
        selector: 'node.unpolled',
        style: {
          'background-color': PALETTE.unpolled,
          'border-style': 'dashed',
          'border-width': 2,
          opacity: 0.7,
        },
      },
      { selector: 'edge.unverified', style: { 'line-color': PALETTE.unpolled, 'line-style': 'dashed' } },
      // Groups: an open box is a pale frame named at its top; a closed one a single large node.
      {
        selector: 'node.group-box',
        style: {
          shape: 'round-rectangle',
          'background-color': PALETTE.group,
          'background-opacity': 0.07,
          'border-width': 1,
          'border-style': 'dashed',
          'border-color': PALETTE.group,
          'text-valign': 'top',
          'text-halign': 'center',
          'text-margin-y': -4,
          'font-size': 14,
          'font-weight': 'bold',
          color: '#333',
          padding: '14px',
        },
      },
      {
        selector: 'node.group-box.collapsed',
        style: {
          width: 44,
          height: 44,
          'background-opacity': 0.35,
          'text-valign': 'bottom',
          'text-margin-y': 4,
        },
      },
      {
        selector: 'node.bundle',
        style: { width: 26, height: 26, 'border-width': 2, 'border-color': '#666' },
      },
      { selector: '.hit', style: { 'border-width': 4, 'border-color': '#ffb000', 'z-index': 10 } },
      { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#000' } },
    ],
  });
  cy.on('tap', 'node', (ev) => {
    const n = ev.target as NodeSingular;
    if (n.hasClass('group-box') || n.hasClass('bundle')) opts.onToggle?.(n.id());
    else opts.onSelect?.(n.id());
  });
  cy.on('mouseover', 'edge[title]', (ev) => (container.title = ev.target.data('title') ?? ''));
  cy.on('mouseout', 'edge[title]', () => (container.title = ''));
  if (large) {
    cy.on('select', 'node', (ev) => ev.target.connectedEdges().addClass('near'));
    cy.on('unselect', 'node', (ev) => ev.target.connectedEdges().removeClass('near'));
  }
  cy.on('tap', (ev) => {
    if (ev.target === cy) opts.onSelect?.(undefined);
  });
  const positions = (): Positions => Object.fromEntries(cy.nodes().map((n) => [n.id(), { ...n.position() }]));
  cy.on('dragfree', 'node', () => opts.onMoved?.(positions()));
  // Fitting a handful of nodes would blow them up: keep small graphs at a readable scale.
  if (cy.zoom() > 1.2) {
    cy.zoom(1.2);
    cy.center();
  }

  return {
    cy,
    focus(ids) {
      cy.elements().removeClass('hit');
      const hits = ids.reduce((acc, id) => acc.union(cy.getElementById(id)), cy.collection());
      if (hits.empty()) return;
      hits.addClass('hit');
      cy.animate({ center: { eles: hits }, zoom: Math.max(cy.zoom(), 1) }, { duration: 250 });
      if (hits.length === 1) {
        cy.nodes().unselect();
        hits.select();
      }
    },
    positions,
    png: () =>
      cy.png({
        output: 'blob',
        full: true,
        bg: '#ffffff',
        scale: 2,
        maxWidth: 12000,
        maxHeight: 12000,
      }) as unknown as Blob,
    drawing: () => ({
      nodes: cy.nodes().map((n) => ({
        id: n.id(),
        label: String(n.data('label')),
        role: n.data('role') as NodeRole,
        managed: n.data('managed') !== false,
        ...n.position(),
      })),
      edges: cy.edges().map((e) => ({
        id: e.id(),
        source: e.source().id(),
        target: e.target().id(),
        label: String(e.data('label') ?? ''),
        dashed: e.hasClass('one-sided') || e.hasClass('blocked'),
        colour: e.hasClass('blocked') ? PALETTE.blocked : e.hasClass('tree') ? PALETTE.tree : undefined,
        width: e.hasClass('lag') ? 4 : undefined,
      })),
    }),
    zoomBy(factor) {
      const z = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor));
      cy.zoom({ level: z, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
    },
    fit: () => cy.fit(undefined, 30),
    destroy: () => cy.destroy(),
  };
}
