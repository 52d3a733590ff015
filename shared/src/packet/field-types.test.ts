import { describe, expect, it } from 'vitest';
import { BYTE_FIELD_TYPES, FIELD_TYPE_NAMES, byteFieldType } from './field-types.ts';
import { TemplateLibrary } from './library.ts';
import { encode } from './encode.ts';
import { decode } from './decode.ts';

// Every entry of the table, through the whole codec: a template with a field of the type (sized ones
// given a fixed size) takes the type's own text for some bytes, and decoding gives that text back.
describe.each(Object.entries(BYTE_FIELD_TYPES))('byte field type %s', (name, type) => {
  const width = 'bits' in type ? type.bits / 8 : 5;
  const field =
    'bits' in type ? { name: 'v', type: name } : { name: 'v', type: name, size: { fixed: width } };
  const lib = new TemplateLibrary([{ name: 'probe', fields: [field] } as never]);
  const samples = [new Uint8Array(width), Uint8Array.from({ length: width }, (_, i) => 0x41 + i)];

  it('is as wide as it says, and round-trips its text through encode and decode', () => {
    expect(lib.get('probe').fields[0]!.bits).toBe(width * 8);
    for (const bytes of samples) {
      const text = type.format(bytes);
      const wire = encode(lib, { template: 'probe', values: { v: text } });
      expect(wire).toEqual(bytes);
      expect(decode(lib, wire, { template: 'probe' }).values?.v).toBe(text);
    }
  });

  it('refuses what is not its kind, or too long for the field, naming the field', () => {
    // Fixed-width types say what their text is; sized ones take any text but not more bytes than fit.
    const bad = 'bits' in type ? 'x' : type.format(new Uint8Array(width + 1));
    expect(() => encode(lib, { template: 'probe', values: { v: bad } })).toThrow(/^v: /);
  });
});

describe('the field types a template may use', () => {
  it('are the structural kinds and every byte type, as the template editor offers them', () => {
    expect(FIELD_TYPE_NAMES).toEqual(['uint', ...Object.keys(BYTE_FIELD_TYPES), 'array', 'body']);
    expect(byteFieldType('uint')).toBeUndefined();
    expect(byteFieldType('toString')).toBeUndefined();
  });
});
