// A follow's next round keeps a neighbour with the site of the device that named it: a remote site's
// neighbours are polled by that site's pollers, which reach them, not by the server, which may not.
import { describe, expect, it } from 'vitest';
import { nextRoundBySite } from '../../src/discovery/discover.ts';
import { device } from './support/facts.ts';

const named = (name: string, own: string, neighbours: string[]) =>
  device({
    name,
    addresses: [[own, 1, 64]],
    lldp: neighbours.map((a, i) => [i + 1, { managementAddresses: [a] }]),
  });

describe('next round by site', () => {
  const hq = named('hq', '2001:db8:1::1', ['2001:db8:1::2', '2001:db8:9::9']);
  const branch = named('branch', '2001:db8:2::1', ['2001:db8:2::2', '2001:db8:9::9', '2001:db8:1::1']);
  const all = [hq, branch];
  const reached = [
    { facts: hq, site: null },
    { facts: branch, site: 'branch' },
  ];

  it('gives each neighbour the site of the device that named it, the first in poll order when several did', () => {
    const next = nextRoundBySite(all, reached, [], ['2001:db8::/32'], ['c1', 'c2']);
    expect(next).toEqual([
      { address: '2001:db8:1::2', credential: 'c1', site: null },
      { address: '2001:db8:1::2', credential: 'c2', site: null },
      { address: '2001:db8:9::9', credential: 'c1', site: null },
      { address: '2001:db8:9::9', credential: 'c2', site: null },
      { address: '2001:db8:2::2', credential: 'c1', site: 'branch' },
      { address: '2001:db8:2::2', credential: 'c2', site: 'branch' },
    ]);
  });

  it('skips what a device of the run owns and what lies outside the allowed ranges, whatever the site', () => {
    const next = nextRoundBySite(all, reached.slice(1), [], ['2001:db8:2::/48'], ['c1']);
    expect(next).toEqual([{ address: '2001:db8:2::2', credential: 'c1', site: 'branch' }]);
  });
});
