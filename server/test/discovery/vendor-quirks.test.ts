// Vendor quirks, each alone (pure): the family chosen by sysObjectID, the FDB port rules and the report they
// feed, and the parsers of vendor tables.
import { describe, expect, it } from 'vitest';
import { resolveFdbPorts } from '@netspotter/shared/snmp/collectors/fdb-ports';
import type { FdbEntry } from '@netspotter/shared/snmp/facts';
import { parseCiscoSnooping } from '@netspotter/shared/snmp/vendors/cisco-snooping';
import { quirksFor } from '@netspotter/shared/snmp/vendors/index';
import { parseTplinkNeighbors } from '@netspotter/shared/snmp/vendors/tplink';

const rows = (entries: [string, Record<string, unknown>][]) => new Map(entries);

describe('vendor families', () => {
  it('are chosen by the sysObjectID enterprise number; anything else gets the standard MIBs only', () => {
    expect(
      [
        '1.3.6.1.4.1.9.1.1208',
        '1.3.6.1.4.1.11.2.3.7.11.161',
        '1.3.6.1.4.1.1916.2.279',
        '1.3.6.1.4.1.2011.2.23.291',
        '1.3.6.1.4.1.6486.800.1.1.2.1.11.2.2',
        '1.3.6.1.4.1.6527.1.3.17',
        '1.3.6.1.4.1.11863.1.1.3',
        '1.3.6.1.4.1.12356.106.1.1241',
        '1.3.6.1.4.1.14988.1',
        '1.3.6.1.4.1.30065.1.3011',
        undefined,
      ].map((oid) => quirksFor(oid).family),
    ).toEqual([
      'Cisco',
      'HP ProCurve / Aruba-OS',
      'Extreme',
      'Huawei VRP',
      'Alcatel-Lucent OmniSwitch',
      'Nokia SR OS',
      'TP-Link JetStream',
      'FortiSwitch',
      'MikroTik RouterOS',
      'standard MIBs only',
      'standard MIBs only',
    ]);
  });
});

describe('FDB port rules', () => {
  const fdb = (...ports: (number | undefined)[]): FdbEntry[] =>
    ports.map((port, i) => ({ mac: `02:00:00:00:00:0${i}`, ...(port !== undefined && { port }) }));
  const ifIndexes = new Set([1, 2, 49155, 1026]);

  it('bridge ports are kept; a vendor rule resolves what dot1dBasePortIfIndex does not map; the rest is dropped', () => {
    const rows = fdb(1, 1026, 0, -1, 77, undefined);
    expect(resolveFdbPorts(rows, { '1': 2 }, ifIndexes, quirksFor('1.3.6.1.4.1.6486.800').fdbPorts)).toEqual({
      kept: 1,
      resolved: { 'Alcatel-Lucent AOS: FDB port is the ifIndex (Netdisco)': 1 },
      dropped: {
        'port 0: not learned on a port (the bridge itself or its CPU)': 1,
        'negative port number: not a bridge port': 1,
        'bridge port not in dot1dBasePortIfIndex': 1,
        'no port column': 1,
      },
    });
    expect(rows.map((r) => r.ifIndex)).toEqual([2, 1026, undefined, undefined, undefined, undefined]);
  });

  it('TP-Link: bridge port + 49152; MikroTik: the ifIndex, even where it names a bridge port too', () => {
    expect(quirksFor('1.3.6.1.4.1.11863.1').fdbPorts!.resolve(3, ifIndexes)).toBe(49155);
    const mikrotik = fdb(1);
    resolveFdbPorts(mikrotik, { '1': 2 }, ifIndexes, quirksFor('1.3.6.1.4.1.14988.1').fdbPorts);
    expect(mikrotik[0]!.ifIndex).toBe(1);
  });

  it('rows a per-VLAN instance already mapped count as kept', () => {
    expect(
      resolveFdbPorts([{ mac: '02:00:00:00:00:01', port: 9, ifIndex: 1 }], {}, ifIndexes, undefined),
    ).toEqual({
      kept: 1,
      resolved: {},
      dropped: {},
    });
  });
});

describe('vendor tables', () => {
  it('TPLINK-LLDPINFO-MIB: text id types and ids, the local port by index (else by name), a string address', () => {
    const neighbours = parseTplinkNeighbors(
      rows([
        [
          '49175.1',
          {
            localPort: Buffer.from('1/0/23'),
            chassisIdType: Buffer.from('MAC address'),
            chassisId: Buffer.from('A4:B9:84:7E:9A:4B'),
            portIdType: Buffer.from('Interface name'),
            portId: Buffer.from('eth1'),
            portDesc: Buffer.from('eth1'),
            sysName: Buffer.from('wr200'),
            sysDesc: Buffer.from('OpenWrt 19.07.7'),
            manAddr: Buffer.from('192.0.2.149'),
          },
        ],
        [
          '49999.2',
          {
            localPort: Buffer.from('1/0/2'),
            chassisIdType: Buffer.from('Locally assigned'),
            chassisId: Buffer.from('ap-2'),
          },
        ],
      ]),
      [
        { ifIndex: 49175, ifName: '1/0/23' },
        { ifIndex: 49154, ifName: '1/0/2' },
      ],
    );
    expect(neighbours).toEqual([
      {
        localIfIndex: 49175,
        remIndex: 1,
        chassisIdSubtype: 4,
        chassisId: 'a4:b9:84:7e:9a:4b',
        portIdSubtype: 5,
        portId: 'eth1',
        portDesc: 'eth1',
        sysName: 'wr200',
        sysDesc: 'OpenWrt 19.07.7',
        managementAddresses: ['192.0.2.149'],
        tables: ['TPLINK-LLDPINFO-MIB'],
      },
      {
        localIfIndex: 49154,
        remIndex: 2,
        chassisIdSubtype: 7,
        chassisId: 'ap-2',
        managementAddresses: [],
        tables: ['TPLINK-LLDPINFO-MIB'],
      },
    ]);
  });

  it('CISCO-IGMP-SNOOPING-MIB: globally off means off in every VLAN; port lists past 2048 by range', () => {
    const result = parseCiscoSnooping(
      false,
      rows([['10', { enabled: 1 }]]),
      new Map(),
      new Map(),
      // VLAN 10, IPv4 239.1.1.1, no source, range 2 (ports 2049–4096): bridge port 2049.
      rows([['10.0.1.4.239.1.1.1.0.2', { ports: Buffer.from('80', 'hex') }]]),
      { '2049': 77 },
    );
    expect(result).toEqual({
      snooping: { mib: 'CISCO-IGMP-SNOOPING-MIB', vlans: [{ vlan: 10, enabled: false, routerPorts: [] }] },
      listeners: [{ group: '239.1.1.1', ifIndex: 77, mib: 'snooping', vlan: 10 }],
    });
  });
});
