// Capture files: our pcap writer, and our reader on files converted by Wireshark's editcap
// (pcapng, nanosecond pcap), plus a big-endian pcap built by hand.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { missingParts } from '../../test/support/system.ts';
import {
  DecodeError,
  builtinLibrary,
  decodeCapture,
  encode,
  readCapture,
  writePcap,
} from '../src/packet/index.ts';
import { oracleFrames } from './oracle-frames.ts';

const lib = builtinLibrary();
const frames = oracleFrames.map((f, i) => ({
  data: encode(lib, f.message),
  timestampNs: 1_763_800_000_123_456_000n + BigInt(i) * 1000n,
}));
const dir = mkdtempSync(join(tmpdir(), 'netspotter-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pcap', () => {
  it('writes frames that read back with their timestamps, decoded into messages', () => {
    const back = readCapture(writePcap(frames));
    expect(back.map((f) => [f.timestampNs, Buffer.from(f.data).toString('hex')])).toEqual(
      frames.map((f) => [f.timestampNs, Buffer.from(f.data).toString('hex')]),
    );
    const decoded = decodeCapture(lib, writePcap(frames));
    expect(decoded.map((d) => d.error)).toEqual(frames.map(() => undefined));
    expect(decoded.map((d) => encode(lib, d.message!))).toEqual(frames.map((f) => f.data));
  });

  it('reads a big-endian pcap and rejects truncated files with DecodeError', () => {
    const be = Buffer.alloc(24 + 16 + 4);
    be.writeUInt32BE(0xa1b2c3d4, 0);
    be.writeUInt16BE(2, 4);
    be.writeUInt16BE(4, 6);
    be.writeUInt32BE(65535, 16);
    be.writeUInt32BE(1, 20);
    be.writeUInt32BE(5, 24);
    be.writeUInt32BE(7, 28);
    be.writeUInt32BE(4, 32);
    be.writeUInt32BE(60, 36);
    be.write('abcd', 40);
    expect(readCapture(be)).toEqual([
      {
        timestampNs: 5_000_007_000n,
        linkType: 1,
        originalLength: 60,
        data: new Uint8Array(Buffer.from('abcd')),
      },
    ]);
    expect(() => readCapture(be.subarray(0, be.length - 1))).toThrow(DecodeError);
    expect(() => readCapture(Buffer.from('not a capture file'))).toThrow(DecodeError);
    // A frame too short for Ethernet is reported, not thrown.
    expect(decodeCapture(lib, be)[0]!.error).toBe('dst: needs 6 bytes, 4 available (at byte 0)');
  });

  describe.skipIf(missingParts({ commands: ['editcap'] }))('files converted by editcap', () => {
    const file = join(dir, 'ours.pcap');
    writeFileSync(file, writePcap(frames));

    it.each([['pcapng'], ['nsecpcap']])('reads %s', (format) => {
      const out = join(dir, `converted.${format}`);
      const run = spawnSync('editcap', ['-F', format, file, out], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const back = readCapture(readFileSync(out));
      expect(back.map((f) => f.timestampNs)).toEqual(frames.map((f) => f.timestampNs));
      expect(back.map((f) => Buffer.from(f.data).toString('hex'))).toEqual(
        frames.map((f) => Buffer.from(f.data).toString('hex')),
      );
      expect(decodeCapture(lib, readFileSync(out)).every((d) => d.message?.template === 'ethernet')).toBe(
        true,
      );
    });
  });
});
