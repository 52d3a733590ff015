// The localisation rule over recorded counter series: a clean stop, a counter wrap, a device that stops
// answering, two faults at once, a reset, and paths where nothing can be named.
import { describe, expect, it } from 'vitest';
import { counterDelta, localise, type HopSample, type PathSeries } from './localise.ts';

const MAX64 = (1n << 64n) - 1n;
/** Polls every 30 s of a point counting `rates` packets per interval from `start`. */
function series(start: bigint, rates: number[], extra: (i: number) => Partial<HopSample> = () => ({})) {
  let v = start;
  return [start, ...rates].map((r, i) => {
    if (i > 0) v = (v + BigInt(r)) & MAX64;
    return { at: i * 30_000, ...extra(i), v };
  });
}
/** A hop whose in and out points follow the given per-interval rates. */
function hop(inRates: number[], outRates: number[], start = 1000n): HopSample[] {
  const a = series(start, inRates);
  const b = series(start, outRates);
  return a.map((s, i) => ({ at: s.at, inPkts: s.v, outPkts: b[i]!.v }));
}

const path = (receiver: string, devices: string[], samples: (HopSample | undefined)[][]): PathSeries => ({
  receiver,
  hops: devices.map((device) => ({ device, inInterface: `${device}-in`, outInterface: `${device}-out` })),
  samples,
});

describe('counterDelta', () => {
  it('takes increases, one wrap of a 64- or 32-bit counter, and treats a reset as unknown', () => {
    expect(counterDelta(10n, 25n)).toBe(15n);
    expect(counterDelta(MAX64 - 4n, 5n)).toBe(10n);
    expect(counterDelta(0xffff_fff0n, 0x10n, 32)).toBe(0x20n);
    expect(counterDelta(1_000_000n, 3n, 32)).toBeUndefined();
    expect(counterDelta(undefined, 3n)).toBeUndefined();
  });
});

describe('localise', () => {
  it('names the device whose out point stops while its in point still rises', () => {
    const r = localise([
      path(
        'rx1',
        ['sw1', 'br0', 'sw3'],
        [
          hop([1000, 1000, 1000], [1000, 1000, 1000]),
          hop([1000, 1000, 1000], [1000, 0, 0]),
          hop([1000, 0, 0], [1000, 0, 0]),
        ],
      ),
    ]);
    expect(r.undecided).toEqual([]);
    expect(r.suspects).toHaveLength(1);
    expect(r.suspects[0]).toMatchObject({
      device: 'br0',
      point: 'out',
      interface: 'br0-out',
      upstream: 'br0',
      receivers: ['rx1'],
      confidence: 0.8,
    });
    expect(r.suspects[0]!.evidence.join('\n')).toMatch(/br0 br0-out \(out\) did not rise for 2 intervals/);
  });

  it('names the link (the next in point) and reads through a counter wrap upstream', () => {
    const wrapping = series(MAX64 - 1500n, [1000, 1000, 1000]);
    const r = localise([
      path(
        'rx1',
        ['r1', 'sw2'],
        [
          wrapping.map((s) => ({ at: s.at, inPkts: s.v, outPkts: s.v })),
          hop([1000, 1000, 0], [1000, 1000, 0]),
        ],
      ),
    ]);
    // r1's counters wrapped between the last two polls and still count as rising.
    expect(r.suspects[0]).toMatchObject({ device: 'sw2', point: 'in', upstream: 'r1', confidence: 0.6 });
    expect(r.suspects[0]!.evidence[0]).toMatch(/r1 r1-out \(out\) rose by 1000 packets/);
  });

  it('adds discards and a missing last-hop listener to the evidence', () => {
    const last = hop([500, 500, 500], [500, 0, 0]).map((s, i) => ({
      ...s,
      outDrops: BigInt(i * 500),
      listener: i < 2,
    }));
    const r = localise([path('rx1', ['r1', 'br0'], [hop([500, 500, 500], [500, 500, 500]), last])]);
    expect(r.suspects[0]).toMatchObject({ device: 'br0', point: 'out', confidence: 0.95 });
    expect(r.suspects[0]!.evidence).toEqual(
      expect.arrayContaining([
        'br0 br0-out (out): 500 discards/errors in the last interval',
        'br0 has no listener row for the group',
      ]),
    );
  });

  it("names a router whose route lost the outgoing interface, though that interface's counter still rises", () => {
    // r1's route packets (its in point) rise; its out interface carries other flows and keeps rising, but
    // the route's next hop there is gone for the last three polls.
    const r1 = hop([800, 800, 800], [900, 900, 900]).map((s, i) => ({ ...s, forwarding: i < 1 }));
    const r = localise([path('rx1', ['r1', 'sw2'], [r1, hop([800, 0, 0], [800, 0, 0])])]);
    expect(r.suspects).toHaveLength(1);
    expect(r.suspects[0]).toMatchObject({ device: 'r1', point: 'out', interface: 'r1-out', confidence: 0.9 });
    expect(r.suspects[0]!.evidence).toEqual([
      'r1 r1-in (in) rose by 800 packets in the last interval',
      'r1 r1-out (out): the route has no forwarding next hop there (3 polls)',
    ]);
    // While the route still forwards there, the stop is found further on, as before.
    const ok = hop([800, 800, 800], [900, 900, 900]).map((s) => ({ ...s, forwarding: true }));
    expect(
      localise([path('rx1', ['r1', 'sw2'], [ok, hop([800, 0, 0], [800, 0, 0])])]).suspects[0],
    ).toMatchObject({
      device: 'sw2',
      point: 'in',
    });
  });

  it('names a device that stops answering only when nothing after it rises, and with less confidence', () => {
    const silentAtEnd = (s: HopSample[]) => [...s.slice(0, -1), undefined];
    const dark = localise([
      path(
        'rx1',
        ['r1', 'sw2', 'sw3'],
        [hop([9, 9, 9], [9, 9, 9]), silentAtEnd(hop([9, 9, 9], [9, 9, 9])), hop([9, 9, 0], [9, 9, 0])],
      ),
    ]);
    expect(dark.suspects[0]).toMatchObject({ device: 'sw2', point: 'in', upstream: 'r1', confidence: 0.4 });
    expect(dark.suspects[0]!.evidence).toContain('sw2 did not answer the last poll');

    // The same silence while traffic still flows past it: its SNMP agent is down, not its forwarding.
    const stillFlowing = localise([
      path(
        'rx1',
        ['r1', 'sw2', 'sw3'],
        [hop([9, 9, 9], [9, 9, 9]), silentAtEnd(hop([9, 9, 9], [9, 9, 9])), hop([9, 9, 9], [9, 9, 0])],
      ),
    ]);
    expect(stillFlowing.suspects[0]).toMatchObject({ device: 'sw3', point: 'out', upstream: 'sw3' });
  });

  it('finds two faults at once on two branches, and merges receivers cut off at the same point', () => {
    const r1 = hop([100, 100, 100], [100, 100, 100]);
    const r = localise([
      path('rx1', ['r1', 'br0'], [r1, hop([100, 100, 100], [100, 0, 0])]),
      path('rx2', ['r1', 'br0'], [r1, hop([100, 100, 100], [100, 0, 0])]),
      path(
        'rx3',
        ['r1', 'r2', 'br1'],
        [r1, hop([100, 100, 100], [100, 100, 100]), hop([100, 100, 0], [100, 100, 0])],
      ),
    ]);
    expect(r.suspects.map((s) => [s.device, s.point, s.receivers])).toEqual([
      ['br0', 'out', ['rx1', 'rx2']],
      ['br1', 'in', ['rx3']],
    ]);
    expect(r.suspects[0]!.confidence).toBe(0.85);
  });

  it('tells which port of a switch stopped when two receivers hang off it and one is lost', () => {
    // One read of sw2 per poll: its uplink in point and an out point per port (p9 toward rx1, p10 toward
    // rx2). Both receivers' paths share r1 and sw2's in point; p9 goes flat, p10 keeps forwarding.
    const r1 = hop([300, 300, 300], [300, 300, 300]);
    const p9 = hop([300, 300, 300], [300, 0, 0]);
    const p10 = hop([300, 300, 300], [300, 300, 300]);
    const via = (receiver: string, port: string, sw2: HopSample[]): PathSeries => ({
      receiver,
      hops: [
        { device: 'r1', inInterface: 'eth0', outInterface: 'eth1' },
        { device: 'sw2', inInterface: 'up', outInterface: port },
      ],
      samples: [r1, sw2],
    });
    const r = localise([via('rx1', 'p9', p9), via('rx2', 'p10', p10)]);
    expect(r.suspects).toEqual([
      expect.objectContaining({ device: 'sw2', point: 'out', interface: 'p9', receivers: ['rx1'] }),
    ]);
    expect(r.suspects[0]!.evidence).toEqual([
      'sw2 up (in) rose by 300 packets in the last interval',
      'sw2 p9 (out) did not rise for 2 intervals',
    ]);
    // The sibling branch is the evidence that sw2 still forwards: its receiver is not cut off.
    expect(r.undecided).toEqual([{ receiver: 'rx2', reason: 'counters rise at every point that answered' }]);
  });

  it('names nothing where every point rises, where nothing rises, or after a counter reset', () => {
    const reset: HopSample[] = [
      { at: 0, inPkts: 5_000_000n, outPkts: 5_000_000n },
      { at: 30_000, inPkts: 10n, outPkts: 10n },
    ];
    const r = localise([
      path('fine', ['r1', 'br0'], [hop([5, 5], [5, 5]), hop([5, 5], [5, 5])]),
      path('dead', ['r1', 'br0'], [hop([5, 0], [5, 0]), hop([5, 0], [5, 0])]),
      path('reset', ['r1'], [reset]),
    ]);
    expect(r.suspects).toEqual([]);
    expect(r.undecided).toEqual([
      { receiver: 'fine', reason: 'counters rise at every point that answered' },
      { receiver: 'dead', reason: 'nothing rises from the first hop on (r1 r1-in (in) is flat)' },
      { receiver: 'reset', reason: 'no point answered with two readings yet' },
    ]);
  });
});
