import { describe, expect, it } from 'vitest';
import type { Graph } from '@netspotter/shared/api';
import { toDrawio, toGraphml, toSvg, type Drawing } from './export-formats.ts';
import { mapKey } from './map-key.ts';

const drawing: Drawing = {
  nodes: [
    { id: 'sw1', label: 'core <1>', role: 'switch', managed: true, x: 0, y: 0 },
    { id: 'r1', label: 'edge & co', role: 'router', managed: true, x: 100, y: 50 },
    { id: 'n1', label: 'phone', role: 'host', managed: false, x: -80, y: 40 },
  ],
  edges: [
    { id: 'e1', source: 'sw1', target: 'r1', label: 'Gi0/1 — Et1' },
    { id: 'e2', source: 'sw1', target: 'n1', label: '', dashed: true },
    { id: 'e3', source: 'sw1', target: 'gone', label: 'x' },
  ],
};
const graph: Graph = {
  nodes: [
    { id: 'sw1', label: 'core', role: 'switch', managed: true, addresses: [] },
    { id: 'n1', label: 'phone', role: 'host', managed: false, addresses: [] },
  ],
  edges: [{ id: 'e2', source: 'sw1', target: 'n1', confirmed: false, evidence: ['fdb'], blocked: true }],
} as unknown as Graph;

describe('map exports', () => {
  it('lists in the key only what the map holds', () => {
    const labels = mapKey(graph).map((k) => k.label);
    expect(labels).toEqual([
      'switch',
      'neighbour not polled',
      'link seen from both ends',
      'link seen from one end',
      'blocked by spanning tree',
    ]);
    expect(mapKey(graph, { diff: new Set(['removed']) }).map((k) => k.label)).toContain('removed');
    expect(mapKey(graph, { groupedBy: 'site' }).map((k) => k.label)).toContain(
      'one site: a click closes or opens it',
    );
  });

  it('draws every node where it was placed, escaped, with the key and caption', () => {
    const svg = toSvg(drawing, mapKey(graph), 'L2 · snapshot of 2026-12-04 22:00');
    expect(svg.match(/<g data-id=/g)).toHaveLength(3);
    expect(svg).toContain('core &lt;1&gt;');
    expect(svg).toContain('edge &amp; co');
    expect(svg.match(/<line /g)!.length).toBe(2 + 3); // two drawable links (one end missing), three link kinds in the key
    expect(svg).toContain('L2 · snapshot of 2026-12-04 22:00');
    expect(svg).toContain('blocked by spanning tree');
  });

  it('writes GraphML and draw.io with the nodes, their positions and the drawable links', () => {
    const gml = toGraphml(drawing);
    expect(gml.match(/<node /g)).toHaveLength(3);
    expect(gml.match(/<edge /g)).toHaveLength(3);
    expect(gml).toContain('<data key="x">100</data>');
    const dio = toDrawio(drawing, 'L2');
    expect(dio.match(/vertex="1"/g)).toHaveLength(3);
    expect(dio.match(/edge="1"/g)).toHaveLength(2);
    expect(dio).toContain('value="Gi0/1 — Et1"');
    expect(dio).toContain('rhombus;dashed=1');
  });
});
