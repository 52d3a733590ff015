// Property tests: encode → decode → encode is the identity for random valid messages, and decoding
// random, truncated or corrupted bytes fails only with a DecodeError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  MAX_NESTING,
  type Message,
  MessageError,
  builtinLibrary,
  decode,
  encode,
} from '../src/packet/index.ts';
import { stackMessage, stacks } from './arbitrary.ts';
import { stack } from './messages.ts';

const lib = builtinLibrary();
const anyStack = fc.constantFrom(...stacks).chain(stackMessage);

function decodeOrDecodeError(bytes: Uint8Array, template: string): void {
  try {
    decode(lib, bytes, { template });
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
  }
}

describe('properties', () => {
  it.each(stacks.map((s) => [s.join('/'), s]))('%s: encode → decode → encode is the identity', (_, stack) => {
    fc.assert(
      fc.property(stackMessage(stack as string[]), (message) => {
        const first = encode(lib, message);
        const again = encode(lib, decode(lib, first));
        expect(Buffer.from(again).toString('hex')).toBe(Buffer.from(first).toString('hex'));
      }),
      { numRuns: 150 },
    );
  });

  it('random bytes decode or throw DecodeError, against any template', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...lib.names()), (bytes, template) =>
        decodeOrDecodeError(bytes, template),
      ),
      { numRuns: 2000 },
    );
  });

  it('truncated and corrupted valid frames decode or throw DecodeError', () => {
    fc.assert(
      fc.property(
        anyStack,
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (m, cut, flips) => {
          const frame = encode(lib, m);
          decodeOrDecodeError(frame.subarray(0, cut % (frame.length + 1)), 'ethernet');
          const bad = frame.slice();
          for (const [at, v] of flips) bad[at % bad.length] = v;
          decodeOrDecodeError(bad, 'ethernet');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('corrupted frames that decode re-encode to exactly their bytes (wrong checksums kept as literal)', () => {
    let wrongKept = 0;
    fc.assert(
      fc.property(
        anyStack,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (m, flips) => {
          const bad = encode(lib, m).slice();
          for (const [at, v] of flips) bad[at % bad.length] = v;
          let decoded: Message;
          try {
            decoded = decode(lib, bad);
            if (JSON.stringify(decoded, (_, v) => (typeof v === 'bigint' ? 0 : v)).includes('"literal"'))
              wrongKept++;
            expect(Buffer.from(encode(lib, decoded))).toEqual(Buffer.from(bad));
          } catch (e) {
            // Undecodable, or a decoded value outside its field's range or enum.
            if (e instanceof DecodeError || e instanceof MessageError) return;
            throw e;
          }
        },
      ),
      { numRuns: 1000 },
    );
    expect(wrongKept).toBeGreaterThan(100);
  });

  it('keeps bytes after an inner message inside its IP payload, so the frame re-encodes the same', () => {
    const frame = encode(lib, stack('ethernet', 'ipv6', 'udp'));
    // Grow the IPv6 payload by 4 bytes the UDP length does not cover.
    const grown = new Uint8Array(frame.length + 4);
    grown.set(frame);
    grown[19] = frame[19]! + 4;
    const m = decode(lib, grown);
    expect((m.values!.body as Message).values!.body).toBe(
      Buffer.from(frame.subarray(54)).toString('hex') + '00000000',
    );
    expect(Buffer.from(encode(lib, m))).toEqual(Buffer.from(grown));
  });

  it('refuses nesting deeper than MAX_NESTING instead of exhausting the stack', () => {
    const tags = 5000;
    const frame = Buffer.alloc(14 + tags * 4 + 10);
    frame.writeUInt16BE(0x8100, 12);
    for (let i = 0; i < tags; i++) frame.writeUInt16BE(0x8100, 14 + i * 4 + 2);
    const m = decode(lib, frame);
    const isMessage = (x: unknown): x is Message => typeof x === 'object' && x !== null && 'template' in x;
    let depth = 0;
    for (let b: unknown = m; isMessage(b); b = b.values?.body) depth++;
    expect(depth).toBe(MAX_NESTING);
    expect(Buffer.from(encode(lib, m))).toEqual(frame);
  });

  it('truncating a frame inside a list raises a DecodeError naming the item path', () => {
    const report = {
      template: 'mldv2-report',
      values: { records: [{ group: 'ff3e::1' }, { group: 'ff3e::2', sources: ['2001:db8::1'] }] },
    };
    const frame = encode(lib, report);
    expect(() => decode(lib, frame.subarray(0, frame.length - 4), { template: 'mldv2-report' })).toThrow(
      expect.objectContaining({ name: 'DecodeError', path: 'records[1].sources[0]' }),
    );
    expect(() => decode(lib, frame.subarray(0, 3), { template: 'mldv2-report' })).toThrow(
      expect.objectContaining({ path: 'checksum' }),
    );
  });
});
