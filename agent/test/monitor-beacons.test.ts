import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBeacon, encodeBeacon, type Beacon } from '../src/monitor/beacon.ts';
import { SourceTracker } from '../src/monitor/source-tracker.ts';

describe('monitor beacons', () => {
  const key = randomBytes(32);
  const beacon: Beacon = {
    monitorId: 'cm123',
    groupId: 'gabc',
    sender: 'agent-1',
    epoch: 1_700_000_000_000,
    seq: 41,
    sentMs: 1_700_000_000_123.456,
    hopLimit: 64,
  };

  it('round-trips a signed beacon and refuses a wrong key, a flipped bit and foreign payloads', () => {
    const wire = encodeBeacon(beacon, key);
    expect(decodeBeacon(wire, key)).toEqual(beacon);
    expect(decodeBeacon(wire, randomBytes(32))).toBe('forged');
    const flipped = Buffer.from(wire);
    flipped[20]! ^= 1;
    expect(decodeBeacon(flipped, key)).toBe('forged');
    expect(decodeBeacon(Buffer.from('not a beacon at all, just some bytes of text'), key)).toBeUndefined();
  });
});

describe('a source as a receiver hears it', () => {
  it('counts gaps as lost, late arrivals as reordered (not lost), repeats as duplicates', () => {
    const t = new SourceTracker('a1');
    for (const seq of [0, 1, 2, 5, 3, 5, 6]) t.add(1, seq, 1 + seq / 10, 0, seq);
    const f = t.take();
    // 3 and 4 went missing at 5; 3 turned up late: one lost, one reordered; the second 5 is a duplicate.
    expect(f).toMatchObject({ received: 6, lost: 1, reordered: 1, duplicates: 1, hops: 0, epoch: 1 });
    expect(f.delayMinMs).toBe(1);
    expect(f.delayP99Ms).toBe(1.6);
    expect(f.jitterMs).toBeGreaterThan(0);
    expect(t.take()).toMatchObject({ received: 0, lost: 0, duplicates: 0, reordered: 0 });
  });

  it('restarts accounting on a new epoch or a rejoin, so neither reads as loss; measures join latency', () => {
    const t = new SourceTracker('a1');
    t.add(1, 10, 1, 2, 100);
    t.add(2, 0, 1, 2, 200); // the sender restarted: sequence 0 again
    t.add(1, 11, 1, 2, 210); // a straggler of the old epoch
    expect(t.take()).toMatchObject({ received: 2, lost: 0, epoch: 2, hops: 2 });
    t.joined(1000);
    t.add(2, 50, 1, 2, 1012.5);
    const f = t.take();
    expect(f).toMatchObject({ received: 1, lost: 0, joinLatencyMs: 12.5 });
  });
});
