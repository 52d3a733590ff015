// The JS helpers against real tools: the frame builder's UDP checksum as tshark verifies it, BPF
// text as tcpdump prints it (and the kernel accepts it), and the bounded capture queue.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingParts } from '../../test/support/system.ts';
import { CaptureQueue } from '../src/capture-queue.ts';
import { openEngine, parseBpfText, udp6Frame, unavailableReason } from '../src/index.ts';
import { instrumentedFrame, settle } from './support/frames.ts';
import { createVethLab, type VethLab } from './support/veth.ts';

function pcapOf(frames: Buffer[]): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20); // DLT_EN10MB
  const recs = frames.map((f) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(f.length, 8);
    r.writeUInt32LE(f.length, 12);
    return Buffer.concat([r, f]);
  });
  return Buffer.concat([head, ...recs]);
}

describe.skipIf(missingParts({ commands: ['tshark'] }))('udp6Frame', () => {
  it('builds frames whose UDP checksum tshark calls good', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ns-frame-'));
    try {
      const frames = [0, 1, 7, 8, 33].map(
        (n, i) =>
          udp6Frame({
            srcMac: '02:00:00:00:00:0a',
            src: '2001:db8::1',
            dst: i % 2 ? 'ff0e::db8:0:1234' : 'ff3e::1234',
            srcPort: 1000 + i,
            dstPort: 5000,
            payload: Buffer.from(Array.from({ length: n }, (_, j) => (j * 37 + i) & 0xff)),
          }).frame,
      );
      writeFileSync(join(dir, 'f.pcap'), pcapOf(frames));
      const out = execFileSync(
        'tshark',
        [
          '-r',
          join(dir, 'f.pcap'),
          '-o',
          'udp.check_checksum:TRUE',
          '-T',
          'fields',
          '-e',
          'udp.checksum.status',
          '-e',
          'eth.dst',
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      );
      expect(out.trim().split('\n')).toEqual([
        '1\t33:33:00:00:12:34',
        '1\t33:33:00:00:12:34',
        '1\t33:33:00:00:12:34',
        '1\t33:33:00:00:12:34',
        '1\t33:33:00:00:12:34',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(missingParts({ commands: ['tcpdump', 'ip'], root: true }) ?? unavailableReason())(
  'parseBpfText',
  () => {
    let lab: VethLab;
    beforeAll(() => {
      lab = createVethLab('nsh');
    });
    afterAll(() => lab?.destroy());

    it('reads `tcpdump -ddd` output into a filter the receiver runs', async () => {
      const text = execFileSync('tcpdump', ['-ddd', '-y', 'EN10MB', '-s', '100', 'udp dst port 6007'], {
        encoding: 'utf8',
      });
      const prog = parseBpfText(text);
      expect(prog.length).toBe(Number(text.split('\n')[0]));
      expect(prog.at(-2)).toEqual([6, 0, 0, 100]); // ret #100: the snap length
      const rx = openEngine(lab.ifB, { netns: lab.nsB, rx: { filter: prog } });
      const tx = openEngine(lab.ifA, { netns: lab.nsA });
      try {
        const it = rx.capture();
        tx.sendBatch(tx.stream(instrumentedFrame(6008).template), 50); // filtered out
        tx.sendBatch(tx.stream(instrumentedFrame(6007).template), 20);
        let n = 0;
        for await (const b of it) {
          for (const f of b) {
            expect(f.data.length).toBe(86); // shorter than the snap length
            expect(f.data.readUInt16BE(56)).toBe(6007);
          }
          n += b.length;
          if (n >= 20) break;
        }
        const st = await settle(
          () => rx.stats().rx!,
          (s) => s.seen >= 20,
        );
        expect(st.seen).toBe(20);
      } finally {
        tx.close();
        rx.close();
      }
    });

    it('rejects malformed text with a TypeError', () => {
      expect(() => parseBpfText('2\n6 0 0 100\n')).toThrow(TypeError);
      expect(() => parseBpfText('1\n6 0 x 100\n')).toThrow(/line 2/);
    });
  },
);

describe('CaptureQueue', () => {
  it('hands items to a waiting reader, bounds the backlog by their frames and counts what it drops', async () => {
    let ended = 0;
    const q = new CaptureQueue<number[]>(
      4,
      () => ended++,
      (b) => b.length,
    );
    const first = q.next();
    q.push([1]);
    expect(await first).toEqual({ value: [1], done: false });
    q.push([2, 2]);
    q.push([3]);
    q.push([4, 4]); // 5 frames would be over the bound of 4
    q.push([6]); // one more fits
    expect(q.dropped).toBe(2);
    expect((await q.next()).value).toEqual([2, 2]);
    q.push([7, 7]); // room again once the reader took some
    expect(q.dropped).toBe(2);
    expect((await q.next()).value).toEqual([3]);
    expect((await q.next()).value).toEqual([6]);
    const pending = [q.next(), q.next()];
    await q.return();
    expect(await pending[0]).toEqual({ value: [7, 7], done: false });
    expect(await pending[1]).toEqual({ value: undefined, done: true });
    q.push([5]);
    expect(await q.next()).toEqual({ value: undefined, done: true });
    expect(ended).toBe(1);
  });
});

describe('load failure', () => {
  it('reports a missing or broken addon as a reason, and openEngine throws it clearly', () => {
    const script = `
      import { isAvailable, unavailableReason, openEngine } from '@netspotter/native';
      let thrown;
      try { openEngine('lo'); } catch (e) { thrown = e.message; }
      console.log(JSON.stringify({ available: isAvailable(), reason: unavailableReason(), thrown }));`;
    const run = (addon: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
          encoding: 'utf8',
          env: { ...process.env, NETSPOTTER_NATIVE_ADDON: addon },
        }),
      ) as { available: boolean; reason: string; thrown: string };
    const missing = run('/nonexistent/netspotter_native.node');
    expect(missing.available).toBe(false);
    expect(missing.reason).toMatch(/native addon not built .*nonexistent/);
    expect(missing.thrown).toMatch(/^@netspotter\/native unavailable: native addon not built/);
    const broken = run(fileURLToPath(import.meta.url)); // not a shared object
    expect(broken.available).toBe(false);
    expect(broken.reason).toMatch(/native addon failed to load/);
  });
});
