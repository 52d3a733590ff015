import { describe, expect, it } from 'vitest';
import { mergeForDiff } from './diff.ts';
import { matchNodes, positionsCover, toElements, type Graph } from './graph.ts';

const g: Graph = {
  layer: 'l2',
  nodes: [
    { id: 'r1', label: 'core-r1', role: 'router', managed: true, addresses: ['2001:db8::1'] },
    { id: 's1', label: 'access-s1', role: 'switch', managed: true, addresses: ['2001:db8::2'] },
    { id: 'u1', label: 'phone', role: 'unmanaged', managed: false, addresses: [] },
  ],
  edges: [
    {
      id: 'e1',
      source: 'r1',
      target: 's1',
      sourcePort: 'ge-0/0/1',
      targetPort: 'Gi1/0/48',
      evidence: ['lldp'],
      confirmed: true,
    },
    { id: 'e2', source: 's1', target: 'u1', sourcePort: 'Gi1/0/3', evidence: ['lldp'], confirmed: false },
    { id: 'e3', source: 's1', target: 'gone', evidence: ['fdb'], confirmed: false },
  ],
};

describe('toElements', () => {
  it('keeps roles, labels links with both port names and drops edges to missing nodes', () => {
    const els = toElements(g, { r1: { x: 5, y: 6 } });
    const r1 = els.find((e) => e.data.id === 'r1')!;
    expect(r1.data.role).toBe('router');
    expect(r1.position).toEqual({ x: 5, y: 6 });
    expect(els.find((e) => e.data.id === 'e1')!.data.label).toBe('ge-0/0/1 — Gi1/0/48');
    expect(els.find((e) => e.data.id === 'e2')!.classes).toBe('one-sided');
    expect(els.find((e) => e.data.id === 'u1')!.classes).toBe('unmanaged');
    expect(els.some((e) => e.data.id === 'e3')).toBe(false);
  });
  it('uses saved positions only when they cover every node', () => {
    expect(positionsCover(g, { r1: { x: 0, y: 0 } })).toBe(false);
    expect(positionsCover(g, { r1: { x: 0, y: 0 }, s1: { x: 1, y: 1 }, u1: { x: 2, y: 2 } })).toBe(true);
  });
  it('finds nodes by name or address', () => {
    expect(matchNodes(g, 'ACCESS').map((n) => n.id)).toEqual(['s1']);
    expect(matchNodes(g, 'db8::1').map((n) => n.id)).toEqual(['r1']);
    expect(matchNodes(g, ' ')).toEqual([]);
  });
});

describe('mergeForDiff', () => {
  it('adds what disappeared and marks every change', () => {
    const newer: Graph = { ...g, nodes: g.nodes.filter((n) => n.id !== 'u1'), edges: [g.edges[0]!] };
    const older: Graph = { ...g, edges: [g.edges[1]!] };
    const { graph, marks } = mergeForDiff(older, newer, {
      devices: { added: [], removed: ['u1'], changed: [{ id: 'r1' }] },
      links: { added: ['e1'], removed: ['e2'], changed: [] },
    });
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(['r1', 's1', 'u1']);
    expect(graph.edges.map((e) => e.id).sort()).toEqual(['e1', 'e2']);
    expect(Object.fromEntries(marks)).toEqual({ e1: 'added', u1: 'removed', e2: 'removed', r1: 'changed' });
  });
});
