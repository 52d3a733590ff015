// Discovery depth through the REST API: the VLAN / PVST+ pair and the TP-Link + Alcatel pair of hand-written
// recordings (recordings/*.rec over snmpsim) discovered as a task; the topology edges carry VLANs, issues,
// blocked-for-VLAN and the tables that found them, the run report counts FDB rows, the device page has its
// VLANs, spanning trees and snooping state.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { missingParts } from '../../../test/support/system.ts';
import { discoverThroughApi } from './support/api-discovery.ts';
import { SNMPSIM, startSnmpsim, type Snmpsim } from './support/snmpsim.ts';

const dir = fileURLToPath(new URL('recordings/', import.meta.url));
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget'] });
const NAMES = ['vlan-cisco', 'vlan-q', 'jetstream', 'aos'];
const ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];

describe.skipIf(skip)('discovery depth in the API', () => {
  let s: TestServer;
  let sim: Snmpsim;
  let op: Record<string, string>;
  const get = async (url: string) => (await s.app.inject({ method: 'GET', url, headers: op })).json();

  beforeAll(async () => {
    const files = readdirSync(dir)
      .filter((f) => NAMES.some((n) => f === `${n}.rec` || f.startsWith(`${n}@`)))
      .map((f) => [f.replace(/\.rec$/, ''), `${dir}${f}`]);
    // One target per address (the API merges repeated addresses): four loopback addresses, one snmpsim.
    sim = await startSnmpsim(Object.fromEntries(files), { alsoOn: ADDRESSES.slice(1) });
    s = await startTestServer();
    op = await s.as('operator');
    await discoverThroughApi(
      s,
      op,
      sim.port,
      NAMES.map((n, i) => [ADDRESSES[i]!, n]),
    );
  }, 90_000);
  afterAll(async () => {
    await s?.destroy();
    await sim?.stop();
  });

  it('GET /api/topology?layer=l2: VLANs both ends carry, the issue, blocked for VLAN, evidence tables', async () => {
    const g = await get('/api/topology?layer=l2');
    const edges = (g.edges as Record<string, unknown>[]).map(({ id: _id, ...e }) => e);
    const trunk = (port: string) =>
      edges.find((e) => e.source === 'vlan-cisco' && e.sourcePort === port && e.target === 'vlan-q');
    expect(trunk('Gi0/1')).toEqual({
      source: 'vlan-cisco',
      target: 'vlan-q',
      sourcePort: 'Gi0/1',
      targetPort: 'Et1',
      evidence: ['lldp', 'stp'],
      confirmed: true,
      sourceStp: 'forwarding',
      targetStp: 'forwarding',
      blockedVlans: [20],
      vlans: [1, 10, 20],
      issues: ['VLAN 30 only at vlan-q Et1'],
    });
    expect(trunk('Gi0/4')).toMatchObject({
      sourceStp: 'blocking',
      blockedVlans: [1, 10],
      vlans: [1, 10, 20],
    });
    expect(trunk('Gi0/4')!.blocked).toBeUndefined();
    expect(edges.find((e) => e.source === 'jetstream')).toMatchObject({
      target: 'aos',
      targetPort: '1/2',
      evidence: ['lldp'],
      via: ['TPLINK-LLDPINFO-MIB'],
    });
  });

  it('GET /api/snapshots/:id/report: FDB rows kept, resolved by a vendor rule, dropped; the querier-less VLAN', async () => {
    const [snapshot] = await get('/api/snapshots');
    const report = await get(`/api/snapshots/${snapshot.id}/report`);
    const of = (device: string) =>
      (report.targets as { device: string; fdb?: unknown; issues: { reason: string }[] }[]).find(
        (t) => t.device === device,
      )!;
    expect(of('aos').fdb).toEqual({
      kept: 1,
      resolved: { 'Alcatel-Lucent AOS: FDB port is the ifIndex (Netdisco)': 1 },
      dropped: {
        'port 0: not learned on a port (the bridge itself or its CPU)': 1,
        'bridge port not in dot1dBasePortIfIndex': 1,
      },
    });
    expect(of('jetstream').fdb).toMatchObject({
      resolved: { 'TP-Link JetStream: ifIndex = 49152 + bridge port (LibreNMS)': 1 },
    });
    expect(of('vlan-cisco').issues.map((i) => i.reason)).toEqual([
      'VLAN 20: snooping on and no querier (CISCO-IGMP-SNOOPING-MIB): listeners age out, groups flood or stop',
    ]);
  });

  it('GET /api/devices/:device: VLANs per port, the per-VLAN spanning trees, snooping per VLAN', async () => {
    const { device } = await get('/api/devices/vlan-cisco');
    expect(device.vlans.mib).toBe('CISCO-VTP-MIB');
    expect(device.vlans.ports).toContainEqual({ ifIndex: 10102, pvid: 10, untagged: [10], tagged: [] });
    expect(
      device.spanningTree.instances.map((i: { kind: string; id: number }) => `${i.kind} ${i.id}`),
    ).toEqual(['vlan 1', 'vlan 10', 'vlan 20']);
    expect(
      device.multicast.snooping.vlans.map((v: { vlan: number; querier?: string }) => [v.vlan, v.querier]),
    ).toEqual([
      [1, '10.0.1.1'],
      [10, '10.0.10.2'],
      [20, undefined],
    ]);
  });
});
