import { describe, expect, it } from 'vitest';
import { AddressError, expandRange, parseAddressOrRange, targetAddressProblem } from './address.ts';

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

describe('addresses from URLs and targets that are not one device', () => {
  it('percent-decodes a zone in URL form ([fe80::1%25eth0]) and keeps a plain one', () => {
    expect(parseAddressOrRange('[fe80::1%25eth0]').text).toBe('fe80::1%eth0');
    expect(parseAddressOrRange('[fe80::1%25en%2E1]').text).toBe('fe80::1%en.1');
    expect(parseAddressOrRange('fe80::1%25eth0').text).toBe('fe80::1%25eth0'); // no brackets: the zone is "25eth0"
    expect(() => parseAddressOrRange('[fe80::1%25%zz]')).toThrow(AddressError);
  });

  it.each([
    ['255.255.255.255', /broadcast/],
    ['224.0.0.1', /multicast/],
    ['239.1.2.0/24', /multicast/],
    ['ff02::1', /multicast/],
    ['ff3e::1234', /multicast/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
  ])('refuses %s as a target', (text, why) => {
    expect(targetAddressProblem(parseAddressOrRange(text))).toMatch(why);
  });

  it.each(['192.0.2.1', '2001:db8::1', 'fe80::1%eth0', '10.0.0.0/30'])('accepts %s as a target', (text) => {
    expect(targetAddressProblem(parseAddressOrRange(text))).toBeUndefined();
  });
});
