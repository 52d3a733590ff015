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
});
