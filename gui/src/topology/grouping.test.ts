import { describe, expect, it } from 'vitest';
import type { Graph, GraphEdge, GraphNode } from './graph.ts';
import { gridPositions, groupedElements, groupGraph, subnetOf } from './grouping.ts';

const dev = (id: string, site?: string, address?: string): GraphNode => ({
  id,
  label: id,
  role: 'switch',
  managed: true,
  addresses: address ? [address] : [],
  ...(site && { site }),
});
const phone = (id: string): GraphNode => ({
  id,
  label: id,
  role: 'unmanaged',
  managed: false,
  addresses: [],
});
const link = (id: string, source: string, target: string, sourcePort?: string): GraphEdge => ({
  id,
  source,
  target,
  ...(sourcePort && { sourcePort }),
  evidence: ['lldp'],
  confirmed: true,
});

// Two sites: a and b in Paris, c in Lyon; three phones on a's Gi1/0/5, one on a's Gi1/0/6.
const g: Graph = {
  layer: 'l2',
  nodes: [
    dev('a', 'Paris', '2001:db8:1::1/64'),
    dev('b', 'Paris', 'fe80::2%eth0'),
    dev('c', 'Lyon', '2001:db8:2::1'),
    phone('p1'),
    phone('p2'),
    phone('p3'),
    phone('p4'),
  ],
  edges: [
    link('ab', 'a', 'b'),
    link('bc', 'b', 'c'),
    link('ac', 'a', 'c'),
    link('a-p1', 'a', 'p1', 'Gi1/0/5'),
    link('a-p2', 'a', 'p2', 'Gi1/0/5'),
    link('p3-a', 'p3', 'a'),
    link('a-p4', 'a', 'p4', 'Gi1/0/6'),
  ],
};
// p3's link runs the other way: its port on a is the link's target port.
g.edges[5] = { ...g.edges[5]!, targetPort: 'Gi1/0/5' };

describe('subnetOf', () => {
  it('takes the prefix length given, else /64 or /24', () => {
    expect(subnetOf('2001:db8:1:0:5::1/64')).toBe('2001:db8:1::/64');
    expect(subnetOf('2001:DB8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(subnetOf('2001:db8:1:2::9/48')).toBe('2001:db8:1::/48');
    expect(subnetOf('192.0.2.77')).toBe('192.0.2.0/24');
    expect(subnetOf('192.0.2.77/30')).toBe('192.0.2.76/30');
    expect(subnetOf('::ffff:192.0.2.7')).toBe('192.0.2.0/24');
    expect(subnetOf('not an address')).toBeUndefined();
    expect(subnetOf('192.0.2.1/40')).toBeUndefined();
  });
});

describe('groupGraph', () => {
  it('bundles neighbours hanging off one port, by default, and leaves a lone one alone', () => {
    const r = groupGraph(g, 'none');
    expect([...r.bundles]).toEqual([['neighbours:a:Gi1/0/5', ['p1', 'p2', 'p3']]]);
    expect(r.graph.nodes.map((n) => n.id)).toEqual(['a', 'b', 'c', 'p4', 'neighbours:a:Gi1/0/5']);
    const bundle = r.graph.nodes.at(-1)!;
    expect(bundle).toMatchObject({ label: '3 neighbours', role: 'unmanaged', managed: false });
    expect(r.graph.edges.find((e) => e.target === bundle.id)).toMatchObject({
      source: 'a',
      sourcePort: 'Gi1/0/5',
      confirmed: true,
    });
    expect(r.graph.edges.some((e) => ['p1', 'p2', 'p3'].includes(e.target) || e.source === 'p3')).toBe(false);
    expect(r.boxes).toEqual([]);
    expect(r.parent.size).toBe(0);
  });

  it('opens a bundle the user toggled, framed so that a click closes it again', () => {
    const toggled = new Set(['neighbours:a:Gi1/0/5']);
    const r = groupGraph(g, 'none', toggled);
    expect(r.bundles.size).toBe(0);
    expect([...r.opened]).toEqual([['neighbours:a:Gi1/0/5', ['p1', 'p2', 'p3']]]);
    expect(r.graph.nodes).toHaveLength(7);
    expect(r.graph.edges).toHaveLength(7);
    const els = groupedElements(groupGraph(g, 'site', toggled));
    const frame = els.find((e) => e.data.id === 'neighbours:a:Gi1/0/5');
    expect(frame).toMatchObject({ classes: 'group-box bundle-open', data: { parent: 'group:site:Paris' } });
    expect(els.filter((e) => e.data.parent === frame!.data.id).map((e) => e.data.id)).toEqual([
      'p1',
      'p2',
      'p3',
    ]);
    // The frame comes after its box and before its members.
    const at = (id: string) => els.findIndex((e) => e.data.id === id);
    expect(at('group:site:Paris')).toBeLessThan(at(frame!.data.id!));
    expect(at(frame!.data.id!)).toBeLessThan(at('p1'));
  });

  it('boxes nodes by site; a node without one joins its neighbour', () => {
    const r = groupGraph(g, 'site');
    expect(r.boxes).toEqual([
      { id: 'group:site:Paris', label: 'Paris', size: 4, collapsed: false },
      { id: 'group:site:Lyon', label: 'Lyon', size: 1, collapsed: false },
    ]);
    expect(Object.fromEntries(r.parent)).toEqual({
      a: 'group:site:Paris',
      b: 'group:site:Paris',
      c: 'group:site:Lyon',
      p4: 'group:site:Paris',
      'neighbours:a:Gi1/0/5': 'group:site:Paris',
    });
  });

  it('boxes nodes by subnet, ignoring link-local addresses', () => {
    const r = groupGraph(g, 'subnet');
    expect(r.boxes.map((b) => [b.label, b.size])).toEqual([
      ['2001:db8:1::/64', 4],
      ['2001:db8:2::/64', 1],
    ]);
    // b has only a link-local address: it joins the box of its first neighbour with one (a).
    expect(r.parent.get('b')).toBe('group:subnet:2001:db8:1::/64');
  });

  it('collapses a box into one node carrying its links to the rest, counted', () => {
    const r = groupGraph(g, 'site', new Set(['group:site:Paris']));
    expect(r.graph.nodes.map((n) => n.id).sort()).toEqual(['c', 'group:site:Paris']);
    expect(r.graph.nodes.find((n) => n.id === 'group:site:Paris')?.label).toBe('Paris · 4 nodes');
    expect(r.graph.edges).toHaveLength(1);
    const e = r.graph.edges[0]!;
    expect([[e.source, e.target].sort(), e.subnet]).toEqual([['c', 'group:site:Paris'], '2 links']);
    expect(r.boxes.find((b) => b.id === 'group:site:Paris')?.collapsed).toBe(true);
    expect(r.parent.get('c')).toBe('group:site:Lyon');
  });

  it('starts with every box closed on a map over the limit; a toggled one opens', () => {
    const r = groupGraph(g, 'site', new Set(['group:site:Lyon']), 4);
    expect(r.boxes.map((b) => [b.label, b.collapsed])).toEqual([
      ['Paris', true],
      ['Lyon', false],
    ]);
    expect(r.graph.nodes.map((n) => n.id).sort()).toEqual(['c', 'group:site:Paris']);
  });
});

describe('grid layout and elements', () => {
  it('places every drawn node once, boxes apart from each other', () => {
    const r = groupGraph(g, 'site');
    const p = gridPositions(r);
    expect(Object.keys(p).sort()).toEqual(r.graph.nodes.map((n) => n.id).sort());
    const inBox = (box: string) =>
      r.graph.nodes.filter((n) => r.parent.get(n.id) === box).map((n) => p[n.id]!);
    const [paris, lyon] = [inBox('group:site:Paris'), inBox('group:site:Lyon')];
    const right = Math.max(...paris.map((q) => q.x));
    expect(lyon.every((q) => q.x > right || q.y > Math.max(...paris.map((s) => s.y)))).toBe(true);
    const distinct = new Set(Object.values(p).map((q) => `${q.x},${q.y}`));
    expect(distinct.size).toBe(Object.keys(p).length);
  });

  it('gives cytoscape parents before children, bundles and closed boxes marked', () => {
    const open = groupedElements(groupGraph(g, 'site'));
    const ids = open.map((e) => e.data.id);
    expect(open[0]).toMatchObject({ data: { id: 'group:site:Paris' }, classes: 'group-box' });
    expect(ids.indexOf('group:site:Lyon')).toBeLessThan(ids.indexOf('c'));
    expect(open.find((e) => e.data.id === 'a')?.data.parent).toBe('group:site:Paris');
    expect(open.find((e) => e.data.id === 'neighbours:a:Gi1/0/5')?.classes).toContain('bundle');
    const closed = groupedElements(groupGraph(g, 'site', new Set(['group:site:Lyon'])));
    expect(closed.find((e) => e.data.id === 'group:site:Lyon')?.classes).toContain('group-box collapsed');
    // Open boxes take their place from their members; every other node is placed.
    expect(closed.filter((e) => e.group === 'nodes' && !e.position).map((e) => e.data.id)).toEqual([
      'group:site:Paris',
    ]);
  });
});
