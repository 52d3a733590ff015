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
});
