import { describe, expect, it } from 'vitest';
import { interfaceLines, policyWords } from './host-words.ts';

describe('agent host facts in words', () => {
  it('lists interfaces with MAC and addresses, the loopback last', () => {
    expect(
      interfaceLines([
        { name: 'lo', addresses: ['::1/128'], internal: true },
        { name: 'eth0', mac: '02:00:00:00:00:01', addresses: ['2001:db8::1/64'] },
      ]),
    ).toEqual(['eth0 02:00:00:00:00:01 2001:db8::1/64', 'lo ::1/128']);
  });
  it('says what the local policy limits', () => {
    expect(
      policyWords({
        interfaces: ['eth1'],
        maxPps: 1000,
        maxBitsPerSecond: 10_000_000,
        maxDurationMs: 60_000,
      }),
    ).toBe('only eth1 · at most 1000 pps · at most 10 Mbit/s · jobs up to 60 s');
    expect(policyWords({})).toBe('no limits');
    expect(policyWords(undefined)).toBe('not reported');
  });
});
