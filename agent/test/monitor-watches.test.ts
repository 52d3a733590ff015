// Passive watches: the accounting of RTP sequence numbers, MPEG-TS continuity counters and template
// fields, and of rate, silences, jitter and mismatches per source (pure, on crafted payloads).
import { describe, expect, it } from 'vitest';
import { builtinLibrary, type TemplateDef } from '@netspotter/shared';
import { SequenceCounter } from '../src/monitor/sequence-counter.ts';
import { streamSequence, TS_PACKET } from '../src/monitor/stream-sequence.ts';
import { WatchTracker } from '../src/monitor/watch-tracker.ts';

const lib = builtinLibrary();

/** An RTP packet (version 2, payload type 33) with this sequence number and 20 bytes of payload. */
function rtp(seq: number): Uint8Array {
  const p = new Uint8Array(32);
  p[0] = 0x80;
  p[1] = 33;
  p[2] = (seq >> 8) & 0xff;
  p[3] = seq & 0xff;
  return p;
}

interface TsPacket {
  pid: number;
  cc: number;
  /** adaptation_field_control: 1 payload only (default), 2 adaptation field only, 3 both. */
  control?: number;
  discontinuity?: boolean;
}

/** One datagram of 188-byte TS packets. */
function ts(...packets: TsPacket[]): Uint8Array {
  const d = new Uint8Array(packets.length * TS_PACKET).fill(0xff);
  packets.forEach((p, i) => {
    const o = i * TS_PACKET;
    const control = p.control ?? 1;
    d[o] = 0x47;
    d[o + 1] = (p.pid >> 8) & 0x1f;
    d[o + 2] = p.pid & 0xff;
    d[o + 3] = (control << 4) | (p.cc & 0x0f);
    if (control & 2) {
      d[o + 4] = control === 2 ? 183 : 7;
      d[o + 5] = p.discontinuity ? 0x80 : 0;
    }
  });
  return d;
}

const feed = (kind: 'rtp' | 'mpegts', payloads: Uint8Array[]) => {
  const s = streamSequence({ kind }, lib);
  const fits = payloads.map((p) => s.add(p));
  return { ...s.take(), mismatches: fits.filter((f) => !f).length };
};

describe('sequence numbers of a stream', () => {
  it('counts gaps, late arrivals and repeats across the 16-bit wrap', () => {
    const c = new SequenceCounter(16);
    // 65535 → 0 is the wrap, not loss; 2 and 3 missing; 2 turns up late; 4 twice.
    for (const s of [65533, 65534, 65535, 0, 1, 4, 2, 4, 5]) c.add(s);
    expect(c.take()).toEqual({ lost: 1, duplicates: 1, reordered: 1 });
    expect(c.take()).toEqual({ lost: 0, duplicates: 0, reordered: 0 });
  });

  it('takes a packet from just before the wrap, arriving after it, as reordered', () => {
    const c = new SequenceCounter(16);
    for (const s of [65532, 65533, 0, 1, 65534, 65535]) c.add(s);
    expect(c.take()).toEqual({ lost: 0, duplicates: 0, reordered: 2 });
  });

  it('takes a jump far back as the sender starting over, not as loss', () => {
    const c = new SequenceCounter(16);
    for (const s of [20_000, 20_001, 20_002, 5, 6, 8]) c.add(s);
    expect(c.take()).toEqual({ lost: 1, duplicates: 0, reordered: 0 });
  });

  it('does not count a rejoin’s gap as loss, and never wraps without a width', () => {
    const c = new SequenceCounter();
    c.add(1);
    c.add(2);
    c.rebase();
    c.add(90);
    c.add(65_536 + 92);
    expect(c.take().lost).toBe(65_536 + 1);
  });
});

describe('RTP watches', () => {
  it('reads the 16-bit sequence number and counts what is not RTP as a mismatch', () => {
    const notRtp = new Uint8Array(32); // version 0
    const short = rtp(9).subarray(0, 11);
    const f = feed('rtp', [rtp(65534), rtp(65535), rtp(1), rtp(1), notRtp, short, rtp(0), rtp(2)]);
    expect(f).toEqual({ lost: 0, duplicates: 1, reordered: 1, mismatches: 2 });
  });
});

describe('MPEG-TS watches (continuity counters per PID)', () => {
  it('counts a gap per PID, modulo 16, and ignores the null PID', () => {
    const f = feed('mpegts', [
      ts({ pid: 0x100, cc: 14 }, { pid: 0x101, cc: 3 }, { pid: 0x1fff, cc: 0 }),
      // 0x100: 15 then 2 (0 and 1 missing, across the wrap); 0x101: 4 then 5.
      ts({ pid: 0x100, cc: 15 }, { pid: 0x101, cc: 4 }, { pid: 0x1fff, cc: 9 }, { pid: 0x100, cc: 2 }),
      ts({ pid: 0x101, cc: 5 }, { pid: 0x1fff, cc: 3 }),
    ]);
    expect(f).toEqual({ lost: 2, duplicates: 0, reordered: 0, mismatches: 0 });
  });

  it('takes one repeated counter as a legal duplicate and a second repeat as a mismatch', () => {
    const once = feed('mpegts', [
      ts({ pid: 0x100, cc: 7 }),
      ts({ pid: 0x100, cc: 7 }),
      ts({ pid: 0x100, cc: 8 }),
    ]);
    expect(once).toEqual({ lost: 0, duplicates: 1, reordered: 0, mismatches: 0 });
    const thrice = feed('mpegts', [
      ts({ pid: 0x100, cc: 7 }),
      ts({ pid: 0x100, cc: 7 }),
      ts({ pid: 0x100, cc: 7 }),
      ts({ pid: 0x100, cc: 8 }),
    ]);
    expect(thrice).toEqual({ lost: 0, duplicates: 2, reordered: 0, mismatches: 1 });
  });

  it('does not advance the counter on adaptation-field-only packets, and restarts it at a discontinuity', () => {
    const f = feed('mpegts', [
      ts({ pid: 0x100, cc: 3 }, { pid: 0x100, cc: 3, control: 2 }, { pid: 0x100, cc: 4, control: 3 }),
      // The discontinuity indicator: 4 → 11 is no loss.
      ts({ pid: 0x100, cc: 11, control: 3, discontinuity: true }, { pid: 0x100, cc: 12 }),
    ]);
    expect(f).toEqual({ lost: 0, duplicates: 0, reordered: 0, mismatches: 0 });
  });

  it('counts a datagram that is not whole TS packets, lacks the sync byte or flags an error as a mismatch', () => {
    const noSync = ts({ pid: 0x100, cc: 1 });
    noSync[0] = 0x46;
    const error = ts({ pid: 0x100, cc: 1 });
    error[1]! |= 0x80;
    const reserved = ts({ pid: 0x100, cc: 1 });
    reserved[3]! &= 0x0f;
    const f = feed('mpegts', [
      ts({ pid: 0x100, cc: 0 }).subarray(0, 187),
      noSync,
      error,
      reserved,
      ts({ pid: 0x100, cc: 0 }),
    ]);
    expect(f).toEqual({ lost: 0, duplicates: 0, reordered: 0, mismatches: 4 });
  });
});

describe('template watches', () => {
  const counter: TemplateDef = {
    name: 'ticker',
    fields: [
      { name: 'magic', type: 'uint', bits: 16 },
      { name: 'counter', type: 'uint', bits: 8 },
      { name: 'body', type: 'body' },
    ],
  };
  const withTicker = lib.with([counter]);
  const packet = (n: number) => Uint8Array.from([0xab, 0xcd, n, 1, 2, 3]);

  it("reads the user template's field through the packet model and wraps at its width", () => {
    const s = streamSequence({ kind: 'template', template: 'ticker', field: 'counter' }, withTicker);
    const fits = [254, 255, 1, 0, 1, 3].map((n) => s.add(packet(n)));
    // 8 bits: 255 → 0 wraps; 0 came late (reordered); 1 twice; 2 missing.
    expect(fits.every(Boolean)).toBe(true);
    expect(s.take()).toEqual({ lost: 1, duplicates: 1, reordered: 1 });
    // Too short for the template's fixed fields: a mismatch.
    expect(s.add(Uint8Array.from([0xab, 0xcd]))).toBe(false);
  });
});

describe('a watched source, interval by interval', () => {
  it('counts rate, payload bytes, silences with the longest gap, jitter and join latency', () => {
    const w = new WatchTracker('2001:db8::1', 200, streamSequence({ kind: 'rtp' }, lib));
    w.joined(1000);
    // 20 ms apart, then a 500 ms silence, then 20 ms apart again; one sequence number skipped.
    const times = [1030, 1050, 1070, 1090, 1590, 1610, 1630];
    const seqs = [0, 1, 2, 3, 4, 6, 7];
    times.forEach((t, i) => w.add(rtp(seqs[i]!), t));
    w.add(new Uint8Array(8), 1650); // not RTP: counted, as a mismatch
    const f = w.take(1700);
    expect(f).toMatchObject({
      source: '2001:db8::1',
      received: 8,
      bytes: 7 * 32 + 8,
      lost: 1,
      silences: 1,
      maxGapMs: 500,
      mismatches: 1,
      joinLatencyMs: 30,
    });
    expect(f.jitterMs).toBeGreaterThan(0);
    expect(w.take(1750)).toMatchObject({ received: 0, silences: 0, lost: 0 });
  });

  it('counts a silence that outlasts the interval once, in the interval it is first seen', () => {
    const w = new WatchTracker('2001:db8::1', 200);
    w.add(new Uint8Array(10), 900);
    expect(w.take(1000)).toMatchObject({ received: 1, silences: 0 });
    expect(w.take(2000)).toMatchObject({ received: 0, silences: 1, maxGapMs: 1100 });
    w.add(new Uint8Array(10), 2300); // the silence ends: not counted again
    expect(w.take(2400)).toMatchObject({ received: 1, silences: 0, maxGapMs: 1400 });
  });

  it('takes the time away after a rejoin as neither silence nor loss', () => {
    const w = new WatchTracker('2001:db8::1', 200, streamSequence({ kind: 'rtp' }, lib));
    w.add(rtp(1), 0);
    w.add(rtp(2), 20);
    w.take(100);
    w.joined(5000);
    w.add(rtp(300), 5010);
    w.add(rtp(301), 5030);
    expect(w.take(5100)).toMatchObject({ received: 2, lost: 0, silences: 0, joinLatencyMs: 10 });
  });
});
