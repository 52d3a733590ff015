// A synthetic discovery result of N switches for storage benchmarks: a tree (fan-out 4) joined by LLDP,
// 48 ports each with descriptions and counters, 200 hosts of its own (FDB entries) and 50 IPv6 neighbours per switch — about
// the size of real access switches' facts — built into a topology by the product's own builder.
import type { DeviceFacts } from '../../shared/src/snmp/facts.ts';
import type { DiscoveryResult } from '../../server/src/discovery/result.ts';
import { buildTopology } from '../../server/src/discovery/topology/build.ts';

const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
/** Host k behind switch i: every switch has its own 200 hosts on its access ports. */
const hostMac = (i: number, k: number) =>
  `06:${hex(k, 2)}:${hex((i >> 16) & 255, 2)}:${hex((i >> 8) & 255, 2)}:${hex(i & 255, 2)}:01`;
const macOf = (i: number, port = 0) =>
  `02:${hex(port, 2)}:${hex((i >> 16) & 255, 2)}:${hex((i >> 8) & 255, 2)}:${hex(i & 255, 2)}:01`;

function switchFacts(i: number, n: number): DeviceFacts {
  const parent = i === 0 ? undefined : Math.floor((i - 1) / 4);
  const children = [1, 2, 3, 4].map((k) => 4 * i + k).filter((c) => c < n);
  const chassis = macOf(i);
  const address = `2001:db8:${hex(i >> 8, 1)}:${hex(i & 255, 1)}::1`;
  const uplinks = [...(parent === undefined ? [] : [parent]), ...children];
  return {
    target: `[${address}]:161`,
    system: {
      sysName: `sw${i}`,
      sysDescr: 'Synthetic switch 48x1G',
      sysObjectID: '1.3.6.1.4.1.8072.3.2.10',
      sysUpTime: 123456,
    },
    interfaces: Array.from({ length: 48 }, (_, p) => ({
      ifIndex: p + 1,
      ifName: `ge-0/0/${p}`,
      ifDescr: `GigabitEthernet 0/0/${p}`,
      ifAlias: p < uplinks.length ? `uplink to sw${uplinks[p]}` : `access port ${p}`,
      ifType: 6,
      mac: macOf(i, p + 1),
      adminStatus: 1,
      operStatus: 1,
      highSpeed: 1000,
      hcInOctets: String(1e9 + p),
      hcOutOctets: String(2e9 + p),
    })),
    addresses: [{ address, family: 'ipv6', ifIndex: 1, prefixLength: 64 }],
    neighbors: Array.from({ length: 50 }, (_, k) => ({
      address: `2001:db8:ffff:${hex(i, 1)}::${hex(k, 1)}`,
      family: 'ipv6' as const,
      mac: hostMac(i, k),
      ifIndex: 10,
    })),
    bridge: {
      baseAddress: chassis,
      portIfIndex: Object.fromEntries(Array.from({ length: 48 }, (_, p) => [String(p + 1), p + 1])),
      fdb: Array.from({ length: 200 }, (_, k) => ({
        mac: hostMac(i, k),
        port: 10 + (k % 30),
        ifIndex: 10 + (k % 30),
        status: 3,
      })),
    },
    lldp: {
      chassisIdSubtype: 4,
      chassisId: chassis,
      sysName: `sw${i}`,
      ports: uplinks.map((_, p) => ({ portNum: p + 1, idSubtype: 5, id: `ge-0/0/${p}` })),
      remotes: uplinks.map((u, p) => ({
        localPortNum: p + 1,
        chassisIdSubtype: 4,
        chassisId: macOf(u),
        portIdSubtype: 5,
        portId: `ge-0/0/${u === parent ? 1 + ((i - 1) % 4) : 0}`,
        sysName: `sw${u}`,
        managementAddresses: [],
      })),
    },
    cdp: { interfaceNames: {}, entries: [] },
    routes: [],
    multicast: { listeners: [], routes: [], pimNeighbors: [] },
    issues: [],
  };
}

export function syntheticDiscovery(n: number): DiscoveryResult {
  const facts = Array.from({ length: n }, (_, i) => switchFacts(i, n));
  const now = new Date().toISOString();
  const { deviceOfTarget, ...topology } = buildTopology(facts);
  return {
    ...topology,
    startedAt: now,
    finishedAt: now,
    unreachable: [],
    report: facts.map((f) => ({
      target: f.target,
      status: 'ok',
      device: deviceOfTarget[f.target],
      issues: [],
      ms: 1,
    })),
    facts,
  };
}
