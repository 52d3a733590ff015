// Events between two snapshots: reachability raised and cleared, links added and removed, STP port
// state changes, and tree changes (RPF moved, branches added and removed); nothing for equal snapshots.
import { describe, expect, it } from 'vitest';
import type { Link, MulticastOverlay } from '../discovery/result.ts';
import { snapshotEvents, type SnapshotView } from './snapshot-events.ts';

const link = (a: string, b: string, stpB?: 'forwarding' | 'blocking'): Link => ({
  layer: 'l2',
  a: { device: a, ifIndex: 1, ifName: 'eth1' },
  b: { device: b, ifIndex: 2, ifName: 'eth2', ...(stpB && { stp: stpB }) },
  evidence: ['lldp'],
  confirmed: true,
});
const multicast = (rpf: number, edges: [string, number, string?][]): MulticastOverlay =>
  ({
    groups: [],
    pimNeighbors: [],
    routes: [
      {
        device: 'r1',
        group: 'ff3e::1',
        groupPrefixLength: 128,
        source: '2001:db8::1',
        inIfIndex: rpf,
        oifs: [],
      },
    ],
    trees: [
      {
        group: 'ff3e::1',
        source: '2001:db8::1',
        edges: edges.map(([from, ifIndex, to]) => ({
          from: { device: from, ifIndex },
          to: to ? { device: to } : { listeners: 1 },
        })),
      },
    ],
  }) as unknown as MulticastOverlay;

const view = (over: Partial<SnapshotView>): SnapshotView => ({
  devices: [{ id: 'r1', targets: ['2001:db8::10'] }],
  links: [],
  unreachable: [],
  multicast: multicast(1, [['r1', 2, 'sw1']]),
  ...over,
});

describe('snapshotEvents', () => {
  it('raises and clears reachability per target, about the device that answered there', () => {
    const a = view({ unreachable: [{ target: '2001:db8::10', reason: 'timeout' }] });
    const b = view({ unreachable: [{ target: '2001:db8::11', reason: 'no credential answered' }] });
    expect(snapshotEvents(a, b, 5).map((e) => [e.kind, e.subject, e.condition])).toEqual([
      ['device-unreachable', 'device:2001:db8::11', 'raised'],
      ['device-unreachable', 'device:r1', 'cleared'],
    ]);
  });

  it('reports links added and removed and STP port state changes as changes', () => {
    const a = view({ links: [link('sw1', 'sw2', 'forwarding'), link('sw1', 'sw3')] });
    const b = view({ links: [link('sw1', 'sw2', 'blocking'), link('sw2', 'sw3')] });
    const ev = snapshotEvents(a, b, 5);
    expect(ev.every((e) => e.kind === 'topology-change' && e.condition === 'change')).toBe(true);
    expect(ev.map((e) => e.summary)).toEqual([
      'link added: sw2 eth1 – sw3 eth2',
      'link removed: sw1 eth1 – sw3 eth2',
      'STP: sw2 eth2 forwarding → blocking (link sw1 eth1 – sw2 eth2)',
    ]);
  });

  it('reports an RPF move and branches added and removed as one tree change; equal snapshots give nothing', () => {
    const a = view({
      multicast: multicast(1, [
        ['r1', 2, 'sw1'],
        ['sw1', 5],
      ]),
    });
    const b = view({
      multicast: multicast(3, [
        ['r1', 2, 'sw1'],
        ['sw1', 6],
      ]),
    });
    const ev = snapshotEvents(a, b, 5);
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({
      kind: 'tree-change',
      subject: 'tree:2001:db8::1,ff3e::1',
      condition: 'change',
      summary:
        'tree (2001:db8::1,ff3e::1): r1 RPF #1 → #3; branch added sw1 #6 → listeners; branch removed sw1 #5 → listeners',
    });
    expect(snapshotEvents(a, a, 5)).toEqual([]);
  });
});
