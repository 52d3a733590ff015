// Issue 14 lab, bridged (runs everywhere): three real agents behind a snooping bridge, a monitor of an SSM
// group sourced by h1, and the lab server discovering the bridge `sw` (snmpd serving its MLD snooping
// state through the project's pass_persist backend, lldpd naming the hosts on its ports) and h1 (which
// holds the source address). /api/multicast/tree then shows the expected tree to the listener ports p-h2
// and p-h3; an nftables drop on p-h3 makes h3 "expected but not served" there, fires an alert that reaches a
// webhook receiver and a syslog listener the test starts, and is localised by per-hop polling to sw's port
// p-h3 (out) from the bridge's own counters; the repair clears all of it.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverWith } from '../../server/test/discovery/support/api-discovery.ts';
import type { Alert, Incident } from '../../shared/src/api/alerts.ts';
import { missingParts } from '../support/system.ts';
import { startSyslogListener, startWebhookReceiver } from '../../server/test/support/alert-receivers.ts';
import {
  countPortMulticast,
  IF_COUNTER_SUBTREES,
  MCAST_SUBTREES,
  startLldpd,
  startSnmpd,
  type NodeDaemons,
} from './lab-daemons.ts';
import {
  dropOnBridgePort,
  flushSnoopingEntry,
  startMonitorLab,
  until,
  type MonitorLab,
} from './monitor-lab.ts';
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
/** Localisation polls every second here (30 s by default), so a flat port shows within seconds. */
const LOCALISATION_PERIOD_MS = 1000;

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
  const api = <T>(method: 'GET' | 'POST', url: string, body?: unknown) => ml.server.api<T>(method, url, body);
  /** The id the newest snapshot gives a discovered node (by its label, the sysName). */
  const deviceId = async (label: string) => {
    const layer = (
      await ml.server.api<{ nodes: { id: string; label: string }[] }>('GET', '/api/topology?layer=l2')
    ).body;
    return layer.nodes.find((n) => n.label === label)?.id;
  };

  beforeAll(async () => {
    ml = await startMonitorLab(
      HOSTS,
      { interfaces: ['eth0'], maxBeaconPps: 50 },
      {
        create: { switchAddress: true },
        serverEnv: { NETSPOTTER_LOCALISATION_PERIOD_MS: String(LOCALISATION_PERIOD_MS) },
        prepare: async (l, dir) => {
          lab = l;
          const snmp = join(dir, 'snmp');
          mkdirSync(snmp);
          // lldpd runs its lldpcli unprivileged: it must reach the control socket in here.
          chmodSync(dir, 0o755);
          chmodSync(snmp, 0o755);
          const daemons = new Map<string, NodeDaemons>();
          // The polled nodes serve the IF-MIB counters localisation reads; sw counts multicast per port.
          for (const n of ['sw', ...HOSTS]) {
            const subtrees = [
              ...(n === 'sw' ? MCAST_SUBTREES : []),
              ...(POLLED.includes(n) ? IF_COUNTER_SUBTREES : []),
            ];
            daemons.set(n, await startSnmpd(l, n, snmp, subtrees));
          }
          await countPortMulticast(l, 'sw');
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
    for (const oid of [...MCAST_SUBTREES, ...IF_COUNTER_SUBTREES]) await walk(lab.swAddress, oid);
    for (const oid of IF_COUNTER_SUBTREES) await walk(source, oid);
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

  /** Alert notifications of lost cells, at a webhook receiver and a syslog listener the suite starts. */
  let notices: () => { hook: string[]; syslog: string[] };
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const hook = await startWebhookReceiver();
    const syslog = await startSyslogListener();
    closers.push(hook.close, syslog.close);
    const channelIds: string[] = [];
    for (const body of [
      { name: 'lab-hook', kind: 'webhook', webhook: { url: hook.url, secret: 'lab-hook-secret' } },
      { name: 'lab-syslog', kind: 'syslog', syslog: { host: '127.0.0.1', port: syslog.udpPort } },
    ]) {
      const r = await api<{ id: string }>('POST', '/api/alert-channels', body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      channelIds.push(r.body.id);
    }
    const rule = await api('POST', '/api/alert-rules', {
      name: 'lab lost',
      kinds: ['cell-state'],
      states: ['lost'],
      severity: 'critical',
      channelIds,
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    // The transitions of h3's cell alerts, as each receiver got them.
    notices = () => ({
      hook: hook.calls
        .map((c) => JSON.parse(c.body) as { type: string; alert: { summary: string } })
        .filter((n) => n.alert.summary.includes('lab-h3'))
        .map((n) => n.type),
      syslog: syslog.udp.filter((l) => l.includes('lab-h3')).map((l) => /ALERT-(\w+)/.exec(l)![1]!),
    });
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });

  /**
   * Injects a fault cutting h3 off, and checks the whole chain: h3 expected but not served at p-h3, one
   * alert at both receivers, its incident localised to `suspect` (two flat intervals of the point while
   * the one before it rises: confidence 0.8), and after the repair h3 served again and the alert
   * resolved at both receivers.
   */
  async function faultLocalised(
    inject: () => Promise<() => Promise<void>>,
    suspect: { node: string; interface: string; point: 'in' | 'out'; upstreamPoint: RegExp },
  ) {
    const before = notices();
    const since = (n: { hook: string[]; syslog: string[] }) => ({
      hook: n.hook.slice(before.hook.length),
      syslog: n.syslog.slice(before.syslog.length),
    });
    let undo: (() => Promise<void>) | undefined = await inject();
    try {
      const broken = await until(tree, (x) => x.differences.length > 0 && h3(x)?.state === 'lost', 30_000);
      expect(h3(broken)).toMatchObject({ served: false, state: 'lost' });
      expect(broken.differences).toEqual([
        expect.objectContaining({ kind: 'expected-not-served', receiver: 'lab-h3', ifName: 'p-h3' }),
      ]);
      const fired = await until(
        async () => since(notices()),
        (r) => r.hook.length > 0 && r.syslog.length > 0,
        15_000,
      );
      expect(fired).toEqual({ hook: ['alert.fired'], syslog: ['FIRING'] });

      const firing = (await api<Alert[]>('GET', '/api/alerts')).body.filter((a) => a.state === 'firing');
      expect(firing.map((a) => [a.kind, a.summary.includes('lab-h3')])).toEqual([['cell-state', true]]);
      const incident = () =>
        api<Incident>('GET', `/api/incidents/${firing[0]!.incidentId}`).then((r) => r.body);
      const localised = await until(
        incident,
        (i) => (i.localisation?.suspects[0]?.confidence ?? 0) >= 0.8,
        30_000,
      );
      const l = localised.localisation;
      expect(l, JSON.stringify(l)).toMatchObject({
        suspects: [
          {
            device: await deviceId(suspect.node),
            point: suspect.point,
            interface: suspect.interface,
            confidence: 0.8,
          },
        ],
      });
      const evidence = l!.suspects[0]!.evidence.join('\n');
      expect(evidence).toMatch(suspect.upstreamPoint);
      expect(evidence).toMatch(
        new RegExp(`${suspect.interface} \\(${suspect.point}\\) did not rise for \\d+ intervals`),
      );

      await undo();
      undo = undefined;
      // The interval the repair fell in counts some loss (degraded, served): then a clean one (ok).
      const back = await until(tree, (x) => h3(x)?.state === 'ok', 60_000);
      expect(h3(back)).toMatchObject({ served: true, state: 'ok' });
      expect(back.differences).toEqual([]);
      const cleared = await until(
        async () => since(notices()),
        (r) => r.hook.length === 2 && r.syslog.length === 2,
        15_000,
      );
      expect(cleared).toEqual({ hook: ['alert.fired', 'alert.resolved'], syslog: ['FIRING', 'RESOLVED'] });
    } finally {
      await undo?.();
    }
  }

  it('a drop on p-h3: h3 expected but not served, alerted at the webhook and syslog, localised to sw p-h3 (out); the repair clears it', async () => {
    await faultLocalised(() => dropOnBridgePort(lab, 'h3', SSM, PORT), {
      node: 'sw',
      interface: 'p-h3',
      point: 'out',
      upstreamPoint: /p-h1 \(in\) rose by \d+ packets/,
    });
  }, 150_000);

  it("h3's snooping entry flushed (and its MLD reports blocked, so the querier cannot restore it): localised to sw p-h3 (out); re-learnt after the repair", async () => {
    await faultLocalised(() => flushSnoopingEntry(lab, 'sw', 'h3', SSM), {
      node: 'sw',
      interface: 'p-h3',
      point: 'out',
      upstreamPoint: /p-h1 \(in\) rose by \d+ packets/,
    });
  }, 150_000);
});
