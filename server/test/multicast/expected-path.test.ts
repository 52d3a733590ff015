// The expected path from a flow's source to one receiver, over the snapshot's tree and beyond it over L2.
import { describe, expect, it } from 'vitest';
import { expectedPath } from '../../src/multicast/expected-path.ts';
import { flowTopology, G, labFacts, route, S } from './support/fixture.ts';

describe('expectedPath', () => {
  it('follows the (S,G) tree: the router with its RPF interface and oif, then the snooping switch to the receiver port', () => {
    const t = flowTopology(labFacts());
    expect(expectedPath(t, { group: G, source: S }, { device: 'SW', ifIndex: 4 })).toEqual({
      flow: { group: G, source: S },
      tree: '(S,G)',
      reaches: true,
      hops: [
        {
          device: 'R1',
          kind: 'router',
          in: { ifIndex: 1, ifName: 'eth0' },
          out: [{ ifIndex: 2, ifName: 'eth1' }],
          onTree: true,
        },
        {
          device: 'SW',
          kind: 'switch',
          in: { ifIndex: 5, ifName: 'p5' },
          out: [{ ifIndex: 4, ifName: 'p4' }],
          onTree: true,
        },
      ],
    });
  });

  it('carries on over L2 to a switch the tree does not reach, marking those hops off the tree', () => {
    const t = flowTopology(labFacts());
    const p = expectedPath(t, { group: G, source: S }, { device: 'SW2', ifIndex: 2 });
    expect(p.reaches).toBe(true);
    expect(p.hops.map((h) => [h.device, h.in?.ifIndex, h.out.map((o) => o.ifIndex), h.onTree])).toEqual([
      ['R1', 1, [2], true],
      ['SW', 5, [7], true],
      ['SW2', 1, [2], false],
    ]);
  });

  it('an ASM flow (or a source no router routes) follows the group’s (*,G) tree', () => {
    const starG = route({ nextHops: [{ ifIndex: 2, state: 2 }] });
    delete starG.source;
    const t = flowTopology(labFacts({ routes: [starG] }));
    const p = expectedPath(t, { group: G, source: '2001:db8:9::9' }, { device: 'SW', ifIndex: 6 });
    expect(p.tree).toBe('(*,G)');
    expect(p.hops.map((h) => `${h.kind} ${h.device} ${h.in?.ifName}→${h.out[0]?.ifName}`)).toEqual([
      'router R1 eth0→eth1',
      'switch SW p5→p6',
    ]);
  });

  it('says why when the snapshot has no tree for the flow, or the receiver cannot be reached from it', () => {
    const t = flowTopology(labFacts());
    expect(expectedPath(t, { group: 'ff3e::99', source: S }, { device: 'SW' })).toMatchObject({
      tree: null,
      hops: [],
      reaches: false,
      reason: `the snapshot has no distribution tree for (${S}, ff3e::99)`,
    });
    expect(expectedPath(t, { group: G, source: S }, { device: 'elsewhere' })).toMatchObject({
      tree: '(S,G)',
      hops: [],
      reaches: false,
      reason: 'elsewhere is neither on the (S,G) tree nor reached from it over L2 links',
    });
  });

  it('a receiver on the first-hop router itself: one hop, entering at its RPF interface', () => {
    const t = flowTopology(labFacts());
    const p = expectedPath(t, { group: G, source: S }, { device: 'R1', ifIndex: 2 });
    expect(p.hops).toEqual([
      {
        device: 'R1',
        kind: 'router',
        in: { ifIndex: 1, ifName: 'eth0' },
        out: [{ ifIndex: 2, ifName: 'eth1' }],
        onTree: true,
      },
    ]);
  });
});
