// The engine on a real veth pair between two namespaces: what is sent arrives exactly once, the
// receiver's accounting matches the link counters, and the kernel's ring drops are reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingParts } from '../../test/support/system.ts';
import {
  openEngine,
  udp6Checksum,
  unavailableReason,
  type FrameBatch,
  type PacketEngine,
} from '../src/index.ts';
import { instrumentedFrame, rxSeen, settle } from './support/frames.ts';
import { createVethLab, type VethLab } from './support/veth.ts';

const skip = missingParts({ commands: ['ip'], root: true }) ?? unavailableReason();

/**
 * Reads captured batches, checking each frame's UDP checksum, until `total` frames are accounted for:
 * seen here or counted as delivery drops (JS is blocked while sendBatch runs, so batches can be
 * dropped on the way to it). Returns how many were checked.
 */
async function checkCaptured(
  rx: PacketEngine,
  it: AsyncIterable<FrameBatch>,
  total: number,
): Promise<number> {
  let checked = 0;
  for await (const batch of it) {
    for (const f of batch) expect(f.data.readUInt16BE(60)).toBe(udp6Checksum(f.data));
    checked += batch.length;
    if (checked + rx.stats().rx!.deliveryDrops >= total) break;
  }
  return checked;
}

describe.skipIf(skip)('native engine on veth', () => {
  let lab: VethLab;
  let tx: PacketEngine;
  const open: PacketEngine[] = [];
  const receiver = (port: number, extra: object = {}) => {
    const e = openEngine(lab.ifB, {
      netns: lab.nsB,
      rx: { filter: `udp dst port ${port}`, signature: instrumentedFrame(port).signature, ...extra },
    });
    open.push(e);
    return e;
  };

  beforeAll(() => {
    lab = createVethLab('nse');
    tx = openEngine(lab.ifA, { netns: lab.nsA });
  });
  afterAll(() => {
    for (const e of open) e.close();
    tx?.close();
    lab?.destroy();
  });

  it('delivers exactly N frames, counted on the link, in the ring and per stream', async () => {
    const n = 200_000;
    const rx = receiver(6001);
    const linkBefore = lab.counter(lab.nsB, lab.ifB, 'rx_packets');
    const s = tx.stream(instrumentedFrame(6001).template, { streamId: 11 });
    expect(tx.sendBatch(s, n)).toBe(n);
    const st = await rxSeen(rx, n);
    expect(st.seen).toBe(n);
    expect(st.matched).toBe(n);
    expect(st.kernel).toMatchObject({ packets: n, drops: 0 });
    expect(st.streams).toEqual([
      expect.objectContaining({
        streamId: 11,
        received: n,
        lost: 0,
        duplicates: 0,
        reordered: 0,
        firstSeq: 0,
      }),
    ]);
    expect(st.streams[0]!.latency.count).toBe(n);
    expect(st.streams[0]!.latency.minNs).toBeGreaterThan(0);
    expect(lab.counter(lab.nsB, lab.ifB, 'rx_packets') - linkBefore).toBeGreaterThanOrEqual(n);
    expect(tx.stats().tx.sent).toBeGreaterThanOrEqual(n);
    expect(s.nextSeq).toBe(n);
  });

  it('patches stream id, sequence and time, keeping the UDP checksum valid (even and odd offsets)', async () => {
    const rx = receiver(6002);
    const { template } = instrumentedFrame(6002);
    const odd = { ...template, streamOffset: 67, seqOffset: 71, seqBytes: 4 as const, tsOffset: 75 };
    const frames: Buffer[] = [];
    const it = rx.capture();
    const t0 = BigInt(Date.now()) * 1_000_000n;
    tx.sendBatch(tx.stream(template, { streamId: 0xdeadbeef, firstSeq: 2 ** 40 }), 300);
    tx.sendBatch(tx.stream(odd, { streamId: 5, firstSeq: 0xfffffff0 }), 300);
    for await (const batch of it) {
      for (const f of batch) {
        expect(f.wireLength).toBe(86);
        expect(f.timestampNs).toBeGreaterThanOrEqual(t0);
        frames.push(Buffer.from(f.data));
      }
      if (frames.length >= 600) break;
    }
    expect(frames).toHaveLength(600);
    for (const [i, f] of frames.entries()) {
      expect(f.readUInt16BE(60)).toBe(udp6Checksum(f));
      if (i < 300) {
        expect(f.readUInt32BE(66)).toBe(0xdeadbeef);
        expect(f.readBigUInt64BE(70)).toBe(2n ** 40n + BigInt(i));
        expect(f.readBigUInt64BE(78)).toBeGreaterThanOrEqual(t0);
      } else {
        expect(f.readUInt32BE(67)).toBe(5);
        expect(f.readUInt32BE(71)).toBe((0xfffffff0 + i - 300) >>> 0); // wraps at 2^32
      }
    }
  });

  it('tells loss, reordering and duplicates apart', async () => {
    const rx = receiver(6003);
    const s = tx.stream(instrumentedFrame(6003).template, { streamId: 3 });
    tx.sendBatch(s, 100); // 0..99
    s.nextSeq = 150;
    tx.sendBatch(s, 50); // 150..199: 100..149 missing for now
    const gap = await rxSeen(rx, 150);
    expect(gap.streams[0]).toMatchObject({ received: 150, lost: 50, reordered: 0 });
    s.nextSeq = 100;
    tx.sendBatch(s, 50); // the missing ones, late
    s.nextSeq = 10;
    tx.sendBatch(s, 5); // 10..14 again
    const st = await rxSeen(rx, 205);
    expect(st.streams[0]).toMatchObject({
      received: 200,
      lost: 0,
      reordered: 50,
      duplicates: 5,
      maxSeq: 199,
    });
  });

  it.each([
    { seqBytes: 2 as const, firstSeq: 65_000, port: 6010 },
    { seqBytes: 4 as const, firstSeq: 2 ** 32 - 300, port: 6011 },
  ])(
    'unwraps $seqBytes-byte sequence numbers and reads sec32nsec32 send times',
    async ({ seqBytes, firstSeq, port }) => {
      const { template, signature } = instrumentedFrame(port);
      const layout = { seqBytes, tsFormat: 'sec32nsec32' as const };
      const rx = receiver(port, { signature: { ...signature, ...layout } });
      const it = rx.capture();
      tx.sendBatch(tx.stream({ ...template, ...layout }, { streamId: 9, firstSeq }), 1000);
      expect(await checkCaptured(rx, it, 1000)).toBeGreaterThan(0);
      const st = await rxSeen(rx, 1000);
      expect(st.streams[0]).toMatchObject({
        received: 1000,
        lost: 0,
        duplicates: 0,
        firstSeq,
        maxSeq: firstSeq + 999,
      });
      const lat = st.streams[0]!.latency;
      expect(lat.count).toBe(1000);
      expect(lat.minNs).toBeGreaterThan(0);
      expect(lat.maxNs).toBeLessThan(1e9); // a misread time would be off by years
    },
  );

  it('paces to a target rate on a native thread and reports lateness', async () => {
    const rx = receiver(6004);
    const s = tx.stream(instrumentedFrame(6004).template, { streamId: 4 });
    const run = tx.startPaced(s, { pps: 10_000, durationMs: 1000 });
    expect(() => tx.sendBatch(s, 1)).toThrow(/paced run owns/);
    const r = await run.done;
    expect(r.error).toBeUndefined();
    expect(r.sent).toBeGreaterThanOrEqual(9_900);
    expect(r.sent).toBeLessThanOrEqual(10_000);
    // Wall-clock rate, so a preempted last deadline counts against it: within 1% on a quiet host,
    // 3% allowed on a busy one (the lateness figures show why).
    expect(Math.abs(r.achievedPps - 10_000) / 10_000).toBeLessThan(0.03);
    expect(r.lateP99Ns).toBeGreaterThan(0);
    expect(r.lateMaxNs).toBeGreaterThanOrEqual(r.lateP99Ns / 2);
    const st = await rxSeen(rx, r.sent);
    expect(st.streams[0]).toMatchObject({ received: r.sent, lost: 0 });
    expect(tx.sendBatch(s, 1)).toBe(1); // the stream is free again
  });

  it('stop() ends an unbounded paced run', async () => {
    const s = tx.stream(instrumentedFrame(6005).template);
    const before = tx.stats().tx.sent;
    const t0 = performance.now();
    const run = tx.startPaced(s, { pps: 1000 });
    await new Promise((r) => setTimeout(r, 200));
    const [r] = await tx.stop();
    const ranMs = performance.now() - t0;
    // Paced while it ran: at most the rate allows in that time (a thread starved on a busy host sends fewer).
    expect(r!.sent).toBeGreaterThan(0);
    expect(r!.sent).toBeLessThanOrEqual(Math.ceil(ranMs) + 1);
    expect(await run.done).toBe(r);
    // And ended: nothing leaves after stop().
    expect(tx.stats().tx.sent - before).toBe(r!.sent);
    await new Promise((r) => setTimeout(r, 100));
    expect(tx.stats().tx.sent - before).toBe(r!.sent);
  });

  it('sends through a TX ring too: exact delivery, valid checksums, pacing, size limit', async () => {
    const n = 50_000;
    const rx = receiver(6012);
    const ring = openEngine(lab.ifA, { netns: lab.nsA, txRingFrames: 1024 });
    open.push(ring);
    const { template } = instrumentedFrame(6012);
    const s = ring.stream(template, { streamId: 12 });
    const it = rx.capture();
    expect(ring.sendBatch(s, n)).toBe(n);
    const paced = await ring.startPaced(s, { pps: 5000, count: 1000 }).done;
    expect(paced).toMatchObject({ sent: 1000 });
    expect(await checkCaptured(rx, it, n + 1000)).toBeGreaterThan(0);
    const st = await rxSeen(rx, n + 1000);
    expect(st.streams[0]).toMatchObject({ received: n + 1000, lost: 0, duplicates: 0, reordered: 0 });
    expect(() => ring.sendBatch(ring.stream({ base: Buffer.alloc(2007) }), 1)).toThrow(/Message too long/);
  });

  it('ignores its own outgoing frames on the sending interface', async () => {
    const n = 1000;
    const atB = receiver(6013);
    const atA = openEngine(lab.ifA, {
      netns: lab.nsA,
      rx: { filter: 'udp dst port 6013', signature: instrumentedFrame(6013).signature },
    });
    open.push(atA);
    tx.sendBatch(tx.stream(instrumentedFrame(6013).template), n); // no qdisc bypass: taps would see it
    await rxSeen(atB, n);
    await new Promise((r) => setTimeout(r, 50)); // one more block timeout on A's ring
    expect(atB.stats().rx!.seen).toBe(n);
    expect(atA.stats().rx).toMatchObject({ seen: 0, kernel: { packets: 0, drops: 0 } });
  });

  it.each([0, 512])('sends ready-made frames in order (txRingFrames %i)', async (txRingFrames) => {
    const port = 6014 + Math.sign(txRingFrames);
    const rx = receiver(port);
    const sender = openEngine(lab.ifA, { netns: lab.nsA, txRingFrames });
    open.push(sender);
    const { template } = instrumentedFrame(port);
    const frames = Array.from({ length: 3000 }, (_, i) => {
      const f = Buffer.from(template.base);
      f.writeUInt32BE(21, template.streamOffset!);
      f.writeBigUInt64BE(BigInt(i), template.seqOffset!);
      f.writeUInt16BE(0, 60);
      f.writeUInt16BE(udp6Checksum(f), 60);
      return new Uint8Array(f);
    });
    expect(sender.sendFrames(frames)).toBe(3000);
    expect(sender.sendFrames([])).toBe(0);
    const st = await rxSeen(rx, 3000);
    expect(st.streams[0]).toMatchObject({
      streamId: 21,
      received: 3000,
      lost: 0,
      reordered: 0,
      duplicates: 0,
    });
    expect(() => sender.sendFrames([frames[0]!, 'x' as never])).toThrow(TypeError);
  });

  it('reports every kernel drop when the reader falls behind', async () => {
    const n = 20_000;
    const rx = receiver(6006, { paused: true, ringBytes: 4 * 4096, blockBytes: 4096 });
    tx.sendBatch(tx.stream(instrumentedFrame(6006).template, { streamId: 6 }), n);
    rx.resume();
    const st = await settle(
      () => rx.stats().rx!,
      (r) => r.seen + r.kernel.drops >= n,
    );
    expect(st.kernel.drops).toBeGreaterThan(0);
    expect(st.seen).toBeGreaterThan(0);
    expect(st.seen + st.kernel.drops).toBe(n);
    expect(st.kernel.packets).toBe(n);
    expect(st.streams[0]!.received).toBe(st.seen);
  });

  // A monitor's watch at 50–100 pps: each 10 ms batch holds one frame. A JS thread stalled for seconds
  // (a slow fsync, a starved core) must find every frame waiting when it runs again.
  it('keeps a low-rate capture whole through a 2.5 s stall of the JS thread', async () => {
    const n = 300;
    const rx = receiver(6013);
    const frames = rx.capture();
    const s = tx.stream(instrumentedFrame(6013).template, { streamId: 13 });
    const run = tx.startPaced(s, { pps: 100, count: n }); // 3 s on a native thread
    await new Promise((r) => setTimeout(r, 200));
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2500);
    expect((await run.done).sent).toBe(n);
    const got = await checkCaptured(rx, frames, n);
    const st = rx.stats().rx!;
    expect({ got, drops: st.deliveryDrops + st.kernel.drops }).toEqual({ got: n, drops: 0 });
  });

  it('gives clear errors for a missing interface or namespace', () => {
    expect(() => openEngine('nosuchif0', { netns: lab.nsA })).toThrow(/no such interface/);
    expect(() => openEngine(lab.ifA, { netns: 'netspotter-missing-ns' })).toThrow(/No such file/);
  });
});
