// The cytoscape canvas: shapes by role, port labels on links, search highlight, positions kept,
// PNG/JSON export. Tuned to stay responsive with thousands of elements (no labels or edges while
// the viewport moves, textures during pan/zoom, a ring layout for large graphs).
import cytoscape, { type Core, type NodeSingular } from 'cytoscape';
import { ROLE_SHAPES, positionsCover, toElements, type Graph, type Positions } from './graph.ts';

export interface TopologyCanvas {
  cy: Core;
  focus(ids: string[]): void;
  positions(): Positions;
  png(): Blob;
  destroy(): void;
}

export interface CanvasOptions {
  positions?: Positions;
  onSelect?(id: string | undefined): void;
  onMoved?(p: Positions): void;
  /** Nodes of agents that took part in tests (multicast overlay). */
  tested?: Set<string>;
}

const LARGE = 300;

export function topologyCanvas(
  container: HTMLElement,
  graph: Graph,
  opts: CanvasOptions = {},
): TopologyCanvas {
  const saved = opts.positions ?? {};
  const large = graph.nodes.length > LARGE;
  const cy = cytoscape({
    container,
    elements: toElements(graph, saved, opts.tested),
    layout: positionsCover(graph, saved)
      ? { name: 'preset' }
      : large
        ? // Force-directed layouts take minutes at this size; rings by degree put the core in the middle.
          {
            name: 'concentric',
            concentric: (n: NodeSingular) => n.degree(false),
            levelWidth: () => 2,
            minNodeSpacing: 6,
            animate: false,
          }
        : { name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 8000 },
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
          'background-color': '#2f6fb3',
          'border-width': large ? 0 : 1,
          'border-color': '#1d466f',
          'min-zoomed-font-size': 8,
        },
      },
      ...Object.entries(ROLE_SHAPES).map(([role, shape]) => ({
        selector: `node[role = "${role}"]`,
        style: { shape: shape as never },
      })),
      { selector: 'node[role = "router"]', style: { 'background-color': '#b3532f' } },
      { selector: 'node[role = "host"]', style: { 'background-color': '#4f8f4f', width: 16, height: 16 } },
      { selector: 'node[role = "agent"]', style: { 'background-color': '#8f4fa8' } },
      { selector: 'node.unmanaged', style: { 'background-color': '#aaa', 'border-style': 'dashed' } },
      {
        selector: 'edge',
        style: {
          width: 1.5,
          'line-color': '#7a8794',
          'curve-style': large ? 'haystack' : 'bezier',
          'font-size': 7,
          'text-rotation': 'autorotate',
          'min-zoomed-font-size': 9,
          color: '#444',
        },
      },
      // Port labels on thousands of links cost a full redraw dearly: large graphs show them on the
      // links of the selected node only.
      { selector: large ? 'edge.near' : 'edge', style: { label: 'data(label)' } },
      { selector: 'edge.one-sided', style: { 'line-style': 'dashed' } },
      // A link aggregation is drawn once, thicker; hovering lists its member links.
      { selector: 'edge.lag', style: { width: 4 } },
      // A link spanning tree blocks carries no traffic: grey and dashed, the blocking port named on hover.
      { selector: 'edge.blocked', style: { 'line-style': 'dashed', 'line-color': '#c4c4c4', opacity: 0.8 } },
      {
        selector: 'edge.tree',
        style: {
          'target-arrow-shape': 'triangle',
          'line-color': '#c47f00',
          'target-arrow-color': '#c47f00',
          'curve-style': 'bezier',
        },
      },
      // Multicast overlay: listeners ringed in the tree's amber, test agents haloed in violet.
      {
        selector: 'node.listeners',
        style: { 'border-width': 4, 'border-color': '#c47f00', 'border-style': 'double' },
      },
      {
        selector: 'node.tested',
        style: {
          'underlay-color': '#8f4fa8',
          'underlay-padding': 7,
          'underlay-opacity': 0.35,
          'underlay-shape': 'ellipse',
        },
      },
      { selector: 'node.added', style: { 'background-color': '#2e9d3a' } },
      { selector: 'edge.added', style: { 'line-color': '#2e9d3a', width: 3 } },
      { selector: 'node.removed', style: { 'background-color': '#d33', opacity: 0.6 } },
      { selector: 'edge.removed', style: { 'line-color': '#d33', 'line-style': 'dotted', width: 3 } },
      { selector: '.changed', style: { 'border-color': '#1f5fd6', 'border-width': 3 } },
      { selector: '.hit', style: { 'border-width': 4, 'border-color': '#ffb000', 'z-index': 10 } },
      { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#000' } },
    ],
  });
  cy.on('tap', 'node', (ev) => opts.onSelect?.(ev.target.id()));
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
  if (!positionsCover(graph, saved)) cy.one('layoutstop', () => opts.onMoved?.(positions()));
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
    png: () => cy.png({ output: 'blob', full: true, bg: '#ffffff' }) as unknown as Blob,
    destroy: () => cy.destroy(),
  };
}
