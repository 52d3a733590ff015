// Bundled into a bare page for the topology budget test: mounts the real canvas component and
// measures in the browser how long drawing, panning, zooming and selecting take.
import { topologyCanvas, type TopologyCanvas } from '../../src/topology/canvas.ts';
import type { Graph } from '../../src/topology/graph.ts';
import { groupGraph, type GroupBy } from '../../src/topology/grouping.ts';

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
/** Two animation frames: the one the change was scheduled in, and the one that painted it. */
const painted = async () => {
  await frame();
  await frame();
};

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p95: at(0.95), max: s.at(-1)!, n: s.length };
}

let canvas: TopologyCanvas | undefined;

async function mount(graph: Graph) {
  const t0 = performance.now();
  canvas = topologyCanvas(document.getElementById('cy')!, graph);
  await painted();
  return { drawMs: performance.now() - t0, nodes: canvas.cy.nodes().length, edges: canvas.cy.edges().length };
}

/**
 * The map as the view draws it with grouping on, from the API's JSON text arriving to cytoscape's
 * first `render` event: parsing, grouping, placing and the first frame.
 */
async function mountGrouped(json: string, by: GroupBy, toggled: string[] = []) {
  canvas?.destroy();
  const t0 = performance.now();
  const graph = JSON.parse(json) as Graph;
  const grouped = groupGraph(graph, by, new Set(toggled));
  const groupMs = performance.now() - t0;
  canvas = topologyCanvas(document.getElementById('cy')!, graph, { grouped });
  await new Promise<void>((r) => canvas!.cy.one('render', () => r()));
  const drawMs = performance.now() - t0;
  await painted();
  const cy = canvas.cy;
  return {
    drawMs,
    groupMs,
    nodes: cy.nodes().length,
    edges: cy.edges().length,
    boxes: cy.nodes('.group-box').length,
    closed: cy.nodes('.group-box.collapsed').length,
    bundles: cy.nodes('.bundle').length,
  };
}

/** Moves the viewport once per frame, like a drag or a wheel spin: the frame intervals meanwhile. */
async function continuous(frames: number, move: (i: number) => void) {
  const ms: number[] = [];
  let last = performance.now();
  for (let i = 0; i < frames; i++) {
    move(i);
    await frame();
    const now = performance.now();
    ms.push(now - last);
    last = now;
  }
  // After the motion the full-quality redraw (edges, labels) follows: how long until it is painted.
  const t = performance.now();
  await new Promise((r) => setTimeout(r, 300)); // the renderer's own "motion ended" delay
  await painted();
  return { frames: stats(ms), settleMs: performance.now() - t };
}

async function measure(frames: number) {
  const cy = canvas!.cy;
  const pan = await continuous(frames, (i) =>
    cy.panBy({ x: i < frames / 2 ? 12 : -12, y: i < frames / 2 ? 6 : -6 }),
  );
  const zoom = await continuous(frames, (i) =>
    cy.zoom({ level: cy.zoom() * (i < frames / 2 ? 1.04 : 1 / 1.04), renderedPosition: { x: 600, y: 400 } }),
  );
  const nodes = cy.nodes();
  const ms: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    nodes.unselect();
    nodes[(i * 197) % nodes.length]!.select();
    await painted();
    ms.push(performance.now() - t);
  }
  return { pan, zoom, select: stats(ms) };
}

Object.assign(window, { topologyBudget: { mount, mountGrouped, measure } });
