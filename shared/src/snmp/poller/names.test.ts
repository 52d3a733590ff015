import { describe, expect, it } from 'vitest';
import { decodeName, putName, type Named } from './names.ts';

const octets = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('names from OCTET STRINGs', () => {
  it('keeps clean UTF-8 as it is, without its trailing NULs, unflagged', () => {
    expect(decodeName(octets('Gi0/1 → core', [0, 0]))).toEqual({ text: 'Gi0/1 → core' });
    expect(decodeName('ae0')).toEqual({ text: 'ae0' });
    expect(decodeName(42)).toEqual({ text: '42' });
    expect(decodeName(undefined)).toBeUndefined();
  });

  it('writes control characters and bytes that are not UTF-8 as \\xNN and keeps the octets', () => {
    const bell = octets('uplink', [7], ' to B');
    expect(decodeName(bell)).toEqual({ text: 'uplink\\x07 to B', raw: bell.toString('hex') });
    const latin1 = octets('B', [0xfc], 'ro');
    expect(decodeName(latin1)).toEqual({ text: 'B\\xfcro', raw: '42fc726f' });
    // An embedded NUL is not an end: it is shown.
    expect(decodeName(octets('a', [0], 'b'))?.text).toBe('a\\x00b');
  });

  it('turns a hex-dump tail back into its octets: "desc", newline, "2D 31 00" is "desc-1"', () => {
    const dumped = octets('ae1 to core\n2D 31 00');
    expect(decodeName(dumped)).toEqual({ text: 'ae1 to core-1', raw: dumped.toString('hex') });
    // As recorded from a Junos vMX (ifAlias): the tail is UTF-8 again once decoded.
    expect(decodeName(octets('DCI: to LAU-DC01\n20 67 65 2D 30 C2 A7 2F 30 2F 34 '))?.text).toBe(
      'DCI: to LAU-DC01 ge-0§/0/4',
    );
  });

  it('descriptions keep their line breaks; names do not', () => {
    const descr = octets('Cisco IOS Software\r\nTechnical Support');
    expect(decodeName(descr, 'text')).toEqual({ text: 'Cisco IOS Software\r\nTechnical Support' });
    expect(decodeName(descr)?.text).toBe('Cisco IOS Software\\x0d\\x0aTechnical Support');
  });

  it('putName sets the field and flags it in rawNames; empty names only when asked', () => {
    const into: Named<'ifName' | 'ifAlias'> = {};
    putName(into, 'ifAlias', octets('x', [1]));
    putName(into, 'ifName', octets([0]));
    expect(into).toEqual({ ifAlias: 'x\\x01', rawNames: { ifAlias: '7801' } });
    putName(into, 'ifName', octets([0]), { keepEmpty: true });
    expect(into.ifName).toBe('');
  });
});
