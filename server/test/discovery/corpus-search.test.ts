// Search over recorded real devices (../shared/testdata/snmprec via snmpsim): the nms17216 Cisco lab
// discovered as the discovery task does, then the questions a user asks — Switch1's chassis MAC in
// Cisco notation, where a MAC in Switch2's FDB lives, a port by name — answered from the snapshot.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discover } from '../../src/discovery/discover.ts';
import type { DiscoveryResult } from '../../src/discovery/result.ts';
import type { DeviceFacts } from '@netspotter/shared/snmp/facts';
import { deviceRole } from '../../src/snapshots/roles.ts';
import { searchTopology } from '../../src/snapshots/search.ts';
import type { Topology } from '../../src/snapshots/graph.ts';
import { missingParts } from '../../../test/support/system.ts';
import { startSnmpsim, SNMPSIM, type Snmpsim } from './support/snmpsim.ts';

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/testdata/snmprec');
const TRUTH = join(CORPUS, 'expected/onms-nms17216.links.json');
// missingParts prints why (e.g. "needs …/shared/testdata/snmprec") so the skip is never silent.
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget'], paths: [CORPUS, TRUTH] });

describe.skipIf(skip)('search over the nms17216 lab recordings', () => {
  let sim: Snmpsim;
  let topology: Topology;
  let facts: DeviceFacts[][];

  beforeAll(async () => {
    const names = Object.keys((JSON.parse(readFileSync(TRUTH, 'utf8')) as { devices: object }).devices);
    sim = await startSnmpsim(Object.fromEntries(names.map((n) => [n, join(CORPUS, `${n}.snmprec`)])));
    const r: DiscoveryResult = await discover({
      targets: names.map((n) => ({
        address: '127.0.0.1',
        port: sim.port,
        name: n,
        credential: { version: 'v2c', community: n },
      })),
      includeFacts: true,
    });
    const { facts: all = [], ...rest } = r;
    facts = rest.devices.map((d) => all.filter((f) => d.targets.includes(f.target)));
    topology = {
      ...rest,
      roles: Object.fromEntries(rest.devices.map((d, i) => [d.id, deviceRole(facts[i]!)])),
    };
  }, 120_000);
  afterAll(async () => sim?.stop());

  it('finds Switch1 by its chassis MAC in any notation', () => {
    for (const q of ['00:16:c8:bd:4d:80', '0016.c8bd.4d80', '00-16-C8-BD-4D-80', '0016c8bd4d80'])
      expect(searchTopology(topology, q, { facts }), q).toContainEqual(
        expect.objectContaining({ kind: 'device', label: 'Switch1', matched: 'chassis MAC' }),
      );
  });

  it('locates a MAC of Switch2’s FDB on the port it was learned on, followed towards the device that owns it', () => {
    // Switch2 learned Switch1's Gi0/9 MAC on its port-channel to Switch1: not "nothing found", and not
    // presented as an edge port — the uplink is named with the switch across it.
    const hits = searchTopology(topology, '0016.c8bd.4d89', { facts, seenAt: '2026-12-05T00:00:00.000Z' });
    const host = hits.find((h) => h.kind === 'host');
    expect(host).toMatchObject({
      deviceLabel: 'Switch2',
      ifName: 'Po1',
      edge: false,
      towards: { label: 'Switch1' },
      seenAt: '2026-12-05T00:00:00.000Z',
    });
  });

  it('prefers the edge port over the uplinks that also learned the MAC', () => {
    // Switch1 learned Switch2's Gi0/1 MAC on its port-channel to Switch2; were the same MAC also
    // learned on a port of Switch1 without any neighbour, that port is where it lives.
    const sw1 = facts.find((f) => f[0]!.system.sysName === 'Switch1')![0]!;
    const edgePort = sw1.interfaces.find((i) => i.ifName === 'Gi0/5')!;
    const mac = '00:16:c8:94:aa:81';
    const withHost = facts.map((fs) =>
      fs.map((f) =>
        f === sw1
          ? {
              ...f,
              bridge: {
                ...f.bridge,
                fdb: [
                  ...f.bridge.fdb.filter((e) => e.mac !== mac),
                  { mac, ifIndex: edgePort.ifIndex, status: 3 },
                ],
              },
            }
          : f,
      ),
    );
    const uplinkOnly = searchTopology(topology, mac, { facts }).find((h) => h.kind === 'host');
    expect(uplinkOnly).toMatchObject({
      deviceLabel: 'Switch1',
      ifName: 'Po1',
      edge: false,
      towards: { label: 'Switch2' },
    });
    const hit = searchTopology(topology, mac, { facts: withHost }).find((h) => h.kind === 'host');
    expect(hit).toMatchObject({ deviceLabel: 'Switch1', ifName: 'Gi0/5', edge: true });
  });

  it('finds a port by name on every switch that has it, and a device by its management address', () => {
    const ports = searchTopology(topology, 'Gi0/9', { facts }).filter((h) => h.kind === 'port');
    expect(ports.map((p) => p.deviceLabel)).toContain('Switch1');
    expect(searchTopology(topology, '172.16.10.2', { facts })).toContainEqual(
      expect.objectContaining({ kind: 'device', label: 'Switch2', matched: 'address' }),
    );
  });
});
