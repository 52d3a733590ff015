import { describe, expect, it } from 'vitest';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { deviceRole } from './roles.ts';

const base = (): DeviceFacts => ({
  target: 't',
  system: {},
  interfaces: [],
  addresses: [],
  neighbors: [],
  bridge: { portIfIndex: {}, fdb: [] },
  lldp: { ports: [], remotes: [] },
  cdp: { interfaceNames: {}, entries: [] },
  routes: [],
  multicast: { listeners: [], routes: [], pimNeighbors: [] },
  issues: [],
});
const defaultRoute = { destination: '0.0.0.0', prefixLength: 0, nextHop: '192.0.2.254', type: 4 };

describe('deviceRole', () => {
  it('calls a bridge with only a management default route a switch', () => {
    expect(
      deviceRole([{ ...base(), bridge: { portIfIndex: { 1: 1 }, fdb: [] }, routes: [defaultRoute] }]),
    ).toBe('switch');
  });
  it('calls a box with multicast routes or PIM neighbours a router, bridge or not', () => {
    const f = base();
    f.bridge.portIfIndex['1'] = 1;
    f.multicast.pimNeighbors.push({ ifIndex: 1, address: 'fe80::1', mib: 'pim-std' });
    expect(deviceRole([f])).toBe('router');
  });
  it('calls a box with remote routes beyond the default, or the sysServices IP bit, a router', () => {
    expect(
      deviceRole([
        { ...base(), routes: [defaultRoute, { ...defaultRoute, destination: '10.0.0.0', prefixLength: 8 }] },
      ]),
    ).toBe('router');
    expect(deviceRole([{ ...base(), system: { sysServices: 72 + 4 } }])).toBe('router');
  });
  it('calls anything else a host', () => {
    expect(deviceRole([{ ...base(), routes: [defaultRoute], system: { sysServices: 72 } }])).toBe('host');
  });
  it('calls a bridge routing between more interfaces than it bridges a router (a Juniper MX)', () => {
    const f = base();
    f.bridge.portIfIndex = { 1: 501, 2: 502 };
    f.interfaces = [{ ifIndex: 9, ifType: 24 }];
    f.addresses = [
      { address: '192.0.2.1', family: 'ipv4', ifIndex: 11, prefixLength: 30 },
      { address: '192.0.2.5', family: 'ipv4', ifIndex: 12, prefixLength: 30 },
      { address: '2001:db8:1::1', family: 'ipv6', ifIndex: 13, prefixLength: 64 },
      { address: '198.51.100.1', family: 'ipv4', ifIndex: 9, prefixLength: 24 }, // a loopback: not counted
    ];
    expect(deviceRole([f])).toBe('router');
    f.addresses = f.addresses.slice(0, 2); // two routed interfaces, two bridge ports: still a switch
    expect(deviceRole([f])).toBe('switch');
  });
});
