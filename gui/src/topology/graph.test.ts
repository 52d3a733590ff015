import { describe, expect, it } from 'vitest';
import type { TopologyDiff } from '@netspotter/shared/api';
import { mergeForDiff } from './diff.ts';
import { diffLines, linkWords } from './diff-text.ts';
import { matchNodes, nodeByAddress, positionsCover, toElements, type Graph } from './graph.ts';
import { testedGroups, testsGroup } from './tested-groups.ts';

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
  it('draws a link aggregation once, labelled with its member count and listing its members on hover', () => {
    const lag: Graph = {
      ...g,
      edges: [
        {
          id: 'lag',
          source: 'r1',
          target: 's1',
          sourcePort: 'ae0',
          targetPort: 'Po1',
          evidence: ['lldp'],
          confirmed: true,
          members: [
            { sourcePort: 'ge-0/0/1', targetPort: 'Gi1/0/47' },
            { sourcePort: 'ge-0/0/2', targetPort: 'Gi1/0/48' },
          ],
        },
      ],
    };
    const edges = toElements(lag).filter((e) => e.group === 'edges');
    expect(edges).toHaveLength(1);
    expect(edges[0]!.data.label).toBe('ae0 — Po1 · LAG ×2');
    expect(edges[0]!.data.title).toBe('LAG ×2\nge-0/0/1 — Gi1/0/47\nge-0/0/2 — Gi1/0/48');
    expect(edges[0]!.classes).toBe('confirmed lag');
  });
  it('draws a link spanning tree blocks as blocked, naming the blocking device and port on hover', () => {
    const stp: Graph = {
      ...g,
      edges: [
        {
          id: 'b',
          source: 'r1',
          target: 's1',
          sourcePort: 'ge-0/0/1',
          targetPort: 'Gi1/0/48',
          evidence: ['stp'],
          confirmed: true,
          sourceStp: 'forwarding',
          targetStp: 'blocking',
          blocked: true,
        },
        { ...g.edges[0]!, id: 'f', sourceStp: 'forwarding', targetStp: 'forwarding' },
      ],
    };
    const [blocked, forwarding] = toElements(stp).filter((e) => e.group === 'edges');
    expect(blocked!.classes).toBe('confirmed blocked');
    expect(blocked!.data.title).toBe('STP blocking on access-s1 Gi1/0/48');
    expect(forwarding!.classes).toBe('confirmed');
    expect(forwarding!.data.title).toBeUndefined();
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
  const none = { added: [], removed: [], changed: [] };
  const diff = (d: Partial<TopologyDiff>): TopologyDiff => ({
    devices: none,
    links: none,
    ports: [],
    notPolled: [],
    unverified: [],
    ...d,
  });
  it('adds what disappeared and marks every change', () => {
    const newer: Graph = { ...g, nodes: g.nodes.filter((n) => n.id !== 'u1'), edges: [g.edges[0]!] };
    const older: Graph = { ...g, edges: [g.edges[1]!] };
    const { graph, marks } = mergeForDiff(
      older,
      newer,
      diff({
        devices: { added: [], removed: ['u1'], changed: [{ id: 'r1', fields: ['sysName'] }] },
        links: { added: ['e1'], removed: ['e2'], changed: [] },
      }),
    );
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(['r1', 's1', 'u1']);
    expect(graph.edges.map((e) => e.id).sort()).toEqual(['e1', 'e2']);
    expect(Object.fromEntries(marks)).toEqual({
      e1: ['added'],
      u1: ['removed'],
      e2: ['removed'],
      r1: ['changed'],
    });
  });
  it('draws an unpolled device in place of its stand-in, its links unverified, a port change at its end', () => {
    // Older: r1 managed. Newer: r1 not polled; s1's LLDP names it, so the newer graph has stand-in x9.
    const older: Graph = { ...g, nodes: g.nodes.slice(0, 2), edges: [g.edges[0]!] };
    const newer: Graph = {
      ...g,
      nodes: [g.nodes[1]!, { id: 'x9', label: 'core-r1', role: 'unmanaged', managed: false, addresses: [] }],
      edges: [{ id: 'e9', source: 's1', target: 'x9', evidence: ['lldp'], confirmed: false }],
    };
    const { graph, marks } = mergeForDiff(
      older,
      newer,
      diff({
        notPolled: [{ id: 'r1', reason: 'not reached: timeout', standIn: 'x9' }],
        unverified: ['e1', 'e9'],
        ports: [
          {
            device: 's1',
            ifIndex: 3,
            port: 'Gi1/0/3',
            kind: 'state',
            from: 'up/up',
            to: 'up/down',
            link: { id: 'e9', side: 'source' },
          },
        ],
      }),
    );
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(['r1', 's1']);
    expect(graph.edges.find((e) => e.id === 'e9')).toMatchObject({ source: 's1', target: 'r1' });
    expect(Object.fromEntries(marks)).toEqual({
      r1: ['unpolled'],
      e1: ['unverified'],
      e9: ['unverified', 'changed', 'changed-source'],
    });
  });
});

describe('diffLines', () => {
  const names = new Map([
    ['A', 'sw-a'],
    ['B', 'sw-b'],
    ['02:00:00:00:00:0c', 'core'],
  ]);
  it('says each change in words, naming ports and the elements to show', () => {
    const lines = diffLines(
      {
        devices: { added: ['B'], removed: [], changed: [] },
        links: { added: [], removed: [], changed: [{ id: 'l2|A:Po10|B:Po20', fields: ['members'] }] },
        ports: [
          {
            device: 'A',
            ifIndex: 2,
            port: 'p2',
            kind: 'state',
            from: 'up/up',
            to: 'up/down',
            link: { id: 'l2|A:Po10|B:Po20', side: 'source' },
          },
        ],
        notPolled: [{ id: 'C', name: 'core', reason: 'not polled in this run' }],
        unverified: ['l2|A:p3|C:xe-0/0/1'],
      },
      names,
    );
    expect(lines.map((l) => l.text)).toEqual([
      'core not polled (not polled in this run); 1 link unverified',
      'device sw-b appeared',
      'link sw-a Po10 — sw-b Po20 (l2) changed: members',
      'port sw-a p2 on link sw-a Po10 — sw-b Po20 (l2): up/up → up/down (admin/oper)',
    ]);
    expect(lines[3]!.ids).toEqual(['l2|A:Po10|B:Po20']);
  });
  it('keeps the colons of IPv6 and interface names inside an end', () => {
    expect(linkWords('l3|A:ge-0/0/1:0|B:', names)).toBe('sw-a ge-0/0/1:0 — sw-b (l3)');
    expect(linkWords('l2|02:00:00:00:00:0c:Gi0/1|A:p1', names)).toBe('core Gi0/1 — sw-a p1 (l2)');
  });
});

describe('multicast overlay', () => {
  const mc: Graph = {
    layer: 'multicast',
    nodes: [
      { id: 'r1', label: 'core-r1', role: 'router', managed: true, addresses: [], listeners: 2 },
      { id: 's1', label: 'access-s1', role: 'switch', managed: true, addresses: [] },
    ],
    edges: [],
  };
  it('labels listener counts and marks listeners and the nodes of test agents', () => {
    const els = toElements(mc, {}, new Set(['s1']));
    expect(els.find((e) => e.data.id === 'r1')).toMatchObject({
      data: { label: 'core-r1 · 2 listeners' },
      classes: 'listeners',
    });
    expect(els.find((e) => e.data.id === 's1')).toMatchObject({
      data: { label: 'access-s1' },
      classes: 'tested',
    });
  });

  it('finds a node by address whatever the prefix, zone or case', () => {
    const find = nodeByAddress(g);
    expect(find('2001:DB8::2/64')?.id).toBe('s1');
    expect(find('2001:db8::1%eth0')?.id).toBe('r1');
    expect(find('2001:db8::9')).toBeUndefined();
  });

  it('knows the groups a load or sequence task tests, and which belong on a group’s overlay', () => {
    expect(testedGroups('load', { group: 'FF3E::1234' })).toEqual(['ff3e::1234']);
    expect(testedGroups('convergence', { group: 'ff3e::db8:14c1' })).toEqual(['ff3e::db8:14c1']);
    const def = {
      participants: [{ name: 'h1', agent: 'a', interface: 'eth0' }],
      steps: [
        { op: 'join' as const, at: 'h1', group: 'ff3e::1' },
        {
          op: 'send' as const,
          from: 'h1',
          message: {
            template: 'ethernet',
            values: { body: { template: 'ipv6', values: { dst: 'ff3e::2' } } },
          },
        },
        { op: 'send' as const, from: 'h1', message: { template: 'ipv6', values: { dst: '2001:db8::5' } } },
      ],
    };
    expect(testedGroups('sequence', { sequenceId: 'x' }, def)).toEqual(['ff3e::1', 'ff3e::2']);
    expect(testedGroups('discovery', {})).toEqual([]);
    expect(testsGroup(['ff3e::1'], 'FF3E::1')).toBe(true);
    expect(testsGroup(['ff3e::1'], 'ff3e::9')).toBe(false);
    expect(testsGroup(['ff3e::1'], ' ')).toBe(true);
    expect(testsGroup([], '')).toBe(false);
  });
});
