import { describe, expect, it } from 'vitest';
import { AddressError, expandRange, parseAddressOrRange } from './address.ts';

describe('parseAddressOrRange', () => {
  it('normalises IPv4, IPv6, brackets and zones', () => {
    expect(parseAddressOrRange('192.0.2.1')).toMatchObject({ text: '192.0.2.1', family: 4, size: 1n });
    expect(parseAddressOrRange('[2001:DB8:0:0::1]')).toMatchObject({ text: '2001:db8::1', family: 6 });
    expect(parseAddressOrRange('fe80::1%eth0').text).toBe('fe80::1%eth0');
  });
  it('normalises CIDR ranges to their network and counts them', () => {
    expect(parseAddressOrRange('192.0.2.77/24')).toMatchObject({
      text: '192.0.2.0/24',
      prefix: 24,
      size: 256n,
    });
    expect(parseAddressOrRange('2001:db8::5/120')).toMatchObject({ text: '2001:db8::/120', size: 256n });
  });
  it.each([
    '192.0.2',
    '300.1.1.1',
    '2001:db8:::1',
    '192.0.2.0/33',
    '2001:db8::/129',
    'host',
    '10.0.0.1%eth0',
    '2001:db8::/64%x',
  ])('rejects %s', (bad) => expect(() => parseAddressOrRange(bad)).toThrow(AddressError));
  it('expands ranges without IPv4 network and broadcast', () => {
    expect([...expandRange(parseAddressOrRange('192.0.2.0/30'))]).toEqual(['192.0.2.1', '192.0.2.2']);
    expect([...expandRange(parseAddressOrRange('2001:db8::/127'))]).toEqual(['2001:db8::', '2001:db8::1']);
  });
});
