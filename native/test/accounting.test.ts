// The receiver's per-stream accounting on a real veth pair: latency percentiles, late frames and the
// per-second series from send times the test writes itself, stale frames beyond the sequence window,
// and a PACKET_FANOUT receiver whose rings share the flows without counting a frame twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingParts } from '../../test/support/system.ts';
import { openEngine, udp6Checksum, unavailableReason, type PacketEngine } from '../src/index.ts';
import { instrumentedFrame, rxSeen, settle } from './support/frames.ts';
import { createVethLab, type VethLab } from './support/veth.ts';

const skip = missingParts({ commands: ['ip'], root: true }) ?? unavailableReason();
const MS = 1_000_000n;

describe.skipIf(skip)('receiver accounting on veth', () => {
  let lab: VethLab;
  let tx: PacketEngine;
  const open: PacketEngine[] = [];
  const receiver = (port: number, extra: object = {}, signature: object = {}) => {
    const e = openEngine(lab.ifB, {
      netns: lab.nsB,
      rx: {
        filter: `udp dst port ${port}`,
        signature: { ...instrumentedFrame(port).signature, ...signature },
        ...extra,
      },
    });
    open.push(e);
    return e;
  };
  /** Frames of stream `id` with the given seqs and send times (ns since the epoch), from UDP port srcPort. */
  const frames = (
    port: number,
    id: number,
    seqs: number[],
    sentNs: (i: number) => bigint,
    srcPort = 5001,
  ) => {
    const { template } = instrumentedFrame(port);
    return seqs.map((seq, i) => {
      const f = Buffer.from(template.base);
      f.writeUInt16BE(srcPort, 54);
      f.writeUInt32BE(id, template.streamOffset!);
      f.writeBigUInt64BE(BigInt(seq), template.seqOffset!);
      f.writeBigUInt64BE(sentNs(i), template.tsOffset!);
      f.writeUInt16BE(0, 60);
      f.writeUInt16BE(udp6Checksum(f), 60);
      return new Uint8Array(f);
    });
  };
  const nowNs = () => BigInt(Date.now()) * MS;

  beforeAll(() => {
    lab = createVethLab('nsacc');
    tx = openEngine(lab.ifA, { netns: lab.nsA });
  });
  afterAll(() => {
    for (const e of open) e.close();
    tx?.close();
    lab?.destroy();
  });

  it('gives latency percentiles, late frames and a per-second series with its own percentiles', async () => {
    const port = 6101;
    const startMs = Date.now();
    const rx = receiver(port, {}, { startMs, lateMs: 50 });
    // Second 0: 100 frames sent 1..100 ms before now; second 1: 100 frames sent 5 ms before.
    const t0 = nowNs();
    const order = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1); // 1..100, shuffled
    tx.sendFrames(
      frames(
        port,
        1,
        order.map((_, i) => i),
        (i) => t0 - BigInt(order[i]!) * MS,
      ),
    );
    // Building the frames in JS adds its time to each latency: frames 41..50 ms old may pass 50 by then.
    const builtMs = Number(nowNs() - t0) / 1e6;
    await rxSeen(rx, 100);
    await new Promise((r) => setTimeout(r, Math.max(0, startMs + 1100 - Date.now())));
    const t1 = nowNs();
    tx.sendFrames(
      frames(
        port,
        1,
        Array.from({ length: 100 }, (_, i) => 100 + i),
        () => t1 - 5n * MS,
      ),
    );
    const slack = Math.max(builtMs, Number(nowNs() - t1) / 1e6) + 1; // what building and transit may add
    await rxSeen(rx, 200);
    const [s] = rx.stats({ series: true }).rx!.streams;
    expect(s).toMatchObject({ streamId: 1, received: 200, frames: 200, lost: 0, duplicates: 0, stale: 0 });
    expect(s!.late).toBeGreaterThanOrEqual(50); // 51..100 ms
    expect(s!.late).toBeLessThanOrEqual(50 + Math.ceil(slack));
    const ms = (ns: number) => ns / 1e6;
    /** v lies in [want, want + slack]; the histogram's buckets are within 1/256 of the value besides. */
    const near = (ns: number, want: number) => {
      expect(ms(ns)).toBeGreaterThanOrEqual(want * (1 - 1 / 256));
      expect(ms(ns)).toBeLessThanOrEqual(want * (1 + 1 / 256) + slack);
    };
    near(s!.latency.minNs, 1);
    near(s!.latency.maxNs, 100);
    near(s!.latency.p50Ns, 5); // 100 of 200 at 5 ms, the rest 1..100
    near(s!.latency.p99Ns, 98);
    expect(s!.latency.p99Ns).toBeLessThanOrEqual(s!.latency.maxNs);
    expect(s!.perSecond).toHaveLength(2);
    const [first, second] = s!.perSecond!;
    expect(first).toMatchObject({ second: 0, received: 100, latencyCount: 100 });
    near(first!.p50Ns, 50);
    near(first!.p99Ns, 99);
    near(first!.meanNs, 50.5);
    expect(second).toMatchObject({ second: 1, received: 100, latencyCount: 100 });
    near(second!.p50Ns, 5);
    near(second!.p99Ns, 5);
    expect(rx.stats().rx!.streams[0]!.perSecond).toBeUndefined(); // only when asked for
  });

  it('keeps a frame far behind the window as stale (lost), and counts every frame', async () => {
    const port = 6102;
    const rx = receiver(port);
    const t = nowNs();
    tx.sendFrames(frames(port, 2, [0, 70_000, 1, 70_000], () => t));
    await rxSeen(rx, 4);
    expect(rx.stats().rx!.streams[0]).toMatchObject({
      received: 2,
      frames: 4,
      stale: 1,
      duplicates: 1,
      lost: 70_001 - 2,
      maxSeq: 70_000,
    });
  });

  it('spreads flows over fanout rings, each frame counted once, and joins a stream seen by two rings', async () => {
    const port = 6103;
    const rx = receiver(port, { fanout: 2 }, { startMs: Date.now() });
    expect(rx.stats().rx!.rings).toBe(2);
    const t = nowNs();
    const srcPorts = Array.from({ length: 16 }, (_, i) => 7000 + i);
    // 16 flows (stream id = source port), 500 frames each.
    for (const sp of srcPorts)
      tx.sendFrames(
        frames(
          port,
          sp,
          Array.from({ length: 500 }, (_, i) => i),
          () => t,
          sp,
        ),
      );
    const st = await rxSeen(rx, 16 * 500);
    expect(st.seen).toBe(16 * 500);
    expect(st.ringSeen).toHaveLength(2);
    expect(st.ringSeen[0]! + st.ringSeen[1]!).toBe(16 * 500);
    expect(Math.min(...st.ringSeen)).toBeGreaterThan(0); // all 16 flows in one ring: odds 2^-15
    expect(st.streams).toHaveLength(16);
    for (const s of st.streams)
      expect(s).toMatchObject({ received: 500, frames: 500, lost: 0, duplicates: 0 });

    // Stream 40 from two source ports that land in different rings: one stream in the stats.
    const ringOf = async (sp: number, seq: number) => {
      const before = rx.stats().rx!.ringSeen;
      tx.sendFrames(frames(port, 40, [seq], () => t, sp));
      const after = await settle(
        () => rx.stats().rx!.ringSeen,
        (r) => r[0]! + r[1]! > before[0]! + before[1]!,
      );
      return after[0]! > before[0]! ? 0 : 1;
    };
    const first = await ringOf(8000, 0);
    let other = 8001;
    let seq = 1;
    while ((await ringOf(other, seq++)) === first) other++;
    tx.sendFrames(
      frames(
        port,
        40,
        Array.from({ length: 1000 }, (_, i) => seq + i),
        () => t,
        other,
      ),
    );
    const merged = await settle(
      () => rx.stats({ series: true }).rx!.streams.find((s) => s.streamId === 40)!,
      (s) => s.frames >= seq + 1000,
    );
    expect(merged).toMatchObject({ received: seq + 1000, frames: seq + 1000, lost: 0, firstSeq: 0 });
    expect(merged.perSecond!.reduce((n, x) => n + x.received, 0)).toBe(seq + 1000);
  });
});
