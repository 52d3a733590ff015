import { describe, expect, it } from 'vitest';
import { builtinLibrary, encode, type Message, type TemplateDef } from '@netspotter/shared';
import { encodeDetailed } from '@netspotter/shared/packet/encode';
import { bytesOf, fieldSpans, pickAtByte, spansAtByte, toHex } from './byte-map.ts';
import { getValue, setValue } from './message-path.ts';
import { checkTemplates, issueRow } from './user-templates.ts';

const frame: Message = {
  template: 'ethernet',
  values: {
    body: { template: 'ipv6', values: { hopLimit: 1, body: { template: 'udp', values: { body: 'cafe' } } } },
  },
};

describe('fieldSpans', () => {
  const { root, bytes } = encodeDetailed(builtinLibrary(), frame);
  const spans = fieldSpans(root);
  const byPath = new Map(spans.map((s) => [s.path, s]));

  it('walks into nested messages and covers the frame in order without gaps', () => {
    expect(spans[0]!.path).toBe('dst');
    expect(byPath.has('body.body.srcPort')).toBe(true);
    expect(byPath.has('body')).toBe(false); // replaced by the IPv6 fields
    const used = spans.filter((s) => s.endBit > s.startBit);
    for (let i = 1; i < used.length; i++) expect(used[i]!.startBit).toBe(used[i - 1]!.endBit);
    expect(used.at(-1)!.endBit).toBe(bytes.length * 8);
  });

  it('maps the IPv6 hop limit to byte 21 holding the value', () => {
    const hop = byPath.get('body.hopLimit')!;
    expect(bytesOf(hop)).toEqual([21]);
    expect(bytes[21]).toBe(1);
  });

  it('lets bit fields share a byte and cycles between them on click', () => {
    // byte 15 holds the IPv6 version (4 bits) and the top of the traffic class
    expect(spansAtByte(spans, 14).map((s) => s.path)).toEqual(['body.version', 'body.trafficClass']);
    expect(pickAtByte(spans, 14)).toBe('body.version');
    expect(pickAtByte(spans, 14, 'body.version')).toBe('body.trafficClass');
    expect(pickAtByte(spans, 14, 'body.trafficClass')).toBe('body.version');
  });

  it('formats bytes as the encoder produced them', () => {
    expect(toHex(bytes)).toBe(toHex(encode(builtinLibrary(), frame)));
    expect(toHex(bytes).endsWith('cafe')).toBe(true);
  });
});

describe('message paths', () => {
  it('reads and writes through nested bodies, clearing back to the default', () => {
    const m = structuredClone(frame);
    expect(getValue(m, 'body.hopLimit')).toBe(1);
    setValue(m, 'body.body.dstPort', 9);
    expect(getValue(m, 'body.body.dstPort')).toBe(9);
    setValue(m, 'body.hopLimit', undefined);
    expect(getValue(m, 'body.hopLimit')).toBeUndefined();
    expect(() => setValue(m, 'nope.x', 1)).toThrow(/no message/);
  });
});

describe('checkTemplates', () => {
  const good: TemplateDef = {
    name: 'probe',
    fields: [
      { name: 'kind', type: 'uint', bits: 8, default: 7 },
      { name: 'len', type: 'uint', bits: 8, computed: { kind: 'length', of: ['data'] } },
      { name: 'data', type: 'bytes', size: { field: 'len' } },
    ],
  };

  it('adds good templates to the built-ins', () => {
    const { library, issues } = checkTemplates([good]);
    expect(issues.size).toBe(0);
    expect(toHex(encode(library, { template: 'probe', values: { data: 'aabb' } }))).toBe('0702aabb');
  });

  it('reports structure and schema problems per template and field row, including inherited ones', () => {
    const badSize: TemplateDef = {
      name: 'bad',
      fields: [
        { name: 'data', type: 'bytes', size: { field: 'later' } },
        { name: 'later', type: 'uint', bits: 8 },
      ],
    };
    const badBits = {
      name: 'worse',
      fields: [{ name: 'x', type: 'uint', bits: 99 }],
    } as unknown as TemplateDef;
    const child: TemplateDef = { name: 'child', extends: 'bad', fields: [] };
    const { library, issues } = checkTemplates([good, badSize, badBits, child]);
    expect(library.has('probe')).toBe(true);
    expect(library.has('bad')).toBe(false);
    expect(issueRow(issues.get('bad')![0]!)).toBe(0);
    expect(issueRow(issues.get('worse')![0]!)).toBe(0);
    // the child inherits the parent's fields, and with them the problem
    expect(issues.get('child')![0]!.message).toMatch(/must come before/);
    expect(library.has('child')).toBe(false);
  });
});
