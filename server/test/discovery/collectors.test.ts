// Collectors against small hand-written recordings (recordings/*.rec) served by a real snmpsim.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollDevice, type PollSettings } from '@netspotter/shared/snmp/collect-device';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { missingParts } from '../../../test/support/system.ts';
import { startSnmpsim, SNMPSIM, type Snmpsim } from './support/snmpsim.ts';

const RECORDINGS = join(dirname(fileURLToPath(import.meta.url)), 'recordings');
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget'] });
const settings: PollSettings = {
  timeoutMs: 1000,
  retries: 0,
  bulkBudget: 48,
  maxRows: 100_000,
  deviceBudgetMs: 60_000,
  vlanBudget: 64,
};

let sim: Snmpsim;
async function poll(community: string, version: 'v1' | 'v2c' = 'v2c'): Promise<DeviceFacts> {
  const out = await pollDevice(
    { address: '127.0.0.1', port: sim.port, credential: { version, community } },
    settings,
    () => {},
  );
  if (!out.ok) throw new Error(`${community}: ${out.reason}`);
  return out.facts;
}

describe.skipIf(skip)('collectors on hand-written recordings', () => {
  beforeAll(async () => {
    const files = Object.fromEntries(
      readdirSync(RECORDINGS)
        .filter((f) => f.endsWith('.rec'))
        .map((f) => [f.replace(/\.rec$/, ''), join(RECORDINGS, f)]),
    );
    sim = await startSnmpsim(files);
  }, 60_000);
  afterAll(async () => sim?.stop());

  it('system and IF-MIB: ifIndex from the row index, MACs, Counter64 beyond 2^63 exact', async () => {
    const f = await poll('switch-a');
    expect(f.system).toMatchObject({
      sysName: 'switch-a',
      sysObjectID: '1.3.6.1.4.1.30065.1.1',
      sysUpTime: 12345,
    });
    expect(f.interfaces.map((i) => i.ifIndex)).toEqual([1, 2, 3, 100]);
    expect(f.interfaces[0]).toMatchObject({
      ifName: 'Et1',
      ifDescr: 'Ethernet1',
      mac: '02:00:00:00:0a:01',
      hcInOctets: '18446744073709551615',
      hcOutOctets: '42',
    });
  });

  it('IP-MIB addresses with prefix from the RowPointer, v4 and v6', async () => {
    const f = await poll('switch-a');
    expect(f.addresses).toEqual(
      expect.arrayContaining([
        { address: '192.0.2.1', family: 'ipv4', ifIndex: 100, prefixLength: 24 },
        { address: '2001:db8:10::1', family: 'ipv6', ifIndex: 100, prefixLength: 64 },
      ]),
    );
  });

  it('ipNetToPhysical: with and without the length sub-id, invalid entries dropped', async () => {
    const f = await poll('switch-a');
    expect(f.neighbors.map((n) => n.address).sort()).toEqual(['192.0.2.99', '2001:db8:10::99', 'fe80::99']);
    expect(f.neighbors.every((n) => n.mac === '02:00:00:00:00:99' && n.ifIndex === 100)).toBe(true);
  });

  it('LLDP: chassis/port ids per subtype and management addresses in malformed index encodings', async () => {
    const f = await poll('switch-a');
    expect(f.lldp).toMatchObject({
      chassisIdSubtype: 4,
      chassisId: '02:00:00:00:aa:00',
      sysName: 'switch-a',
    });
    expect(f.lldp.ports.find((p) => p.portNum === 3)).toEqual({
      portNum: 3,
      idSubtype: 7,
      id: '3',
      desc: 'Ethernet3',
    });
    const byPort = Object.fromEntries(f.lldp.remotes.map((r) => [r.localPortNum, r]));
    expect(byPort[1]).toMatchObject({
      chassisId: '02:00:00:00:bb:00',
      portId: 'Gi0/1',
      sysName: 'switch-b',
      managementAddresses: ['192.0.2.2', '2001:db8:10::2'],
    });
    expect(byPort[2]).toMatchObject({
      chassisId: '02:00:00:00:cc:00',
      portIdSubtype: 3,
      portId: '02:00:00:00:cc:05',
      managementAddresses: ['192.0.2.3'],
    });
    expect(byPort[3]).toMatchObject({
      chassisIdSubtype: 7,
      chassisId: 'host-d',
      portId: '17',
      managementAddresses: ['10.0.0.4'],
    });
  });

  it('LLDP on RouterOS < 7.7: the local port of a neighbour-only index comes from MIKROTIK-MIB, by name', async () => {
    const f = await poll('mikrotik');
    const bySysName = Object.fromEntries(f.lldp.remotes.map((r) => [r.sysName, r]));
    // Interface ids 11 and 12 name sfp-sfpplus1 and ether1, which are ifIndex 1 and 2.
    expect(bySysName['sw-core']).toMatchObject({
      localIfIndex: 1,
      chassisId: '02:00:00:00:ee:01',
      portId: 'Gi0/3',
      // The local port came from MIKROTIK-MIB: the neighbour says so.
      tables: ['MIKROTIK-MIB'],
    });
    expect(bySysName['ap-7']).toMatchObject({ localIfIndex: 2, portId: 'eth0' });
    // An id whose name matches no interface leaves the port unknown rather than guessed.
    expect(bySysName['ap-9']).toBeDefined();
    expect(bySysName['ap-9']!.localIfIndex).toBeUndefined();
    expect(bySysName['ap-9']!.tables).toBeUndefined();
    expect(f.lldp.remotes.every((r) => r.localPortNum === undefined)).toBe(true);
  });

  it('Q-BRIDGE FDB: FdbId mapped to VLAN, bridge port to ifIndex, length-prefixed MAC index repaired', async () => {
    const f = await poll('switch-a');
    expect(f.bridge.baseAddress).toBe('02:00:00:00:aa:00');
    const fdb = Object.fromEntries(f.bridge.fdb.map((e) => [e.mac, e]));
    expect(fdb['02:00:00:00:00:99']).toEqual({
      mac: '02:00:00:00:00:99',
      vlan: 10,
      port: 3,
      ifIndex: 3,
      status: 3,
    });
    expect(fdb['02:00:00:00:00:77']).toMatchObject({ vlan: 20, ifIndex: 3 });
    expect(fdb['02:00:00:00:0a:01']).toMatchObject({ status: 4 });
    expect(fdb['02:00:00:00:00:66']).toMatchObject({ ifIndex: 2 });
  });

  it('inetCidrRouteTable: v4 and v6 routes with next hops', async () => {
    const f = await poll('switch-a');
    expect(f.routes).toEqual(
      expect.arrayContaining([
        { destination: '0.0.0.0', prefixLength: 0, nextHop: '192.0.2.254', ifIndex: 100, type: 4, proto: 3 },
        { destination: '2001:db8:20::', prefixLength: 48, nextHop: '2001:db8:10::2', ifIndex: 100 },
      ]),
    );
  });

  it('multicast: MGMD listeners with MLDv2 sources, IPMCAST (S,G) and (*,G) with next hops, PIM-STD neighbours', async () => {
    const f = await poll('router-m');
    expect(f.multicast.listeners).toEqual([
      {
        group: 'ff3e::db8:1234',
        ifIndex: 12,
        lastReporter: '2001:db8:2::50',
        sources: ['2001:db8:1::11'],
        mib: 'mgmd',
      },
    ]);
    const sg = f.multicast.routes.find((r) => r.source);
    expect(sg).toMatchObject({
      group: 'ff3e::db8:1234',
      source: '2001:db8:1::11',
      inIfIndex: 11,
      upstream: 'fe80::1',
      protocol: 8,
      pkts: '9007199254740993',
    });
    expect(sg!.nextHops).toEqual([{ ifIndex: 12, address: 'ff3e::db8:1234', state: 2 }]);
    const starG = f.multicast.routes.find((r) => !r.source);
    expect(starG).toMatchObject({ group: 'ff3e::db8:1234', sourcePrefixLength: 0 });
    expect(starG!.nextHops[0]!.state).toBe(1);
    expect(f.multicast.pimNeighbors).toEqual([{ ifIndex: 11, address: 'fe80::1', mib: 'pim-std' }]);
  });

  it('MGMD cache rows without LastReporter (a snooping switch) still give the listeners', async () => {
    const f = await poll('snooper');
    expect(f.multicast.listeners).toEqual([
      { group: 'ff0e::db8:0:5678', ifIndex: 3, mib: 'mgmd' },
      { group: 'ff3e::db8:1234', ifIndex: 4, sources: ['2001:db8:1::11'], mib: 'mgmd' },
    ]);
  });

  it('CDP cache and ipCidrRouteTable fallback', async () => {
    const f = await poll('router-m');
    expect(f.cdp.deviceId).toBe('router-m');
    expect(f.cdp.entries).toEqual([
      { ifIndex: 11, deviceId: 'switch-a.example.net', devicePort: 'Ethernet3', address: '192.0.2.2' },
    ]);
    expect(f.routes).toEqual(
      expect.arrayContaining([
        { destination: '0.0.0.0', prefixLength: 0, nextHop: '192.0.2.1', ifIndex: 11 },
        { destination: '10.1.0.0', prefixLength: 16, nextHop: '10.0.0.1', ifIndex: 12 },
      ]),
    );
  });

  it('fallback MIBs: ipAddrTable, IPV6-MIB, RFC 1213 ipRouteTable, ipNetToMedia, ipv6NetToMedia, dot1dTpFdb, MLD, IPMROUTE-STD, PIM-MIB, LLDP-V2 (SNMPv1, GETNEXT only)', async () => {
    const f = await poll('legacy', 'v1');
    expect(f.addresses).toEqual([
      { address: '198.51.100.1', family: 'ipv4', ifIndex: 5, prefixLength: 30 },
      { address: '2001:db8:30::1', family: 'ipv6', ifIndex: 6, prefixLength: 64 },
    ]);
    expect(f.neighbors).toEqual([
      { ifIndex: 5, address: '198.51.100.2', family: 'ipv4', mac: '02:00:00:00:00:e2' },
      { ifIndex: 6, address: '2001:db8:30::2', family: 'ipv6', mac: '02:00:00:00:00:e3' },
    ]);
    expect(f.bridge.fdb).toEqual([{ mac: '02:00:00:00:00:e4', port: 1, ifIndex: 6, status: 3 }]);
    expect(f.routes).toEqual([
      { destination: '0.0.0.0', prefixLength: 0, nextHop: '198.51.100.2', ifIndex: 5, type: 4, proto: 3 },
      { destination: '10.20.0.0', prefixLength: 16, nextHop: '198.51.100.6', ifIndex: 6, type: 4, proto: 13 },
      {
        destination: '198.51.100.0',
        prefixLength: 30,
        nextHop: '198.51.100.1',
        ifIndex: 5,
        type: 3,
        proto: 2,
      },
    ]);
    expect(f.multicast.listeners).toEqual([{ group: 'ff0e::db8:0:1234', ifIndex: 6, mib: 'mld' }]);
    expect(f.multicast.routes).toEqual([
      {
        group: '239.1.1.1',
        groupPrefixLength: 32,
        source: '198.51.100.9',
        sourcePrefixLength: 32,
        inIfIndex: 5,
        upstream: '198.51.100.2',
        nextHops: [{ ifIndex: 6, address: '239.1.1.1', state: 2 }],
        mib: 'ipmroute-std',
      },
    ]);
    expect(f.multicast.pimNeighbors).toEqual([{ ifIndex: 5, address: '198.51.100.2', mib: 'pim-exp' }]);
    expect(f.lldp.remotes).toEqual([
      {
        localIfIndex: 6,
        chassisIdSubtype: 4,
        chassisId: '02:00:00:00:00:f0',
        portIdSubtype: 5,
        portId: 'port-7',
        sysName: 'v2-peer',
        managementAddresses: ['198.51.100.7'],
        remIndex: 1,
        // The neighbour says which table found it: evidence beyond LLDP-MIB.
        tables: ['LLDP-V2-MIB'],
      },
    ]);
  });

  it('Cisco per-VLAN BRIDGE-MIB: community@vlan for operational VTP VLANs, reserved/suspended skipped', async () => {
    const f = await poll('cisco-v');
    expect(f.bridge.fdb.map((e) => [e.mac, e.vlan, e.ifIndex])).toEqual([
      ['02:00:00:00:01:01', 1, 10101],
      ['02:00:00:00:10:01', 10, 10102],
      ['02:00:00:00:10:02', 10, 10102],
    ]);
    expect(f.bridge.portIfIndex).toEqual({ '1': 10101, '2': 10102 });
  });
});
