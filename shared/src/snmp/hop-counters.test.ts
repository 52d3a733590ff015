import { describe, expect, it } from 'vitest';
import { hopCounterOids, hopCountersOf } from './hop-counters.ts';

describe('hop counters', () => {
  it('asks only for the interfaces the hop has', () => {
    expect(hopCounterOids({ outIfIndex: 7 })).toEqual([
      '1.3.6.1.2.1.31.1.1.1.12.7',
      '1.3.6.1.2.1.2.2.1.19.7',
      '1.3.6.1.2.1.2.2.1.20.7',
    ]);
    expect(hopCounterOids({})).toEqual([]);
  });

  it('sums discards and errors, keeps missing counters undefined', () => {
    const values = new Map<string, unknown>([
      ['1.3.6.1.2.1.31.1.1.1.8.1', 123n],
      ['1.3.6.1.2.1.2.2.1.13.1', 4],
      ['1.3.6.1.2.1.2.2.1.14.1', 5],
      ['1.3.6.1.2.1.2.2.1.20.2', 2],
    ]);
    expect(hopCountersOf(values, { inIfIndex: 1, outIfIndex: 2 })).toEqual({
      inPkts: 123n,
      inDrops: 9n,
      outDrops: 2n,
    });
  });

  it('on the last hop reads the listener row of the group on the out interface: absent means no listener', () => {
    const h = { outIfIndex: 9, listenerGroup: 'ff3e::db8:14d1' };
    const row = '1.3.6.1.2.1.185.1.4.1.10.2.16.255.62.0.0.0.0.0.0.0.0.0.0.13.184.20.209.9';
    expect(hopCounterOids(h)).toEqual([
      '1.3.6.1.2.1.31.1.1.1.12.9',
      '1.3.6.1.2.1.2.2.1.19.9',
      '1.3.6.1.2.1.2.2.1.20.9',
      row,
    ]);
    const counters = new Map<string, unknown>([['1.3.6.1.2.1.31.1.1.1.12.9', 7n]]);
    expect(hopCountersOf(counters, h)).toEqual({ outPkts: 7n, listener: false });
    expect(hopCountersOf(new Map([...counters, [row, 1]]), h)).toEqual({ outPkts: 7n, listener: true });
    // Without the group (not the last hop, or a device serving no listener rows) nothing is said.
    expect(hopCountersOf(counters, { outIfIndex: 9 })).toEqual({ outPkts: 7n });
  });

  it("reads the MLD-MIB cache row instead when the device's listener rows came from mldCacheTable", () => {
    const h = { outIfIndex: 9, listenerGroup: 'ff3e::db8:14d1', listenerMib: 'mld' as const };
    const row = '1.3.6.1.2.1.91.1.2.1.3.255.62.0.0.0.0.0.0.0.0.0.0.13.184.20.209.9';
    expect(hopCounterOids(h).at(-1)).toBe(row);
    expect(hopCountersOf(new Map([[row, 2]]), h)).toEqual({ listener: true });
    expect(hopCountersOf(new Map(), h)).toEqual({ listener: false });
  });

  it("on a router hop reads the flow's route: its packets as the in point, its next hop's state on the out interface", () => {
    const g = '2.16.255.62.0.0.0.0.0.0.0.0.0.0.0.0.18.52';
    const src = '2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.17';
    const sg = { inIfIndex: 1, outIfIndex: 2, route: { group: 'ff3e::1234', source: '2001:db8:1::11' } };
    const pkts = `1.3.6.1.2.1.168.1.5.1.19.${g}.128.${src}.128`;
    const state = `1.3.6.1.2.1.168.1.6.1.10.${g}.128.${src}.128.2.${g}`;
    expect(hopCounterOids(sg).slice(-2)).toEqual([pkts, state]);
    // (*,G): the unknown source, zero length, prefix length 0.
    expect(hopCounterOids({ route: { group: 'ff3e::1234' } })).toEqual([
      `1.3.6.1.2.1.168.1.5.1.19.${g}.128.0.0.0`,
    ]);
    const ifIn = new Map<string, unknown>([['1.3.6.1.2.1.31.1.1.1.8.1', 5000n]]);
    expect(hopCountersOf(new Map([...ifIn, [pkts, 40n], [state, 2]]), sg)).toMatchObject({
      inPkts: 40n,
      forwarding: true,
    });
    // The outgoing interface gone from the route (a pruned next hop reads the same).
    expect(hopCountersOf(new Map([...ifIn, [pkts, 40n]]), sg)).toMatchObject({
      inPkts: 40n,
      forwarding: false,
    });
    expect(hopCountersOf(new Map([...ifIn, [pkts, 40n], [state, 1]]), sg).forwarding).toBe(false);
    // A router that answers no route row: interface counters only, nothing said of next hops.
    expect(hopCountersOf(ifIn, sg)).toEqual({ inPkts: 5000n });
  });
});
