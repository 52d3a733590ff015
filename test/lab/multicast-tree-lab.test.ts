// Issue 14 lab, bridged (runs everywhere): three real agents behind a snooping bridge, a monitor of an SSM
// group sourced by h1, and the lab server discovering the bridge `sw` (snmpd serving its MLD snooping
// state through the project's pass_persist backend, lldpd naming the hosts on its ports) and h1 (which
// holds the source address). /api/multicast/tree then shows the expected tree to the listener ports p-h2
// and p-h3; an nftables drop on p-h3 makes h3 "expected but not served" there, and the repair clears it.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverWith } from '../../server/test/discovery/support/api-discovery.ts';
import { missingParts } from '../support/system.ts';
import { MCAST_SUBTREES, startLldpd, startSnmpd, type NodeDaemons } from './lab-daemons.ts';
import { dropOnBridgePort, startMonitorLab, until, type MonitorLab } from './monitor-lab.ts';
import type { NetnsLab } from './netns-lab.ts';

const skip = missingParts({
  commands: ['ip', 'bridge', 'nft', 'snmpd', 'snmpbulkwalk', 'lldpd', 'unshare'],
  root: true,
});
const HOSTS = ['h1', 'h2', 'h3'];
/** Polled: the bridge, and h1 so that the snapshot knows where the source sits. */
const POLLED = ['sw', 'h1'];
const SSM = 'ff3e::db8:14d1';
const PORT = 10_014;
const INTERVAL_S = 2;
const LLDP_REM_SYS_NAME = '1.0.8802.1.1.2.1.4.1.1.9';

interface Tree {
  trees: { listenerPorts: { ifName?: string }[]; edges: { from: { ifName?: string } }[] }[];
  receivers: {
    name: string;
    state: string;
    served: boolean;
    placed?: { ifName?: string; evidence: string };
  }[];
  differences: { kind: string; ifName?: string; receiver?: string; message: string }[];
}

describe.skipIf(skip)('the multicast tree of a monitored SSM group in the bridged namespace lab', () => {
  let ml: MonitorLab;
  let lab: NetnsLab;
  let source = '';
  const walk = (address: string, oid: string) =>
    lab.exec('sw', 'snmpbulkwalk', ['-v2c', '-c', 'public', '-On', '-t', '5', `udp6:[${address}]`, oid]);
  const address = (n: string) => (n === 'sw' ? lab.swAddress : lab.host(n).address);
  const tree = async () =>
    (await ml.server.api<Tree>('GET', `/api/multicast/tree?group=${SSM}&source=${source}`)).body;
  const h3 = (t: Tree) => t.receivers.find((r) => r.name === 'lab-h3');

  beforeAll(async () => {
    ml = await startMonitorLab(
      HOSTS,
      { interfaces: ['eth0'], maxBeaconPps: 50 },
      {
        create: { switchAddress: true },
        prepare: async (l, dir) => {
          lab = l;
          const snmp = join(dir, 'snmp');
          mkdirSync(snmp);
          // lldpd runs its lldpcli unprivileged: it must reach the control socket in here.
          chmodSync(dir, 0o755);
          chmodSync(snmp, 0o755);
          const daemons = new Map<string, NodeDaemons>();
          for (const n of ['sw', ...HOSTS])
            daemons.set(n, await startSnmpd(l, n, snmp, n === 'sw' ? MCAST_SUBTREES : []));
          for (const n of ['sw', ...HOSTS]) startLldpd(l, n, daemons.get(n)!);
        },
      },
    );
    source = lab.host('h1').address;
    const created = await ml.server.api<{ id: string }>('POST', '/api/monitors', {
      name: 'lab-tree',
      participants: HOSTS.map((h) => ({
        agent: `lab-${h}`,
        interface: 'eth0',
        role: h === 'h1' ? 'sender' : 'receiver',
      })),
      groups: [{ mode: 'ssm', group: SSM, port: PORT, source: '$lab-h1' }],
      beaconPps: 5,
      intervalSeconds: INTERVAL_S,
    });
    if (created.status !== 201) throw new Error(`monitor: ${JSON.stringify(created.body)}`);
    // The receivers' MLDv2 reports put (S,G) entries on p-h2 and p-h3; LLDP names every host on sw.
    const learnt = await until(
      () => lab.exec('sw', 'bridge', ['mdb', 'show']),
      (mdb) => ['p-h2', 'p-h3'].every((p) => mdb.includes(`port ${p} grp ${SSM}`)),
      30_000,
    );
    expect(learnt).toContain(`port p-h3 grp ${SSM}`);
    const heard = await until(
      () => walk(lab.swAddress, LLDP_REM_SYS_NAME).catch((e: Error) => e.message),
      (out) => out.split('\n').filter((l) => l.includes('STRING')).length === HOSTS.length,
      30_000,
    );
    expect(heard.split('\n').filter((l) => l.includes('STRING'))).toHaveLength(HOSTS.length);
    // snmpd starts the pass_persist backend on its first request: not under discovery's timeouts.
    for (const oid of MCAST_SUBTREES) await walk(lab.swAddress, oid);
    await discoverWith(
      (method, url, payload) => ml.server.api(method, url, payload),
      161,
      POLLED.map((n) => [address(n), 'public']),
      90_000,
    );
  }, 240_000);

  afterAll(async () => {
    await ml?.down();
  });

  it('shows the expected tree from h1 to the listener ports p-h2 and p-h3, both receivers served', async () => {
    const t = await until(tree, (x) => x.receivers.filter((r) => r.served).length === 2, 30_000);
    expect(t.trees).toHaveLength(1);
    expect(t.trees[0]!.listenerPorts.map((p) => p.ifName).sort()).toEqual(['p-h2', 'p-h3']);
    expect(t.trees[0]!.edges.map((e) => e.from.ifName).sort()).toEqual(['eth0', 'p-h2', 'p-h3']);
    expect(
      t.receivers.map((r) => [r.name, r.served, r.placed?.ifName]).sort(),
      JSON.stringify(t.receivers),
    ).toEqual([
      ['lab-h2', true, 'p-h2'],
      ['lab-h3', true, 'p-h3'],
    ]);
    expect(t.differences).toEqual([]);
  }, 60_000);

  it('a drop on p-h3 makes h3 a receiver expected but not served there, and the repair clears it', async () => {
    const undo = await dropOnBridgePort(lab, 'h3', SSM, PORT);
    let repaired = false;
    try {
      const broken = await until(tree, (x) => x.differences.length > 0 && h3(x)?.state === 'lost', 30_000);
      expect(h3(broken)).toMatchObject({ served: false, state: 'lost' });
      expect(broken.differences).toEqual([
        expect.objectContaining({ kind: 'expected-not-served', receiver: 'lab-h3', ifName: 'p-h3' }),
      ]);
      await undo();
      repaired = true;
      // The interval the repair fell in counts some loss (degraded, served): then a clean one (ok).
      const back = await until(tree, (x) => h3(x)?.state === 'ok', 30_000);
      expect(h3(back)).toMatchObject({ served: true, state: 'ok' });
      expect(back.differences).toEqual([]);
    } finally {
      if (!repaired) await undo();
    }
  }, 90_000);
});
