import { describe, expect, it } from 'vitest';
import { builtinLibrary, decode } from '@netspotter/shared';
import { StreamStats } from '../src/load/stream-stats.ts';
import { compileSignedFrame, readSignature } from '../src/load/signed-frame.ts';

describe('stream statistics', () => {
  it('counts received, duplicates, reordered, late and the loss estimate', () => {
    const s = new StreamStats(7, 0, 50);
    const tx = (seq: number) => seq * 10;
    for (const [seq, lat] of [
      [0, 1],
      [1, 1],
      [3, 2],
      [2, 1],
      [3, 1],
      [5, 60],
      [6, 1],
    ] as const)
      s.add(seq, tx(seq), tx(seq) + lat);
    const r = s.report();
    expect(r).toMatchObject({
      streamId: 7,
      received: 7,
      unique: 6,
      duplicates: 1,
      reordered: 1,
      late: 1,
      maxSeq: 6,
      lostEstimate: 1,
    });
    expect(r.latencyMs).toMatchObject({ min: 1, max: 60, p50: 1 });
    expect(r.latencyMs!.mean).toBeCloseTo((1 + 1 + 2 + 1 + 60 + 1) / 6);
  });

  it('computes RFC 3550 jitter: zero for constant transit, converging to the step for alternating transit', () => {
    const flat = new StreamStats(1, 0, 1000);
    for (let i = 0; i < 100; i++) flat.add(i, i, i + 5);
    expect(flat.report().jitterMs).toBe(0);
    const alt = new StreamStats(1, 0, 1000);
    for (let i = 0; i < 2000; i++) alt.add(i, i * 10, i * 10 + (i % 2 ? 4 : 2));
    expect(alt.report().jitterMs).toBeCloseTo(2, 5); // |D| is always 2 ms
  });

  it('builds a per-second series from receive times', () => {
    const s = new StreamStats(1, 1000, 1000);
    s.add(0, 1000, 1001);
    s.add(1, 1500, 1502);
    s.add(2, 2100, 2103);
    expect(s.report().perSecond).toEqual([
      { second: 0, received: 2, latencyMeanMs: 1.5, latencyP50Ms: 1, latencyP99Ms: 2 },
      { second: 1, received: 1, latencyMeanMs: 3, latencyP50Ms: 3, latencyP99Ms: 3 },
    ]);
  });

  it('gives each second its own p50 and p99 (nearest rank), so a burst of queueing shows where it happened', () => {
    const s = new StreamStats(1, 0, 1000);
    // Second 0: latencies 1..100 ms in shuffled order; second 1: 200 frames at 5 ms, then one at 80 ms.
    const order = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    order.forEach((lat, i) => s.add(i, i * 5, i * 5 + lat));
    for (let i = 0; i < 200; i++) s.add(100 + i, 1000 + i, 1000 + i + 5);
    s.add(300, 1400, 1480);
    const [first, second] = s.report().perSecond;
    expect(first).toMatchObject({ second: 0, received: 100, latencyP50Ms: 50, latencyP99Ms: 99 });
    expect(second).toMatchObject({ second: 1, received: 201, latencyP50Ms: 5, latencyP99Ms: 5 });
    expect(s.report().latencyMs).toMatchObject({ p50: 5, max: 100 });
  });
});

describe('signed frames', () => {
  it('patches sequence and send time, decodes with the packet model and reads back at fixed offsets', () => {
    const f = compileSignedFrame({
      srcMac: '02:00:00:00:00:01',
      srcAddress: '2001:db8:1::11',
      group: 'ff3e::1234',
      port: 5000,
      streamId: 9,
      frameSize: 128,
      hopLimit: 8,
    });
    expect(f.length).toBe(128);
    const buf = Buffer.alloc(f.length);
    f.writeFrame(buf, 0, 70_000, 1_700_000_000, 250_000_000);
    expect(readSignature(buf)).toEqual({ streamId: 9, seq: 70_000, txMs: 1_700_000_000_250 });
    type Node = { values: Record<string, unknown> };
    const body = (n: Node) => n.values.body as Node;
    const udp = body(body(decode(builtinLibrary(), buf) as Node));
    expect(udp.values.dstPort).toBe(5000);
    const sig = body(udp).values;
    expect([Number(sig.streamId), Number(sig.seq), Number(sig.txSec), Number(sig.txNsec)]).toEqual([
      9, 70_000, 1_700_000_000, 250_000_000,
    ]);
    expect(readSignature(buf.subarray(0, 60))).toBeUndefined();
  });
});
