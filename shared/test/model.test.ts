// Templates (inheritance, structure checks), computed fields over nested bodies, validation paths,
// expected-message matching, compiled frames, address helpers and the JSON Schema.
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import {
  type Message,
  MAX_NESTING,
  MessageError,
  TemplateError,
  TemplateLibrary,
  TemplateSchema,
  templateIssues,
  type TemplateDef,
  builtinLibrary,
  compile,
  decode,
  encode,
  eui64,
  match,
  multicastMac,
  solicitedNode,
  validateMessage,
} from '../src/packet/index.ts';
import { crc32 } from '../src/packet/checksum.ts';
import { stack } from './messages.ts';

const lib = builtinLibrary();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('inheritance', () => {
  const base: TemplateDef = {
    name: 'base',
    fields: [
      { name: 'kind', type: 'uint', bits: 8, default: 1 },
      { name: 'len', type: 'uint', bits: 8, computed: { kind: 'length', of: 'message' } },
      { name: 'body', type: 'body' },
    ],
  };

  it('overrides defaults, replaces same-named fields and adds new fields before the body', () => {
    const l = new TemplateLibrary([
      base,
      {
        name: 'child',
        extends: 'base',
        defaults: { kind: 7 },
        fields: [
          { name: 'extra', type: 'uint', bits: 16, default: 0xabcd },
          { name: 'len', type: 'uint', bits: 16, computed: { kind: 'length', of: 'message' } },
        ],
      },
      {
        name: 'grandchild',
        extends: 'child',
        defaults: { extra: 1 },
        fields: [{ name: 'tail', type: 'ipv4' }],
      },
    ]);
    expect(l.get('grandchild').fields.map((f) => f.name)).toEqual(['kind', 'len', 'extra', 'tail', 'body']);
    expect(hex(encode(l, { template: 'child', values: { body: 'ff' } }))).toBe('070006abcdff');
    expect(hex(encode(l, { template: 'grandchild', values: { tail: '192.0.2.1' } }))).toBe(
      '0700090001c0000201',
    );
  });

  it('rejects extends cycles and unknown parents', () => {
    const l = new TemplateLibrary([
      { name: 'a', extends: 'b', fields: [] },
      { name: 'b', extends: 'c', fields: [] },
      { name: 'c', extends: 'a', fields: [] },
      { name: 'orphan', extends: 'nobody', fields: [] },
    ]);
    expect(() => l.get('a')).toThrow(/extends: cycle a → b → c → a/);
    expect(() => l.get('orphan')).toThrow(/no such template "nobody"/);
    expect(
      l
        .check()
        .map((e) => e.template)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'orphan']);
  });

  it('lists the issues of a definition for an editor or API', () => {
    expect(templateIssues(lib, { name: 'ok', extends: 'udp', defaults: { dstPort: 9 }, fields: [] })).toEqual(
      [],
    );
    expect(templateIssues(lib, { name: 'loop', extends: 'loop', fields: [] })).toEqual([
      { path: 'extends', message: 'cycle loop → loop' },
    ]);
    expect(templateIssues(lib, { name: 'bad', fields: [{ name: 'x', type: 'uint' }] })).toEqual([
      { path: 'fields[0]', message: 'must have required properties bits' },
    ]);
  });

  it('checks structure: bit alignment, size references, schema', () => {
    const l = new TemplateLibrary([
      {
        name: 'misaligned',
        fields: [
          { name: 'a', type: 'uint', bits: 3 },
          { name: 'm', type: 'mac' },
        ],
      },
      {
        name: 'badref',
        fields: [
          { name: 'data', type: 'bytes', size: { field: 'later' } },
          { name: 'later', type: 'uint', bits: 8 },
        ],
      },
    ]);
    expect(() => l.get('misaligned')).toThrow(/"m" starts at bit 3 of a byte/);
    expect(() => l.get('badref')).toThrow(/"later" must come before the field it sizes/);
    expect(
      () => new TemplateLibrary([{ name: 'x', fields: [{ name: 'a', type: 'uint', bits: 65 }] } as never]),
    ).toThrow(TemplateError);
  });
});

describe('computed fields', () => {
  it('fill lengths and checksums through nested bodies (IPv6 → Hop-by-Hop → MLDv2)', () => {
    const m: Message = {
      template: 'ipv6',
      values: {
        src: 'fe80::1',
        dst: 'ff02::16',
        body: {
          template: 'ipv6-hop-by-hop',
          values: { body: { template: 'mldv2-report', values: { records: [{ sources: ['2001:db8::1'] }] } } },
        },
      },
    };
    const bytes = encode(lib, m);
    const d = decode(lib, bytes, { template: 'ipv6' }).values!;
    // 8 (HbH) + 8 (MLDv2 header) + 20 (record) + 16 (source)
    expect(d.payloadLength).toBe(52);
    expect(d.nextHeader).toBe(0);
    const hbh = (d.body as Message).values!;
    expect(hbh.nextHeader).toBe(58);
    expect(hbh.hdrExtLen).toBe(0);
    const report = (hbh.body as Message).values!;
    expect(report.numRecords).toBe(1);
    expect((report.records as Array<Record<string, unknown>>)[0]!.numSources).toBe(1);
    // The ICMPv6 checksum covers the pseudo-header: changing the IPv6 source changes it.
    const other = encode(lib, { ...m, values: { ...m.values, src: 'fe80::2' } });
    expect(hex(other.subarray(50, 52))).not.toBe(hex(bytes.subarray(50, 52)));
  });

  it('computes CRC-32 and lengths with unit and offset over named fields of a user template', () => {
    const l = lib.with([
      {
        name: 'framed',
        fields: [
          {
            name: 'words',
            type: 'uint',
            bits: 8,
            computed: { kind: 'length', of: ['payload', 'trailer'], unit: 4, offset: 4 },
          },
          { name: 'payload', type: 'bytes', size: { field: 'words', unit: 4 } },
          { name: 'trailer', type: 'bytes', size: { fixed: 4 }, default: 'a1a2a3a4' },
          { name: 'crc', type: 'uint', bits: 32, computed: { kind: 'crc32', of: ['payload'] } },
        ],
      },
    ]);
    const bytes = encode(l, { template: 'framed', values: { payload: '0102030405060708' } });
    expect(bytes[0]).toBe(2);
    expect(Buffer.from(bytes).readUInt32BE(13)).toBe(crc32([Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)]));
    expect(crc32([new TextEncoder().encode('123456789')])).toBe(0xcbf43926);
    expect(decode(l, bytes, { template: 'framed' }).values!.payload).toBe('0102030405060708');
  });

  it('keeps a literal computed value (a deliberately wrong checksum)', () => {
    const m = { template: 'udp', values: { checksum: 0x1234 }, literal: ['checksum'] };
    expect(hex(encode(lib, m).subarray(6, 8))).toBe('1234');
  });
});

describe('conditional fields', () => {
  const hbh = (options: unknown[]): Message => stack(['ipv6-hop-by-hop', { options }], 'mldv1-report');

  it('encode and decode Pad1 options, which are the type byte alone', () => {
    const bytes = encode(lib, hbh([{ type: 5, data: '0000' }, { type: 0 }, { type: 0 }]));
    expect(hex(bytes.subarray(0, 8))).toBe('3a00050200000000');
    const back = decode(lib, bytes, { template: 'ipv6-hop-by-hop' });
    expect(back.values!.options).toEqual([{ type: 5, length: 2, data: '0000' }, { type: 0 }, { type: 0 }]);
    expect(hex(encode(lib, back))).toBe(hex(bytes));
  });

  it('reject values for fields that are not present, and conditions on computed fields', () => {
    expect(
      validateMessage(lib, hbh([{ type: 5, data: '0000' }, { type: 0, data: '00' }, { type: 0 }])),
    ).toEqual([{ path: 'options[1].data', message: 'not present with these values' }]);
    const l = new TemplateLibrary([
      {
        name: 'c',
        fields: [
          { name: 'n', type: 'uint', bits: 8, computed: { kind: 'length', of: 'message' } },
          { name: 'x', type: 'uint', bits: 8, when: { field: 'n', in: [2] } },
        ],
      },
    ]);
    expect(() => l.get('c')).toThrow(/fields\[1\]\.when: "n" is computed/);
  });
});

describe('validation', () => {
  it('names the path of each problem', () => {
    const bad: Message = {
      template: 'ethernet',
      values: {
        dst: '33:33:zz:00:00:01',
        body: {
          template: 'ipv6',
          values: {
            hopLimit: 256,
            body: {
              template: 'ipv6-hop-by-hop',
              values: {
                body: {
                  template: 'mldv2-report',
                  values: {
                    records: [{}, {}, { sources: ['2001:db8::1', 'ff3e::1::2'] }, { recordType: 'sideways' }],
                  },
                },
              },
            },
          },
        },
      },
    };
    expect(validateMessage(lib, bad)).toEqual([
      { path: 'dst', message: 'not a MAC address' },
      { path: 'body.hopLimit', message: '256 does not fit in 8 bits' },
      { path: 'body.body.body.records[2].sources[1]', message: 'not an IPv6 address' },
      {
        path: 'body.body.body.records[3].recordType',
        message: expect.stringMatching(/^not an unsigned integer/),
      },
    ]);
    expect(() => encode(lib, bad)).toThrow(MessageError);
    expect(() => encode(lib, bad)).toThrow(/^dst: not a MAC address; body.hopLimit/);
  });

  it('refuses messages nested deeper than MAX_NESTING', () => {
    const deep = stack('ethernet', ...Array<string>(MAX_NESTING).fill('vlan'));
    const path = Array<string>(MAX_NESTING).fill('body').join('.');
    expect(validateMessage(lib, deep)).toEqual([
      { path, message: `nested deeper than ${MAX_NESTING} messages` },
    ]);
  });

  it('reports unknown templates and fields, ranges, and sizes that disagree with their length field', () => {
    expect(validateMessage(lib, { template: 'nope' })).toEqual([
      { path: 'template', message: 'no such template "nope"' },
    ]);
    expect(validateMessage(lib, { template: 'udp', values: { port: 1 } })).toEqual([
      { path: 'port', message: 'no such field in "udp"' },
    ]);
    expect(validateMessage(lib, { template: 'vlan', values: { vid: 4095 } })).toEqual([
      { path: 'vid', message: '4095 is above the maximum 4094' },
    ]);
    expect(
      validateMessage(lib, {
        template: 'ipv6-hop-by-hop',
        values: { options: [{ type: 5, data: '0000' }] },
      })[0],
    ).toEqual({
      path: 'hdrExtLen',
      message: expect.stringContaining('6 bytes cannot be expressed'),
    });
  });
});

describe('match', () => {
  const sent: Message = {
    template: 'ethernet',
    values: {
      dst: multicastMac('ff3e::1234'),
      body: {
        template: 'ipv6',
        values: {
          src: '2001:db8::5',
          dst: 'ff3e::1234',
          body: {
            template: 'udp',
            values: { dstPort: 5000, body: { template: 'test-signature', values: { streamId: 9, seq: 77 } } },
          },
        },
      },
    },
  };
  const frame = encode(lib, sent);
  const expecting = (
    ip: Record<string, unknown>,
    sig: Record<string, unknown> = { streamId: 9, seq: { any: true } },
  ): Message => ({
    template: 'ethernet',
    values: {
      dst: { any: true },
      body: {
        template: 'ipv6',
        values: {
          src: { any: true },
          dst: 'ff3e::1234',
          ...ip,
          body: {
            template: 'udp',
            values: { dstPort: 5000, body: { template: 'test-signature', values: sig } },
          },
        },
      },
    },
  });

  it('passes with ANY, mask/value and range', () => {
    expect(match(lib, expecting({}), frame)).toEqual({ ok: true });
    expect(match(lib, expecting({ src: { mask: 'ffff:ffff::', value: '2001:db8::' } }), frame)).toEqual({
      ok: true,
    });
    expect(match(lib, expecting({}, { streamId: 9, seq: { min: 70, max: 80 } }), frame)).toEqual({
      ok: true,
    });
    expect(match(lib, expecting({ hopLimit: { mask: '0xf0', value: 0x40 } }), frame)).toEqual({ ok: true });
  });

  it('reports the first mismatching field with expected and actual values', () => {
    expect(match(lib, expecting({ src: { mask: 'ffff:ffff::', value: '2001:db9::' } }), frame)).toEqual({
      ok: false,
      path: 'body.src',
      expected: '2001:db9:: under mask ffff:ffff::',
      actual: '2001:db8::5',
    });
    expect(match(lib, expecting({}, { streamId: 9, seq: { min: 1, max: 10 } }), frame)).toEqual({
      ok: false,
      path: 'body.body.body.seq',
      expected: '1..10',
      actual: '77',
    });
    // Fields left out must equal their defaults: hop limit 64 vs an expected 1.
    expect(match(lib, expecting({ hopLimit: 1 }), frame)).toMatchObject({
      ok: false,
      path: 'body.hopLimit',
      expected: '1',
      actual: '64',
    });
    expect(match(lib, expecting({}, { streamId: 8 }), frame)).toMatchObject({
      path: 'body.body.body.streamId',
    });
    // …unless left-out fields match anything.
    const loose = { unspecified: 'any' } as const;
    expect(match(lib, stack('ethernet', ['ipv6', { dst: 'ff3e::1234' }]), frame, loose)).toEqual({
      ok: true,
    });
    expect(match(lib, stack('ethernet', ['ipv6', { dst: 'ff3e::1235' }]), frame, loose)).toMatchObject({
      path: 'body.dst',
    });
  });

  it('reports a frame that does not decode as the expected templates', () => {
    const r = match(lib, { template: 'ethernet', values: { body: { template: 'ipv4' } } }, frame);
    expect(r).toMatchObject({ ok: false, actual: 'undecodable' });
  });

  it('rejects expectations that are not valid for the field', () => {
    expect(() => match(lib, expecting({ dst: 'not-an-address' }), frame)).toThrow(
      /body.dst: not an IPv6 address/,
    );
  });
});

describe('compile', () => {
  const messages: Message[] = [
    stack('ethernet', 'ipv6', 'udp', ['test-signature', { streamId: 3, body: 'abcdef' }]),
    stack('ethernet', 'vlan', 'ipv4', 'udp', 'test-signature'),
    // An odd-length field before the signature puts the patched words at odd offsets of the UDP checksum.
    stack('ethernet', 'ipv6', 'udp', ['odd', { lead: 'aa' }], 'test-signature'),
  ];
  const l = lib.with([
    {
      name: 'odd',
      fields: [
        { name: 'lead', type: 'bytes', size: { fixed: 1 } },
        { name: 'body', type: 'body' },
      ],
    },
  ]);
  const withSig = (m: Message, sig: Record<string, unknown>): Message =>
    JSON.parse(JSON.stringify(m), (k, v) =>
      v?.template === 'test-signature' ? { ...v, values: { ...v.values, ...sig } } : v,
    );

  it.each(messages.map((m, i) => [i, m]))(
    'message %i: patched frames equal frames encoded from scratch',
    (_, m) => {
      const c = compile(l, m as Message);
      const buf = new Uint8Array(c.length + 5);
      for (const [seq, sec, nsec] of [
        [1, 2, 3],
        [2 ** 40 + 77, 1_763_800_000, 999_999_999],
        [2 ** 32 - 1, 0xffffffff, 0],
        [0, 0, 0],
      ] as const) {
        c.writeFrame(buf, 5, seq, sec, nsec);
        const want = encode(l, withSig(m as Message, { seq, txSec: sec, txNsec: nsec }));
        expect(hex(buf.subarray(5))).toBe(hex(want));
      }
      c.withStreamId(0xdeadbeef).writeFrame(buf, 5, 12, 13, 14);
      expect(hex(buf.subarray(5))).toBe(
        hex(encode(l, withSig(m as Message, { streamId: 0xdeadbeef, seq: 12, txSec: 13, txNsec: 14 }))),
      );
    },
  );

  it('recomputes a CRC-32 over patched fields and leaves literal checksums alone', () => {
    const crcLib = lib.with([
      {
        name: 'signed-crc',
        extends: 'test-signature',
        fields: [{ name: 'crc', type: 'uint', bits: 32, computed: { kind: 'crc32', of: ['seq', 'txSec'] } }],
      },
    ]);
    const m = (seq: number, literal: boolean): Message => ({
      template: 'udp',
      values: { checksum: 0xbad, body: { template: 'signed-crc', values: { seq, txSec: 5 } } },
      literal: literal ? ['checksum'] : [],
    });
    for (const literal of [false, true]) {
      const c = compile(crcLib, m(0, literal));
      const buf = new Uint8Array(c.length);
      c.writeFrame(buf, 0, 99, 5, 0);
      expect(hex(buf)).toBe(hex(encode(crcLib, m(99, literal))));
      expect(hex(buf.subarray(6, 8)) === '0bad').toBe(literal);
    }
  });

  it('patches explicit paths and rejects fields that cannot be patched', () => {
    const m: Message = { template: 'ipv6', values: { body: { template: 'icmpv6-echo-request' } } };
    const c = compile(lib, m, { seq: 'body.sequence' });
    const buf = new Uint8Array(c.length);
    c.writeFrame(buf, 0, 513, 0, 0);
    expect(hex(buf)).toBe(
      hex(
        encode(lib, {
          template: 'ipv6',
          values: { body: { template: 'icmpv6-echo-request', values: { sequence: 513 } } },
        }),
      ),
    );
    expect(() => compile(lib, m, { seq: 'body.code' })).toThrow(/byte-aligned 16, 32 or 64-bit/);
    expect(() => compile(lib, m, { seq: 'body.nope' })).toThrow(/body.nope: no such field/);
  });
});

describe('helpers', () => {
  it('maps groups to MACs and derives solicited-node and EUI-64 addresses', () => {
    expect(multicastMac('ff3e::8000:1234')).toBe('33:33:80:00:12:34');
    expect(multicastMac('239.129.1.2')).toBe('01:00:5e:01:01:02');
    expect(() => multicastMac('2001:db8::1')).toThrow(/not a multicast address/);
    expect(solicitedNode('2001:db8::aa:bbcc:ddee')).toBe('ff02::1:ffcc:ddee');
    expect(eui64('00:1b:21:3a:4b:5c')).toBe('fe80::21b:21ff:fe3a:4b5c');
    expect(eui64('02:00:00:00:00:01', '2001:db8:1:2::')).toBe('2001:db8:1:2:0:ff:fe00:1');
  });
});

describe('JSON Schema', () => {
  it('accepts every built-in template and rejects malformed ones', () => {
    const check = Compile(TemplateSchema);
    for (const name of lib.names()) expect(check.Check(lib.definition(name))).toBe(true);
    expect(check.Check({ name: 'x', fields: [{ name: 'y', type: 'float' }] })).toBe(false);
    expect(JSON.parse(JSON.stringify(TemplateSchema)).properties.fields.type).toBe('array');
  });
});
