// The pass_persist backend's pure parts: kernel JSON → MGMD-STD-MIB / IPMCAST-MIB rows (index encodings of
// ../shared/multicast-mibs.md), read back by the discovery collectors' own parsers and by the localisation
// poller's GET of a router hop, and the line protocol.
import { describe, expect, it } from 'vitest';
import { parseMgmdCache } from '../../../shared/src/snmp/collectors/listeners.ts';
import { parseIpMcastRoutes } from '../../../shared/src/snmp/collectors/mroutes.ts';
import {
  IPMCAST_NEXT_HOP,
  IPMCAST_ROUTE,
  MGMD_ROUTER_CACHE,
  MGMD_ROUTER_SRC_LIST,
  type TableSpec,
} from '../../../shared/src/snmp/oids.ts';
import type { Rows } from '../../../shared/src/snmp/poller/walker.ts';
import { hopCounterOids, hopCountersOf } from '../../../shared/src/snmp/hop-counters.ts';
import { allRows, inetIndex, type KernelMcastState, type MibRow, type MrouteEntry } from './mib-rows.ts';
import { passPersistSession } from './pass-persist-protocol.ts';

const S = '2001:db8:1::11';
const ASM = 'ff0e::db8:0:1234';
const SSM = 'ff3e::1234';

// Shaped like the lab's real `bridge -j -d -s mdb show` and `ip -j -s -6 mroute show` output.
const state: KernelMcastState = {
  ifIndex: { lo: 1, br0: 2, 'p-h1': 3, 'p-h2': 4, eth0: 5, eth1: 6 },
  mdb: [
    { dev: 'br0', port: 'p-h2', grp: SSM, src: S, filter_mode: 'include', timer: '258.79' },
    { dev: 'br0', port: 'p-h2', grp: SSM, filter_mode: 'include', timer: '0.00' },
    { dev: 'br0', port: 'p-h1', grp: ASM, filter_mode: 'exclude', timer: '259.50' },
    { dev: 'br0', port: 'gone', grp: ASM, filter_mode: 'exclude' },
  ],
  mroutes: [
    { src: S, dst: ASM, iif: 'eth0', multipath: [{ oif: 'eth1' }], packets: 6, bytes: 600 },
    { src: '::', dst: SSM, iif: 'eth0', multipath: [{ oif: 'eth1' }, { oif: 'gone' }] },
    { src: 'not-an-address', dst: SSM, iif: 'eth0' },
  ],
  mcForwarding: true,
};
const rows = allRows(state);
const oid = (r: MibRow) => r.oid.join('.');
const find = (prefix: string) => rows.filter((r) => oid(r).startsWith(prefix));

/** What a walk of the collector's columns would return: index → column values, as net-snmp gives them. */
function walked(spec: TableSpec): Rows {
  const out: Rows = new Map();
  for (const [name, column] of Object.entries(spec.columns)) {
    for (const r of find(`${spec.entry}.${column}.`)) {
      const index = oid(r).slice(`${spec.entry}.${column}.`.length);
      const value =
        r.type === 'counter64'
          ? BigInt(r.value)
          : r.type === 'string'
            ? Buffer.from(r.value)
            : Number(r.value);
      out.set(index, { ...out.get(index), [name]: value });
    }
  }
  return out;
}

describe('kernel multicast state as MIB rows', () => {
  it('encodes InetAddress indexes as type, length, octets', () => {
    expect(inetIndex(ASM)).toEqual([2, 16, 255, 14, 0, 0, 0, 0, 0, 0, 0, 0, 13, 184, 0, 0, 18, 52]);
    expect(inetIndex('192.0.2.1')).toBeUndefined();
  });

  it('gives ipMcastRoutePkts the index of multicast-mibs.md §0 and a (*,G) route the unknown source', () => {
    const pkts = find('1.3.6.1.2.1.168.1.5.1.19.');
    expect(pkts.map((r) => [oid(r), r.type, r.value])).toEqual([
      [
        '1.3.6.1.2.1.168.1.5.1.19.2.16.255.14.0.0.0.0.0.0.0.0.13.184.0.0.18.52.128.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.17.128',
        'counter64',
        '6',
      ],
      ['1.3.6.1.2.1.168.1.5.1.19.2.16.255.62.0.0.0.0.0.0.0.0.0.0.0.0.18.52.128.0.0.0', 'counter64', '0'],
    ]);
    expect(find('1.3.6.1.2.1.168.1.1.0')[0]).toMatchObject({ type: 'integer', value: '1' });
    expect(find('1.3.6.1.2.1.168.1.2.0')[0]).toMatchObject({ type: 'gauge', value: '2' });
  });

  it('reads back through the collectors: routes with iif and forwarding oifs, listeners with MLDv2 sources', () => {
    const routes = parseIpMcastRoutes(walked(IPMCAST_ROUTE), walked(IPMCAST_NEXT_HOP));
    expect(routes).toEqual([
      {
        group: ASM,
        groupPrefixLength: 128,
        source: S,
        sourcePrefixLength: 128,
        inIfIndex: 5,
        protocol: 3,
        octets: '600',
        pkts: '6',
        nextHops: [{ ifIndex: 6, address: ASM, state: 2 }],
        mib: 'ipmcast',
      },
      {
        group: SSM,
        groupPrefixLength: 128,
        sourcePrefixLength: 0,
        inIfIndex: 5,
        protocol: 3,
        octets: '0',
        pkts: '0',
        nextHops: [{ ifIndex: 6, address: SSM, state: 2 }],
        mib: 'ipmcast',
      },
    ]);
    const listeners = parseMgmdCache(walked(MGMD_ROUTER_CACHE), walked(MGMD_ROUTER_SRC_LIST));
    expect(listeners).toEqual([
      { group: ASM, ifIndex: 3, mib: 'mgmd' },
      { group: SSM, ifIndex: 4, sources: [S], mib: 'mgmd' },
    ]);
    expect(find(`${MGMD_ROUTER_CACHE.entry}.10.`).map((r) => r.value)).toEqual(['2', '1']);
    expect(find(`${MGMD_ROUTER_CACHE.entry}.6.`).map((r) => r.value)).toEqual(['25950', '0']);
  });

  it('keeps rows in strictly increasing OID order (GETNEXT depends on it)', () => {
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!.oid, rows[i]!.oid];
      const k = a.findIndex((x, j) => x !== b[j]);
      expect([oid(rows[i - 1]!), k === -1 ? a.length < b.length : a[k]! < b[k]!]).toEqual([
        oid(rows[i - 1]!),
        true,
      ]);
    }
  });
});

describe('pass_persist protocol', () => {
  const talk = (lines: string[]) => {
    const s = passPersistSession(() => rows);
    return lines.map((l) => s.feed(l)).filter((x) => x !== undefined);
  };

  it('answers PING, get, getnext (walking across rows) and refuses set', () => {
    const first = rows[0]!;
    expect(
      talk([
        'PING',
        'getnext',
        '.1.3.6.1.2.1.168',
        'get',
        `.${oid(first)}`,
        'get',
        '.1.3.6.1.2.1.168.1.1',
        'set',
        '.1.3',
        'integer 1',
      ]),
    ).toEqual(['PONG', `.${oid(first)}\ninteger\n1`, `.${oid(first)}\ninteger\n1`, 'NONE', 'not-writable']);
    expect(talk(['getnext', `.${oid(rows.at(-1)!)}`, 'bogus'])).toEqual(['NONE', 'NONE']);
    const walkedOids: string[] = [];
    let at = '.1.3.6.1.2.1.168';
    for (;;) {
      const reply = talk(['getnext', at])[0]!;
      if (reply === 'NONE') break;
      at = reply.split('\n')[0]!;
      walkedOids.push(at.slice(1));
    }
    expect(walkedOids).toEqual(rows.map(oid));
  });
});

describe("r1's route through the routed faults, as the localisation poller reads it", () => {
  const H1 = '2001:db8:1::11';
  const G = 'ff3e::db8:14d2';
  const hop = { inIfIndex: 2, outIfIndex: 3, route: { group: G, source: H1 } };
  /** The backend's rows for r1's one (S,G) route, answered to the poller's GET. */
  const poll = (route: MrouteEntry) => {
    const served = new Map(
      allRows({ ifIndex: { lo: 1, eth0: 2, eth1: 3 }, mdb: [], mroutes: [route], mcForwarding: true }).map(
        (r) => [oid(r), r.type === 'counter64' ? BigInt(r.value) : Number(r.value)] as const,
      ),
    );
    const asked = hopCounterOids(hop);
    return hopCountersOf(new Map(asked.filter((o) => served.has(o)).map((o) => [o, served.get(o)])), hop);
  };
  const route = { src: H1, dst: G, iif: 'eth0', packets: 480, bytes: 48_000 };

  it('forwarding: the route counts the flow in and forwards on eth1', () => {
    expect(poll({ ...route, multipath: [{ oif: 'eth1' }] })).toEqual({ inPkts: 480n, forwarding: true });
  });

  it('eth1 removed from the route (an smcroute stop filter): still counted in, no forwarding next hop', () => {
    expect(poll({ ...route, multipath: [] })).toEqual({ inPkts: 480n, forwarding: false });
    expect(poll(route)).toEqual({ inPkts: 480n, forwarding: false });
  });
});
