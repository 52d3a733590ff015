import { describe, expect, it } from 'vitest';
import { CELL_STATES, MATRIX_FIELDS, matrixColumns } from '@netspotter/shared/api';
import type { Graph } from './graph.ts';
import { agentNodes, monitorMarks } from './monitor-overlay.ts';

const graph: Graph = {
  layer: 'l3',
  nodes: [
    { id: 'n1', label: 'host-1', role: 'host', managed: true, addresses: ['2001:db8::11'] },
    { id: 'n2', label: 'host-2', role: 'host', managed: true, addresses: ['2001:db8::21'] },
    { id: 'n3', label: 'host-3', role: 'host', managed: true, addresses: ['2001:db8::31'] },
  ],
  edges: [],
};
const agent = (id: string, address: string | null, lastAddress: string | null = null) => ({
  id,
  lastAddress,
  facts: address
    ? {
        hostname: id,
        os: 'linux',
        arch: 'x64',
        agentVersion: '1',
        engine: 'kernel',
        capabilities: { rawPackets: false, engines: [] },
        interfaces: [{ name: 'eth0', addresses: ['fe80::1/64', `${address}/64`] }],
      }
    : null,
});
const row = (source: number, receiver: number, state: (typeof CELL_STATES)[number]) =>
  MATRIX_FIELDS.map((f) =>
    f === 'source' ? source : f === 'receiver' ? receiver : f === 'state' ? CELL_STATES.indexOf(state) : null,
  );

describe('a monitor on the map', () => {
  it('places agents on the nodes carrying their interface or last address, and leaves out the rest', () => {
    const nodes = agentNodes(graph, [
      agent('a1', '2001:db8::11'),
      agent('a2', null, '2001:db8::21'),
      agent('a9', '2001:db8::99'),
    ]);
    expect([...nodes]).toEqual([
      ['a1', 'n1'],
      ['a2', 'n2'],
    ]);
  });

  it("fills each receiver's node with its worst cell and rings both ends of a lost cell", () => {
    const nodeOf = new Map([
      ['a1', 'n1'],
      ['a2', 'n2'],
      ['a3', 'n3'],
    ]);
    const agents = [
      { id: 'a1', name: 'h1', address: null },
      { id: 'a2', name: 'h2', address: null },
      { id: 'a3', name: 'h3', address: null },
    ];
    const marks = monitorMarks(
      {
        states: [...CELL_STATES],
        groups: [
          {
            id: 'g',
            kind: 'beacon',
            mode: 'asm',
            group: 'ff0e::1',
            port: 1,
            source: null,
            sources: agents,
            receivers: agents,
            ...matrixColumns([row(0, 1, 'ok'), row(0, 2, 'lost'), row(1, 2, 'ok'), row(2, 1, 'degraded')]),
          },
          {
            id: 's',
            kind: 'beacon',
            mode: 'ssm',
            group: 'ff3e::1',
            port: 1,
            source: '$h1',
            sources: [agents[0]!],
            receivers: [agents[1]!],
            ...matrixColumns([row(0, 0, 'ok')]),
          },
        ],
      },
      nodeOf,
    );
    expect(Object.fromEntries(marks)).toEqual({
      // h1 only sends here: no fill, but it is the source of the lost cell.
      n1: { agents: [], lostEnd: true },
      n2: { state: 'degraded', agents: ['h2 degraded'], lostEnd: false },
      n3: { state: 'lost', agents: ['h3 lost'], lostEnd: true },
    });
  });
});
