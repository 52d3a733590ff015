import { describe, expect, it } from 'vitest';
import { formatMac, macBytes, normaliseMac } from './mac.ts';

describe('MAC addresses', () => {
  it('read every usual spelling to one text', () => {
    for (const text of [
      '00:16:c8:bd:4d:80',
      '00-16-C8-BD-4D-80',
      '0:16:c8:bd:4d:80',
      '00 16 c8 bd 4d 80',
      '0016.c8bd.4d80',
      '0016c8bd4d80',
      ' 00:16:c8:bd:4d:80 ',
    ])
      expect(normaliseMac(text), text).toBe('00:16:c8:bd:4d:80');
  });
  it('refuse what is not one', () => {
    for (const bad of ['33:33:zz:00:00:01', '00:16:c8:bd:4d', '00:16-c8:bd:4d:80', '0016c8bd4d8', 'host'])
      expect(macBytes(bad), bad).toBeUndefined();
  });
  it('write bytes as lower-case pairs', () => {
    expect(formatMac(Uint8Array.of(0x33, 0x33, 0, 0, 0x12, 0xab))).toBe('33:33:00:00:12:ab');
  });
});
