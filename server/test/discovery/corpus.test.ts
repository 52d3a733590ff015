// Recorded real devices (../shared/testdata/snmprec, served by snmpsim) through discover(): the
// nms17216 lab must yield exactly its 13 ground-truth links; single recordings are compared with
// LibreNMS's expected counts where those counts follow a rule we share (the rest are listed in the issue report).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/discovery/discover.ts';
import { mapBounded } from '@netspotter/shared/snmp/poller/pool';
import type { DiscoveryResult, Link } from '../../src/discovery/result.ts';
import { withMemberLinks } from '../../src/discovery/topology/lag-rollup.ts';
import { missingParts } from '../../../test/support/system.ts';
import { startSnmpsim, SNMPSIM, type Snmpsim } from './support/snmpsim.ts';

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/testdata/snmprec');
// missingParts prints the reason (e.g. "needs /work/shared/testdata/snmprec") so the skip is never silent.
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget'], paths: [CORPUS] });

let sim: Snmpsim;
const target = (community: string) => ({
  address: '127.0.0.1',
  port: sim.port,
  name: community,
  credential: { version: 'v2c' as const, community },
});

describe.skipIf(skip)('recorded devices via snmpsim', () => {
  beforeAll(async () => {
    const files = Object.fromEntries(
      readdirSync(CORPUS)
        .filter((f) => f.endsWith('.snmprec'))
        .map((f) => [f.replace(/\.snmprec$/, ''), join(CORPUS, f)]),
    );
    sim = await startSnmpsim(files);
  }, 120_000);
  afterAll(async () => sim?.stop());

  it('nms17216 lab: exactly the 13 ground-truth links (LAG members included), each confirmed by both ends', async () => {
    const truth = JSON.parse(readFileSync(join(CORPUS, 'expected/onms-nms17216.links.json'), 'utf8')) as {
      devices: Record<string, { sysName: string }>;
      links: { a: string; aIfIndex: number; b: string; bIfIndex: number; protocols: string[] }[];
    };
    const r = await discover({ targets: Object.keys(truth.devices).map(target) });
    expect(r.unreachable).toEqual([]);
    expect(r.devices.map((d) => d.sysName).sort()).toEqual(
      Object.values(truth.devices)
        .map((d) => d.sysName)
        .sort(),
    );
    const key = (a: string, ai: number | undefined, b: string, bi: number | undefined) =>
      [`${a}#${ai}`, `${b}#${bi}`].sort().join(' - ');
    const name = (id: string) => r.devices.find((d) => d.id === id)!.sysName!;
    // Physical links: aggregates count through their members.
    const managed = withMemberLinks(r.links).filter(
      (l) => l.layer === 'l2' && l.b.device && !l.members && !l.evidence.includes('fdb'),
    );
    const got = new Map(
      managed.map((l) => [key(name(l.a.device), l.a.ifIndex, name(l.b.device!), l.b.ifIndex), l]),
    );
    const want = new Map(truth.links.map((l) => [key(l.a, l.aIfIndex, l.b, l.bIfIndex), l]));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, l] of got) {
      expect(l.confirmed, k).toBe(true);
      // STP evidence is asserted on its own below.
      expect(l.evidence.filter((e) => e !== 'stp').sort(), k).toEqual([...want.get(k)!.protocols].sort());
    }
    // Switch1 Po1 and Switch2 Po1/Po2 are propVirtual port-channels in ifStackTable; Switch3 records no
    // stack, so Switch2's Po2 rolls up towards the Switch3 node.
    const aggregates = r.links.filter((l) => l.members).map((l) => describeAggregate(l, name));
    expect(aggregates).toEqual([
      'Switch1 Po1 = Switch2 Po1: Gi0/9-Gi0/1 Gi0/10-Gi0/2 Gi0/11-Gi0/3 Gi0/12-Gi0/4',
      'Switch2 Po2 = Switch3 -: Gi0/19-Fa0/19 Gi0/20-Fa0/20',
    ]);
    expect(r.links.filter((l) => l.members).every((l) => l.confirmed)).toBe(true);
  }, 120_000);

  it('nms17216 lab: STP confirms the two port-channel links (6 of the 13 physical links) and adds none', async () => {
    const truth = JSON.parse(readFileSync(join(CORPUS, 'expected/onms-nms17216.links.json'), 'utf8')) as {
      devices: Record<string, { sysName: string }>;
      links: { a: string; aIfIndex: number; b: string; bIfIndex: number }[];
    };
    const r = await discover({ targets: Object.keys(truth.devices).map(target), includeFacts: true });
    const name = (id: string) => r.devices.find((d) => d.id === id)!.sysName!;
    const key = (a: string, ai: number | undefined, b: string, bi: number | undefined) =>
      [`${a}#${ai}`, `${b}#${bi}`].sort().join(' - ');
    const truthKeys = new Set(truth.links.map((l) => key(l.a, l.aIfIndex, l.b, l.bIfIndex)));
    const stp = withMemberLinks(r.links).filter((l) => l.evidence.includes('stp') && !l.members);
    const stpKeys = stp.map((l) => key(name(l.a.device), l.a.ifIndex, name(l.b.device!), l.b.ifIndex));
    expect(stpKeys.filter((k) => !truthKeys.has(k))).toEqual([]);
    expect(stpKeys).toHaveLength(6);
    expect(r.links.filter((l) => l.evidence.length === 1 && l.evidence[0] === 'stp')).toEqual([]);
    // The recorded default instance: Switch2 is root; Switch1 Po1 and Switch3 Po1 (bridge ports 64, 56) are
    // designated by Switch2's Po1 and Po2 (bridge ports 64, 72). Nothing is recorded blocking.
    const switch1 = r.facts!.find((f) => f.system.sysName === 'Switch1')!;
    expect(switch1.stp!.ports).toEqual([
      {
        port: 64,
        ifIndex: 5001,
        state: 'forwarding',
        designatedBridge: { priority: 0x8001, mac: '00:16:c8:94:aa:80' },
        designatedPort: 64,
      },
    ]);
    expect(r.links.filter((l) => l.blocked)).toEqual([]);
    expect(r.links.filter((l) => l.members).map((l) => [l.a.stp, l.b.stp])).toEqual([
      ['forwarding', 'forwarding'],
      // Switch3 records no stack table, so its side of Po2 names only the node: no port, no state.
      ['forwarding', undefined],
    ]);
  }, 120_000);

  it('nms0001: three Juniper routers stay three devices (shared internal addresses); PIM neighbours map to routers', async () => {
    const r = await discover({
      targets: ['onms-nms0001-oedipus', 'onms-nms0001-siegfrie', 'onms-nms0001-froh'].map(target),
    });
    expect(r.devices.map((d) => d.sysName).sort()).toEqual(['froh', 'oedipus', 'siegfried']);
    const pim = r.multicast.pimNeighbors.filter((p) => p.device === 'oedipus');
    expect(pim.map((p) => [p.ifIndex, p.address]).sort()).toEqual([
      [515, '10.1.0.5'],
      [575, '10.1.0.9'],
    ]);
    expect(pim.find((p) => p.address === '10.1.0.9')!.neighborDevice).toBe('siegfried');
  }, 120_000);

  it('nms0002: FDB-only link router–switch (Fa0/1) and a one-sided LLDP link to a polled Cisco', async () => {
    const cj = await discover({
      targets: ['onms-nms0002cj-r-de-juet-luck-001', 'onms-nms0002cj-s-de-juet-luck-001'].map(target),
    });
    const fdb = cj.links.filter((l) => l.evidence.includes('fdb'));
    expect(fdb.map((l) => [l.a.device, l.a.ifName, l.b.device])).toEqual([
      ['s-de-juet-luck-001.infra.u-ssi.net', 'Fa0/1', 'r-de-juet-luck-001'],
    ]);
    const malm = await discover({
      targets: ['onms-nms0002-s-se-malm-nobe-561', 'onms-nms0002-r-se-malm-nobe-013'].map(target),
    });
    const lldp = malm.links.filter((l) => l.layer === 'l2' && l.b.device);
    const stpVlans = lldp.map((l) => l.b.stpVlans);
    for (const l of lldp) delete l.b.stpVlans;
    expect(lldp).toEqual([
      {
        layer: 'l2',
        // STP is off on the switch port (disabled: it forwards, unmanaged by STP); Q-BRIDGE-MIB has it
        // trunk VLAN 3 with VLAN 1 untagged.
        a: {
          device: 's-se-malm-nobe-561',
          ifIndex: 1026,
          ifName: '1/26',
          stp: 'disabled',
          vlans: { native: 1, tagged: [3] },
        },
        b: {
          device: 'r-se-malm-nobe-013.infra.u-ssi.net',
          ifIndex: 10110,
          ifName: 'Gi1/0/10',
          stp: 'forwarding',
        },
        evidence: ['lldp'],
        confirmed: false,
      },
    ]);
    // The Cisco runs PVST+ (one BRIDGE-MIB per VLAN, recorded as @VLAN contexts): its port forwards in every
    // VLAN tree that has it, the two the Alcatel end carries among them. No VTP table: no VLANs to compare.
    expect(stpVlans[0]!.map((s) => s.state)).toEqual(['forwarding']);
    expect(stpVlans[0]![0]!.vlans).toEqual(expect.arrayContaining([1, 3]));
    expect(lldp[0]!.vlans).toBeUndefined();
  }, 120_000);

  const expectedDir = join(CORPUS, 'expected');
  const recordings = existsSync(expectedDir)
    ? readdirSync(expectedDir)
        .filter((f) => f.endsWith('.expected.json'))
        .map((f) => f.replace(/\.expected\.json$/, ''))
    : [];
  const results = new Map<string, DiscoveryResult>();
  beforeAll(async () => {
    // A few at a time with retries: snmpsim is one single-threaded process and the machine may be busy.
    const runs = await mapBounded(recordings, 4, (n) =>
      discover({ targets: [target(n)], timeoutMs: 3000, retries: 2, includeFacts: true }),
    );
    for (const r of runs) results.set(r.report[0]!.target, r);
  }, 600_000);

  it.each(recordings)('%s answers completely and yields a device', (n) => {
    const r = results.get(n)!;
    expect(r.unreachable).toEqual([]);
    expect(r.report[0]!.issues.filter((i) => /failed|partial/.test(i.reason))).toEqual([]);
    expect(r.devices).toHaveLength(1);
    expect(r.devices[0]!.interfaces.length).toBeGreaterThan(0);
  });

  // Count rules shared with LibreNMS: LLDP/CDP neighbours mapped to a local port (one per port,
  // neighbour and remote port); FDB rows whose bridge port maps to an ifIndex; IPv6 ND entries per
  // (ifIndex, address), invalid ones dropped. Where LibreNMS applies its own filters (neighbours without
  // a printable sysName, its port filter, invalidated ND entries) the counts differ and are not
  // asserted: aos7, arubaos-cx_10.07, dell-sonic, eltex-mes23xx_mes2324b, procurve (LLDP) and
  // ciena-sds, cumulus_bgp (ND).
  const counts: [string, 'lldp' | 'cdp' | 'fdb' | 'nd'][] = [
    ['ios_2960x', 'cdp'],
    ['iosxe_c9500h-svl', 'cdp'],
    ['nxos_n3k-3064pq', 'cdp'],
    ['nxos_n3k-3064pq', 'lldp'],
    ['ciena-sds', 'lldp'],
    ['ciscosb_sg550x-8f8t', 'lldp'],
    ['edgeswitch_usw-flex-xg', 'lldp'],
    ['junos_qfx5100', 'lldp'],
    ['vrp_5720', 'lldp'],
    ['procurve_2520', 'fdb'],
    ['ocnos_s9600-32x', 'nd'],
    ['junos_vmx', 'nd'],
  ];
  it('routeros_crs317 (RouterOS 6): every LLDP neighbour sits on the port MIKROTIK-MIB names', async () => {
    // Ground truth read from the recording itself: neighbour N → mtxrNeighborInterfaceID → mtxrInterfaceStatsName.
    const lines = readFileSync(join(CORPUS, 'routeros_crs317.snmprec'), 'utf8').split('\n');
    const value = (prefix: string) =>
      new Map(
        lines
          .filter((l) => l.startsWith(prefix))
          .map((l) => [l.slice(prefix.length).split('|')[0]!, l.split('|')[2]!]),
      );
    const names = value('1.3.6.1.4.1.14988.1.1.14.1.1.2.');
    const want = [...value('1.3.6.1.4.1.14988.1.1.11.1.1.8.').values()].map((id) => names.get(id)).sort();
    expect(want).toHaveLength(18);
    const r = await discover({
      targets: [target('routeros_crs317')],
      timeoutMs: 3000,
      retries: 2,
      includeFacts: true,
    });
    const [facts] = r.facts!;
    const ifName = new Map(facts!.interfaces.map((i) => [i.ifIndex, i.ifName]));
    const got = facts!.lldp.remotes.map((x) =>
      x.localIfIndex === undefined ? undefined : ifName.get(x.localIfIndex),
    );
    expect(got.sort()).toEqual(want);
    expect(r.neighbors[r.devices[0]!.id]!.lldp).toBe(18);
  });

  it('ios_2960x: Po1 (Gi1/0/52 + Gi3/0/52 in ifStackTable) rolls up the two CDP links to acme-fr-s-001', () => {
    const e = JSON.parse(readFileSync(join(expectedDir, 'ios_2960x.expected.json'), 'utf8'));
    const cdp = e['discovery-protocols'].discovery.links as {
      ifName: string;
      remote_hostname: string;
      remote_port: string;
    }[];
    const upstream = cdp.filter((l) => l.remote_hostname === 'acme-fr-s-001');
    const r = results.get('ios_2960x')!;
    const l2 = r.links.filter((l) => l.layer === 'l2');
    const lags = l2.filter((l) => l.members);
    expect(lags.map((l) => describeAggregate(l, (id) => id))).toEqual([
      `ios_2960x Po1 = acme-fr-s-001 -: ${upstream.map((l) => `${l.ifName}-${l.remote_port}`).join(' ')}`,
    ]);
    // The access points stay single links on their own ports.
    expect(
      l2
        .filter((l) => !l.members)
        .map((l) => l.a.ifName)
        .sort(),
    ).toEqual(
      cdp
        .filter((l) => l.remote_hostname !== 'acme-fr-s-001')
        .map((l) => l.ifName)
        .sort(),
    );
  });

  it('procurve: Trk1 (A1 + A2) reaches two chassis (an MLAG-style pair): one aggregate link each, not merged', () => {
    const e = JSON.parse(readFileSync(join(expectedDir, 'procurve.expected.json'), 'utf8'));
    const uplinks = (e['discovery-protocols'].discovery.links as { ifName: string; remote_port: string }[])
      .filter((l) => ['A1', 'A2'].includes(l.ifName))
      .map((l) => ({ port: l.ifName, chassis: /\(([0-9a-f]{12})\)/.exec(l.remote_port)![1] }));
    const r = results.get('procurve')!;
    const lags = r.links.filter((l) => l.members);
    expect(
      lags.map((l) => ({
        aggregate: l.a.ifName,
        port: l.members!.map((m) => m.a.ifName).join(' '),
        chassis: r.unmanaged.find((u) => u.id === l.b.unmanaged)!.chassisId!.replace(/:/g, ''),
      })),
    ).toEqual(uplinks.map((u) => ({ aggregate: 'Trk1', ...u })));
  });

  // Ground truth from the recording itself: every dot1dStpPortState row becomes a port with that state.
  const STP_STATE = '1.3.6.1.2.1.17.2.15.1.3.';
  const stpStates = (n: string) =>
    readFileSync(join(CORPUS, `${n}.snmprec`), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(STP_STATE))
      .map((l) => [Number(l.slice(STP_STATE.length).split('|')[0]), Number(l.split('|')[2])]);
  const withStp = recordings.filter((n) => stpStates(n).length > 0);
  it.each(withStp)(
    '%s: dot1dStpPortTable collected port by port, each mapped port’s state on its links',
    (n) => {
      const names = ['disabled', 'blocking', 'listening', 'learning', 'forwarding', 'broken'];
      const r = results.get(n)!;
      const ports = r.facts![0]!.stp!.ports;
      expect(ports.map((p) => [p.port, names.indexOf(p.state!) + 1])).toEqual(
        stpStates(n).sort((a, b) => a[0]! - b[0]!),
      );
      const state = new Map(ports.filter((p) => p.ifIndex !== undefined).map((p) => [p.ifIndex!, p.state]));
      for (const l of r.links.filter((x) => x.layer === 'l2' && x.a.ifIndex !== undefined))
        expect(l.a.stp, `${n} ${l.a.ifName}`).toBe(state.get(l.a.ifIndex!));
    },
  );

  // LibreNMS reads Q-BRIDGE-MIB VLANs as we do (current egress / untagged port lists, else the static ones;
  // ports by dot1dBasePort): its ports_vlans rows (vlan, base port, untagged) are ours exactly, or contained
  // in ours where it keeps only ports of its own port table. Not compared: the Cisco recordings (LibreNMS
  // takes the per-VLAN spanning-tree rows as membership), aos7 and junos_qfx5100 (it reads vendor MIBs
  // there), dell-sonic and nxos (it drops ports we keep and names VLANs we do not see).
  const vlanMatches: [string, 'equals' | 'is contained in'][] = [
    ['arista_eos', 'equals'],
    ['cumulus_bgp', 'equals'],
    ['procurve', 'equals'],
    ['procurve_2520', 'equals'],
    ['vrp_5720', 'equals'],
    ['ciscosb_sg550x-8f8t', 'is contained in'],
    ['edgeswitch_usw-flex-xg', 'is contained in'],
    ['eltex-mes23xx_mes2324b', 'is contained in'],
  ];
  it.each(vlanMatches)('%s: LibreNMS’s ports_vlans %s our per-port Q-BRIDGE-MIB VLANs', (n, how) => {
    const e = JSON.parse(readFileSync(join(expectedDir, `${n}.expected.json`), 'utf8'));
    const want = (e.vlans.discovery.ports_vlans as { vlan: number; baseport: number; untagged: number }[])
      .map((p) => `${p.vlan}/${p.baseport}/${p.untagged}`)
      .sort();
    const f = results.get(n)!.facts![0]!;
    expect(f.vlans!.mib).toBe('Q-BRIDGE-MIB');
    const baseOf = new Map(Object.entries(f.bridge.portIfIndex).map(([port, ifIndex]) => [ifIndex, port]));
    const got = f.vlans!.ports.flatMap((p) => [
      ...p.untagged.map((v) => `${v}/${baseOf.get(p.ifIndex)}/1`),
      ...p.tagged.map((v) => `${v}/${baseOf.get(p.ifIndex)}/0`),
    ]);
    if (how === 'equals') expect(got.sort()).toEqual(want);
    else expect(got).toEqual(expect.arrayContaining(want));
    expect(f.vlans!.vlans.map((v) => v.id)).toEqual(
      expect.arrayContaining(e.vlans.discovery.vlans.map((v: { vlan_vlan: number }) => v.vlan_vlan)),
    );
  });

  it('FDB rows counted: kept, resolved by a vendor rule, dropped with the reason', async () => {
    const aos6 = await discover({ targets: [target('onms-nms0002-s-se-malm-nobe-561')], timeoutMs: 3000 });
    const fdb = (n: string) => (results.get(n) ?? aos6).report[0]!.fdb;
    const port0 = 'port 0: not learned on a port (the bridge itself or its CPU)';
    // LibreNMS expects 741 of the 749 rows: the 8 on port 0 are the switch's own.
    expect(fdb('procurve_2520')).toEqual({ kept: 741, resolved: {}, dropped: { [port0]: 8 } });
    // AOS 6.6 names ifIndexes (1026 = 1/26) in dot1qTpFdbPort, as Netdisco documents: every row resolved.
    expect(fdb('onms-nms0002-s-se-malm-nobe-561')).toEqual({
      kept: 0,
      resolved: { 'Alcatel-Lucent AOS: FDB port is the ifIndex (Netdisco)': 1166 },
      dropped: {},
    });
    expect(fdb('routeros_crs317')).toEqual({
      kept: 0,
      resolved: { 'MikroTik RouterOS: FDB port is the ifIndex': 41 },
      dropped: {},
    });
    // Huawei reports three MACs (its LLDP neighbours' chassis) on port -1.
    expect(fdb('vrp_5720')).toEqual({
      kept: 2,
      resolved: {},
      dropped: { 'negative port number: not a bridge port': 3 },
    });
    // Junos leaves 325 rows without a port.
    expect(fdb('junos_qfx5100')!.dropped[port0]).toBe(325);
  }, 60_000);

  it.each(counts)('%s: %s count matches the expected JSON', (n, kind) => {
    const e = JSON.parse(readFileSync(join(expectedDir, `${n}.expected.json`), 'utf8'));
    const want =
      kind === 'fdb'
        ? e['fdb-table'].discovery.ports_fdb.length
        : kind === 'nd'
          ? e['ipv6-nd'].discovery.ipv6_nd.length
          : e['discovery-protocols'].discovery.links.filter((l: { protocol: string }) => l.protocol === kind)
              .length;
    const r = results.get(n)!;
    const id = r.devices[0]!.id;
    const counts = r.neighbors[id]!;
    expect(kind === 'nd' ? counts.ipv6 : counts[kind]).toBe(want);
  });
});

/** "A Po1 = B Po2: a1-b1 a2-b2", with "-" for an end not known to be an aggregate. */
function describeAggregate(l: Link, name: (id: string) => string): string {
  const node = (e: Link['b']) => (e.device ? name(e.device) : (e.name ?? e.unmanaged));
  const members = l.members!.map((m) => `${m.a.ifName}-${m.b.ifName ?? m.b.port}`).join(' ');
  return `${node(l.a)} ${l.a.ifName ?? '-'} = ${node(l.b)} ${l.b.ifName ?? '-'}: ${members}`;
}
