import { describe, expect, it } from 'vitest';
import {
  canonicalIp,
  compareAddresses,
  formatIpv6,
  ipv4Bytes,
  ipv6Bytes,
  maskLength,
  networkOf,
  prefixContains,
  prefixOf,
} from './ip.ts';
import { AddressError, parseAddressOrRange, rangeContains } from './address.ts';

describe('IP text and bytes', () => {
  it('parses IPv4 strictly, and leading zeros only when asked', () => {
    expect(ipv4Bytes('192.0.2.1')).toEqual(Uint8Array.of(192, 0, 2, 1));
    for (const bad of ['192.0.2', '192.0.2.256', '01.2.3.4', ' 1.2.3.4'])
      expect(ipv4Bytes(bad)).toBeUndefined();
    expect(ipv4Bytes('010.1.1.1', { leadingZeros: true })).toEqual(Uint8Array.of(10, 1, 1, 1));
  });
  it('parses IPv6 with :: and an IPv4 tail, not zones or a second ::', () => {
    expect(formatIpv6(ipv6Bytes('2001:DB8:0:0::1')!)).toBe('2001:db8::1');
    expect(formatIpv6(ipv6Bytes('::ffff:192.0.2.1')!)).toBe('::ffff:c000:201');
    for (const bad of ['2001:db8:::1', '1::2::3', 'fe80::1%eth0', '1:2:3:4:5:6:7', 'g::1'])
      expect(ipv6Bytes(bad)).toBeUndefined();
  });
  it('writes IPv6 as RFC 5952 says: the first longest run of two or more zero groups compressed', () => {
    expect(formatIpv6(ipv6Bytes('2001:db8:0:1:0:0:0:1')!)).toBe('2001:db8:0:1::1');
    expect(formatIpv6(ipv6Bytes('2001:0:0:1:0:0:1:1')!)).toBe('2001::1:0:0:1:1');
    expect(formatIpv6(ipv6Bytes('2001:db8:1:1:1:1:0:1')!)).toBe('2001:db8:1:1:1:1:0:1');
  });
  it('gives canonical text for what devices report', () => {
    expect(canonicalIp(' 010.000.2.1 ')).toBe('10.0.2.1');
    expect(canonicalIp('FE80::1%3')).toBe('fe80::1');
    expect(canonicalIp('router')).toBeUndefined();
  });
});

describe('prefixes', () => {
  it('holds the addresses of their network, of their family only', () => {
    const p = prefixOf(ipv6Bytes('2001:db8::77')!, 64);
    expect(prefixContains(p, '2001:db8::1')).toBe(true);
    expect(prefixContains(p, '2001:db8:0:1::1')).toBe(false);
    expect(prefixContains(prefixOf(ipv4Bytes('0.0.0.0')!, 0), '2001:db8::1')).toBe(false);
  });
  it('are what the follow ranges are read and matched with', () => {
    expect(rangeContains(parseAddressOrRange('192.0.2.0/28'), '192.0.2.15')).toBe(true);
    expect(rangeContains(parseAddressOrRange('192.0.2.0/28'), '192.0.2.16')).toBe(false);
    expect(rangeContains(parseAddressOrRange('[2001:db8::1]'), '2001:db8::1')).toBe(true);
    expect(() => parseAddressOrRange('2001:db8::/64%x')).toThrow(AddressError);
  });
  it('name networks and netmask lengths', () => {
    expect(networkOf('192.0.2.77', 24)).toBe('192.0.2.0/24');
    expect(networkOf('2001:db8::5', 120)).toBe('2001:db8::/120');
    expect(networkOf('192.0.2.1', 33)).toBeUndefined();
    expect(maskLength('255.255.255.240')).toBe(28);
    expect(maskLength('255.0.255.0')).toBeUndefined();
  });
});

describe('compareAddresses', () => {
  it('orders addresses as numbers, IPv4 first, ranges after their first address', () => {
    const sorted = [
      '192.0.2.10',
      '2001:db8::1',
      '192.0.2.2',
      '[2001:db8::]/64',
      'not-an-address',
      '192.0.2.0/28',
      '10.0.0.1',
    ].sort(compareAddresses);
    expect(sorted).toEqual([
      '10.0.0.1',
      '192.0.2.0/28',
      '192.0.2.2',
      '192.0.2.10',
      '[2001:db8::]/64',
      '2001:db8::1',
      'not-an-address',
    ]);
  });
});
