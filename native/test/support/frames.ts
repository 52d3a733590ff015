// The instrumented test frame: IPv6/UDP to ff3e::1234 whose payload is the signature block
// magic(4) stream(4) seq(8) ts(8), and the matching template and receiver layout.
import {
  udp6Frame,
  type FrameTemplate,
  type PacketEngine,
  type RxStats,
  type SignatureLayout,
} from '../../src/index.ts';

export const MAGIC = 0x1d10c0da;

export function instrumentedFrame(dstPort: number): { template: FrameTemplate; signature: SignatureLayout } {
  const payload = Buffer.alloc(24);
  payload.writeUInt32BE(MAGIC, 0);
  const f = udp6Frame({
    srcMac: '02:00:00:00:00:0a',
    src: '2001:db8:6::a',
    dst: 'ff3e::1234',
    srcPort: 5001,
    dstPort,
    payload,
  });
  const p = f.payloadOffset;
  const layout = { streamOffset: p + 4, seqOffset: p + 8, seqBytes: 8 as const, tsOffset: p + 16 };
  return {
    template: { base: f.frame, csumOffset: f.csumOffset, ...layout },
    signature: { magicOffset: p, magic: MAGIC, ...layout },
  };
}

/** Polls until check() is true or the time runs out; returns the last value of read(). */
export async function settle<T>(read: () => T, check: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  let v = read();
  while (!check(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
    v = read();
  }
  return v;
}

/** Waits until the receiver has seen at least n frames (or 5 s) and returns its stats. */
export function rxSeen(engine: PacketEngine, n: number): Promise<RxStats> {
  return settle(
    () => engine.stats().rx!,
    (r) => r.seen >= n,
  );
}
