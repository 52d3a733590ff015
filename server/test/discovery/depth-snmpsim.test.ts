// Discovery depth end to end over a real snmpsim, on hand-written recordings (recordings/*.rec) written from the
// MIB definitions in the formats the devices use: VLANs (Q-BRIDGE-MIB, Cisco VTP), spanning tree per VLAN
// (PVST+ in community@VLAN instances) and per MST instance, snooping state (CISCO-IGMP-SNOOPING-MIB,
// HP-ICF-MLD-MIB), vendor neighbour tables, FDB quirks, names, and units merged onto their ports.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/discovery/discover.ts';
import type { DiscoveryResult, Link } from '../../src/discovery/result.ts';
import { missingParts } from '../../../test/support/system.ts';
import { discoverCli } from './support/discover-cli.ts';
import { startSnmpsim, SNMPSIM, type Snmpsim } from './support/snmpsim.ts';

const RECORDINGS = join(dirname(fileURLToPath(import.meta.url)), 'recordings');
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget'] });
const DEPTH = [
  'vlan-cisco',
  'vlan-q',
  'hp-snoop',
  'aos',
  'jetstream',
  'mikrotik-fdb',
  'exos',
  'fortiswitch',
  'vrp',
  'timetra',
  'lldpv2',
  'names',
  'junos-a',
  'junos-b',
];

let sim: Snmpsim;
const run = (names: string[]) =>
  discover({
    targets: names.map((n) => ({
      address: '127.0.0.1',
      port: sim.port,
      name: n,
      credential: { version: 'v2c' as const, community: n },
    })),
    includeFacts: true,
  });
const cli = (names: string[]) => {
  const r = discoverCli(names.map((n) => `127.0.0.1:${sim.port} ${n}`));
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n');
};
const between = (r: DiscoveryResult, a: string, b: string): Link[] =>
  r.links.filter(
    (l) => l.layer === 'l2' && [l.a.device, l.b.device].sort().join('|') === [a, b].sort().join('|'),
  );
/** The end of a link on a device. */
const end = (l: Link, device: string) => (l.a.device === device ? l.a : l.b);

describe.skipIf(skip)('discovery depth over snmpsim', () => {
  beforeAll(async () => {
    // Each recording under its name; `name@VLAN` files answer community name@VLAN (per-VLAN BRIDGE-MIB).
    const files = readdirSync(RECORDINGS)
      .filter((f) => DEPTH.some((n) => f === `${n}.rec` || f.startsWith(`${n}@`)))
      .map((f) => [f.replace(/\.rec$/, ''), join(RECORDINGS, f)]);
    sim = await startSnmpsim(Object.fromEntries(files));
  }, 60_000);
  afterAll(async () => sim?.stop());

  describe('VLANs and spanning tree per VLAN: a Cisco (VTP, PVST+) and a Q-BRIDGE switch (MSTP), two trunks', () => {
    let r: DiscoveryResult;
    beforeAll(async () => {
      r = await run(['vlan-cisco', 'vlan-q']);
    }, 60_000);

    it('collects the VLANs: Q-BRIDGE-MIB names and ports; Cisco VTP, trunks and vmVlan access ports', () => {
      expect(r.report.map((t) => [t.target, t.status])).toEqual([
        ['vlan-cisco', 'ok'],
        ['vlan-q', 'ok'],
      ]);
      const facts = (name: string) => r.facts!.find((f) => f.system.sysName === name)!;
      expect(facts('vlan-q').vlans).toEqual({
        mib: 'Q-BRIDGE-MIB',
        vlans: [
          { id: 1, name: 'default' },
          { id: 10, name: 'users' },
          { id: 20, name: 'voice' },
          { id: 30, name: 'storage' },
        ],
        ports: [
          { ifIndex: 1, pvid: 1, untagged: [1], tagged: [10, 20, 30] },
          { ifIndex: 4, pvid: 1, untagged: [1], tagged: [10, 20] },
          { ifIndex: 5, pvid: 10, untagged: [10], tagged: [] },
        ],
      });
      // The reserved FDDI VLAN 1002 is left out; Gi0/4 allows 1, 10 and 20 only.
      expect(facts('vlan-cisco').vlans).toEqual({
        mib: 'CISCO-VTP-MIB',
        vlans: [
          { id: 1, name: 'default' },
          { id: 10, name: 'users' },
          { id: 20, name: 'voice' },
        ],
        ports: [
          { ifIndex: 10101, pvid: 1, untagged: [1], tagged: [10, 20] },
          { ifIndex: 10102, pvid: 10, untagged: [10], tagged: [] },
          { ifIndex: 10103, pvid: 20, untagged: [20], tagged: [] },
          { ifIndex: 10104, pvid: 1, untagged: [1], tagged: [10, 20] },
        ],
      });
      expect(r.devices.find((d) => d.id === 'vlan-cisco')!.vlans).toEqual([
        { id: 1, name: 'default' },
        { id: 10, name: 'users' },
        { id: 20, name: 'voice' },
      ]);
    });

    it('walks a BRIDGE-MIB instance for each VLAN with ports (1, 10, 20), PVST+ trees and FDB per VLAN', () => {
      const stp = r.facts!.find((f) => f.system.sysName === 'vlan-cisco')!.stp!;
      expect(stp.instances!.map((i) => [i.kind, i.id, i.designatedRoot?.priority])).toEqual([
        ['vlan', 1, 0x1001],
        ['vlan', 10, 0x100a],
        ['vlan', 20, 0x1014],
      ]);
      const mst = r.facts!.find((f) => f.system.sysName === 'vlan-q')!.stp!.instances!;
      expect(mst.map((i) => [i.kind, i.id, i.vlans])).toEqual([
        ['mst', 1, [10]],
        ['mst', 2, [20, 30]],
      ]);
      expect(r.hosts.map((h) => [h.device, h.ifName, h.vlan, h.mac]).sort()).toEqual([
        ['vlan-cisco', 'Gi0/2', 10, '02:00:00:00:10:05'],
        ['vlan-cisco', 'Gi0/3', 20, '02:00:00:00:20:05'],
        ['vlan-q', 'Et5', 10, '02:00:00:00:10:66'],
      ]);
    });

    it('per link: the VLANs both ends carry, a VLAN only one end carries as an issue, blocked for VLAN X', () => {
      const [gi1, gi4] = between(r, 'vlan-cisco', 'vlan-q').sort((x, y) =>
        String(end(x, 'vlan-cisco').ifName).localeCompare(String(end(y, 'vlan-cisco').ifName)),
      );
      expect(gi1!.evidence).toEqual(['lldp', 'stp']);
      expect(end(gi1!, 'vlan-cisco')).toMatchObject({
        ifName: 'Gi0/1',
        vlans: { native: 1, tagged: [10, 20] },
        stp: 'forwarding',
        stpVlans: [
          { state: 'forwarding', vlans: [1, 10] },
          { state: 'blocking', vlans: [20] },
        ],
      });
      expect(end(gi1!, 'vlan-q')).toMatchObject({
        ifName: 'Et1',
        vlans: { native: 1, tagged: [10, 20, 30] },
        stpVlans: [{ state: 'forwarding', vlans: [10, 20, 30] }],
      });
      expect([gi1!.vlans, gi1!.issues, gi1!.blockedVlans, gi1!.blocked]).toEqual([
        [1, 10, 20],
        ['VLAN 30 only at vlan-q Et1'],
        [20],
        undefined,
      ]);
      // The default instance (VLAN 1's tree) blocks Gi0/4, but PVST+ forwards VLAN 20 there: not blocked.
      expect(end(gi4!, 'vlan-cisco')).toMatchObject({
        ifName: 'Gi0/4',
        stp: 'blocking',
        stpVlans: [
          { state: 'blocking', vlans: [1, 10] },
          { state: 'forwarding', vlans: [20] },
        ],
      });
      expect([gi4!.vlans, gi4!.issues, gi4!.blockedVlans, gi4!.blocked]).toEqual([
        [1, 10, 20],
        undefined,
        [1, 10],
        undefined,
      ]);
    });

    it('snooping per VLAN from CISCO-IGMP-SNOOPING-MIB; a VLAN with snooping on and no querier is a report issue', () => {
      expect(r.multicast.snooping).toEqual([
        {
          device: 'vlan-cisco',
          mib: 'CISCO-IGMP-SNOOPING-MIB',
          vlan: 1,
          enabled: true,
          querier: '10.0.1.1',
          routerPorts: [{ ifIndex: 10101, ifName: 'Gi0/1' }],
        },
        {
          device: 'vlan-cisco',
          mib: 'CISCO-IGMP-SNOOPING-MIB',
          vlan: 10,
          enabled: true,
          querier: '10.0.10.2',
          selfQuerier: true,
          routerPorts: [],
        },
        { device: 'vlan-cisco', mib: 'CISCO-IGMP-SNOOPING-MIB', vlan: 20, enabled: true, routerPorts: [] },
      ]);
      expect(r.report.find((t) => t.target === 'vlan-cisco')!.issues).toEqual([
        {
          table: 'snooping',
          reason:
            'VLAN 20: snooping on and no querier (CISCO-IGMP-SNOOPING-MIB): listeners age out, groups flood or stop',
        },
      ]);
      // Per-port listeners: an MLDv2 (S,G) in VLAN 10 and an IGMP group in VLAN 20.
      expect(r.multicast.groups).toEqual([
        {
          group: 'ff3e::1234',
          listeners: [
            {
              device: 'vlan-cisco',
              ifIndex: 10102,
              ifName: 'Gi0/2',
              vlan: 10,
              sources: ['2001:db8:10::5'],
              mib: 'snooping',
            },
          ],
        },
        {
          group: '239.1.1.1',
          listeners: [{ device: 'vlan-cisco', ifIndex: 10103, ifName: 'Gi0/3', vlan: 20, mib: 'snooping' }],
        },
      ]);
    });

    it('the FDB report counts rows kept and dropped (the bridges’ own MACs on port 0)', () => {
      const port0 = 'port 0: not learned on a port (the bridge itself or its CPU)';
      expect(r.report.map((t) => [t.target, t.fdb])).toEqual([
        ['vlan-cisco', { kept: 2, resolved: {}, dropped: { [port0]: 1 } }],
        ['vlan-q', { kept: 2, resolved: {}, dropped: { [port0]: 1 } }],
      ]);
    });

    it('the CLI prints the VLANs, the issue, where STP blocks per VLAN, FDB counts and snooping', () => {
      const out = cli(['vlan-cisco', 'vlan-q']);
      expect(out.filter((l) => l.startsWith('l2 '))).toEqual([
        expect.stringMatching(
          /^l2 vlan-cisco Gi0\/1 -- vlan-q Et1 \[lldp,stp, confirmed\] blocked by STP for VLAN 20 VLANs 1,10,20 ISSUE VLAN 30 only at vlan-q Et1$/,
        ),
        expect.stringMatching(
          /^l2 vlan-cisco Gi0\/4 -- vlan-q Et4 \[lldp,stp, confirmed\] blocked by STP for VLAN 1,10 VLANs 1,10,20$/,
        ),
      ]);
      expect(out.filter((l) => l.startsWith('fdb '))).toEqual([
        'fdb vlan-cisco: 2 kept, 0 resolved, 1 dropped (1 port 0: not learned on a port (the bridge itself or its CPU))',
        'fdb vlan-q: 2 kept, 0 resolved, 1 dropped (1 port 0: not learned on a port (the bridge itself or its CPU))',
      ]);
      expect(out.filter((l) => l.startsWith('snooping '))).toEqual([
        'snooping vlan-cisco VLAN 1: on, querier 10.0.1.1, router ports Gi0/1',
        'snooping vlan-cisco VLAN 10: on, querier this switch',
        'snooping vlan-cisco VLAN 20: on, querier none',
      ]);
    }, 60_000);
  });

  it('HP-ICF-MLD-MIB: MLD snooping per VLAN interface, querier, mrouter ports, listeners; VLAN 20 has no querier', async () => {
    const r = await run(['hp-snoop']);
    expect(r.multicast.snooping).toEqual([
      {
        device: 'hp-snoop',
        mib: 'HP-ICF-MLD-MIB',
        vlan: 1,
        enabled: true,
        querier: 'fe80::1',
        routerPorts: [{ ifIndex: 1, ifName: '1' }],
      },
      { device: 'hp-snoop', mib: 'HP-ICF-MLD-MIB', vlan: 20, enabled: true, routerPorts: [] },
    ]);
    expect(r.multicast.groups).toEqual([
      {
        group: 'ff0e::db8:0:1234',
        listeners: [
          { device: 'hp-snoop', ifIndex: 2, ifName: '2', vlan: 20, mib: 'snooping' },
          { device: 'hp-snoop', ifIndex: 3, ifName: '3', vlan: 20, mib: 'snooping' },
        ],
      },
    ]);
    expect(r.report[0]!.issues.map((i) => i.reason)).toEqual([
      'VLAN 20: snooping on and no querier (HP-ICF-MLD-MIB): listeners age out, groups flood or stop',
    ]);
  }, 60_000);

  it('FDB quirks: per-vendor rules resolve port numbers that are not bridge ports; the rest is dropped with a reason', async () => {
    const r = await run(['aos', 'jetstream', 'mikrotik-fdb', 'exos', 'fortiswitch', 'vrp']);
    const fdb = Object.fromEntries(r.report.map((t) => [t.target, t.fdb]));
    expect(fdb).toEqual({
      aos: {
        kept: 1,
        resolved: { 'Alcatel-Lucent AOS: FDB port is the ifIndex (Netdisco)': 1 },
        dropped: {
          'port 0: not learned on a port (the bridge itself or its CPU)': 1,
          'bridge port not in dot1dBasePortIfIndex': 1,
        },
      },
      jetstream: {
        kept: 1,
        resolved: { 'TP-Link JetStream: ifIndex = 49152 + bridge port (LibreNMS)': 1 },
        dropped: {},
      },
      'mikrotik-fdb': { kept: 0, resolved: { 'MikroTik RouterOS: FDB port is the ifIndex': 2 }, dropped: {} },
      exos: { kept: 0, resolved: { 'Extreme: bridge port is the ifIndex (Netdisco)': 2 }, dropped: {} },
      fortiswitch: { kept: 1, resolved: { 'FortiSwitch: FDB port is the ifIndex (NetXMS)': 1 }, dropped: {} },
      // HUAWEI-L2IF-MIB maps bridge port 1 to GigabitEthernet0/0/1 (dot1dBasePortIfIndex says ifIndex 100).
      vrp: { kept: 1, resolved: {}, dropped: { 'negative port number: not a bridge port': 1 } },
    });
    const where = (mac: string) => {
      const h = r.hosts.find((x) => x.mac === mac);
      return h && `${h.device} ${h.ifName}`;
    };
    expect(
      ['11:01', '11:26', '21:03', '31:01', '31:02', '51:02', '61:07', '41:01'].map((m) =>
        where(`02:00:00:00:${m}`),
      ),
    ).toEqual([
      'aos 1/1',
      'aos 1/26',
      'jetstream gigabitEthernet 1/0/3',
      // Bridge port 3 would be ether1: RouterOS means ifIndex 3, the bond.
      'mikrotik-fdb bond1',
      'mikrotik-fdb ether1',
      'exos 1:2',
      'fortiswitch port7',
      'vrp GigabitEthernet0/0/1',
    ]);
    const lines = cli(['aos', 'mikrotik-fdb']).filter((l) => l.startsWith('fdb '));
    expect(lines).toEqual([
      'fdb aos: 1 kept, 1 resolved (1 Alcatel-Lucent AOS: FDB port is the ifIndex (Netdisco)), 2 dropped (1 port 0: not learned on a port (the bridge itself or its CPU); 1 bridge port not in dot1dBasePortIfIndex)',
      'fdb mikrotik-fdb: 0 kept, 2 resolved (2 MikroTik RouterOS: FDB port is the ifIndex), 0 dropped',
    ]);
  }, 60_000);

  it('vendor neighbour tables: TP-Link, Huawei, Nokia TIMETRA and LLDP-V2 neighbours, each link naming its tables', async () => {
    const r = await run(['aos', 'jetstream', 'vrp', 'timetra', 'lldpv2']);
    const l2 = r.links
      .filter((l) => l.layer === 'l2')
      .map(
        (l) =>
          `${l.a.device} ${l.a.ifName} -- ${l.b.device} ${l.b.ifName} ${l.evidence.join('+')} via ${[...(l.via ?? [])].sort().join(',')}${l.confirmed ? ' confirmed' : ''}`,
      )
      .sort();
    expect(l2).toEqual([
      // TPLINK-LLDPINFO-MIB: text id types; the neighbour's chassis MAC as text names aos.
      'jetstream gigabitEthernet 1/0/1 -- aos 1/2 lldp via TPLINK-LLDPINFO-MIB',
      // TIMETRA-LLDP-MIB on the Nokia, LLDP-V2-MIB on the firewall: both ends report the link.
      'timetra 1/1/2 -- pa-fw ethernet1/1 lldp via LLDP-V2-MIB,TIMETRA-LLDP-MIB confirmed',
      // LLDP-MIB names a local chassis id nobody knows; the address from HUAWEI-LLDP-MIB finds timetra.
      'vrp GigabitEthernet0/0/2 -- timetra 1/1/1 lldp via HUAWEI-LLDP-MIB',
    ]);
    const out = cli(['jetstream', 'aos']).filter((l) => l.startsWith('l2 '));
    expect(out).toEqual([
      expect.stringMatching(
        /^l2 jetstream gigabitEthernet 1\/0\/1 -- aos 1\/2 \[lldp via TPLINK-LLDPINFO-MIB\]$/,
      ),
    ]);
  }, 60_000);

  it('names: trailing NULs dropped, a hex-dump tail decoded, control bytes and non-UTF-8 shown as \\xNN and flagged', async () => {
    const r = await run(['names']);
    const [f] = r.facts!;
    expect(f!.system).toMatchObject({
      sysName: 'names',
      sysDescr: 'names test recording\r\nsecond line',
      sysLocation: 'B\\xfcro',
      rawNames: { sysLocation: '42fc726f' },
    });
    expect(
      f!.interfaces.map(({ ifIndex, ifName, ifDescr, ifAlias, rawNames }) => ({
        ifIndex,
        ifName,
        ifDescr,
        ifAlias,
        flagged: Object.keys(rawNames ?? {}),
      })),
    ).toEqual([
      { ifIndex: 1, ifName: 'ae1', ifDescr: 'ae1', ifAlias: 'ae1 to core-1', flagged: ['ifAlias'] },
      { ifIndex: 2, ifName: 'port\\x01two', ifDescr: 'Ethernet2', ifAlias: 'Büro 2', flagged: ['ifName'] },
    ]);
    expect(r.devices[0]).toMatchObject({
      id: 'names',
      flagged: ['sysLocation'],
      interfaces: [
        { ifIndex: 1, ifName: 'ae1', flagged: ['ifAlias'] },
        { ifIndex: 2, ifName: 'port\\x01two', flagged: ['ifName'] },
      ],
    });
  }, 60_000);

  it('Junos: LLDP on the units ae0.0 and spanning tree on ae0 make one link ae0–ae0', async () => {
    const r = await run(['junos-a', 'junos-b']);
    expect(r.links.filter((l) => l.layer === 'l2')).toEqual([
      {
        layer: 'l2',
        a: { device: 'junos-a', ifIndex: 500, ifName: 'ae0', stp: 'forwarding' },
        b: { device: 'junos-b', ifIndex: 500, ifName: 'ae0', stp: 'forwarding' },
        evidence: ['lldp', 'stp'],
        confirmed: true,
      },
    ]);
  }, 60_000);
});
