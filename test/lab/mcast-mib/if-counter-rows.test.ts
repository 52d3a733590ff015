// The pass_persist backend's IF-MIB counter rows, read back the way per-hop localisation reads a hop
// (the GET of shared/src/snmp/hop-counters.ts): nftables multicast counts where the lab keeps them, the
// kernel's statistics elsewhere, Counter32 columns wrapped.
import { describe, expect, it } from 'vitest';
import { hopCounterOids, hopCountersOf } from '../../../shared/src/snmp/hop-counters.ts';
import { ifCounterRows, type KernelCounterState } from './if-counter-rows.ts';

const stats = (ifname: string, ifIndex: number, rx: number[], tx: number[]) => ({
  ifname,
  ifIndex,
  rx: { packets: rx[0]!, errors: rx[1]!, dropped: rx[2]!, multicast: rx[3]! },
  tx: { packets: tx[0]!, errors: tx[1]!, dropped: tx[2]! },
});
const state: KernelCounterState = {
  interfaces: [
    stats('p-h3', 11, [8, 0, 1, 0], [2_000, 3, 2 ** 32 + 5]),
    stats('p-h1', 7, [5_000, 2, 4, 0], [26, 0, 0]),
  ],
  multicast: { 'p-h1': { rx: 4_900, tx: 3 }, 'p-h3': { rx: 2 } },
};
const rows = ifCounterRows(state);
const values = new Map<string, unknown>(
  rows.map((r) => [r.oid.join('.'), r.type === 'counter64' ? BigInt(r.value) : Number(r.value)]),
);

describe('interface statistics as IF-MIB counter rows', () => {
  it('serves the six columns per interface in OID order, Counter32 ones wrapped', () => {
    expect(rows.map((r) => `${r.oid.slice(6).join('.')} ${r.type} ${r.value}`)).toEqual([
      '2.2.1.13.7 counter 4',
      '2.2.1.13.11 counter 1',
      '2.2.1.14.7 counter 2',
      '2.2.1.14.11 counter 0',
      '2.2.1.19.7 counter 0',
      '2.2.1.19.11 counter 5',
      '2.2.1.20.7 counter 0',
      '2.2.1.20.11 counter 3',
      '31.1.1.1.8.7 counter64 4900',
      '31.1.1.1.8.11 counter64 2',
      '31.1.1.1.12.7 counter64 3',
      '31.1.1.1.12.11 counter64 2000',
    ]);
  });

  it('reads back as a hop’s counters: multicast in from nftables, out as total tx where none is counted', () => {
    const hop = { inIfIndex: 7, outIfIndex: 11 };
    expect(hopCounterOids(hop).every((o) => values.has(o))).toBe(true);
    expect(hopCountersOf(values, hop)).toEqual({
      inPkts: 4_900n,
      outPkts: 2_000n,
      inDrops: 6n,
      outDrops: 8n,
    });
  });
});
