// Per-hop localisation end to end: a cell alert fires for a lost receiver (rx1 behind SW port p4); the
// server polls the devices on its expected path (R1, then SW) through their stored targets — snmpsim
// agents whose counters move: R1 forwards, SW's uplink p5 takes packets in but p4 sends nothing out —
// stores the result with the incident (SW p4, out) and stops polling when the cell is ok again. A router
// whose (S,G) route lost its next hop toward SW is named from its IPMCAST-MIB rows, though its interface
// counters still rise. After a server restart (same database) the localisation of an alert still firing
// keeps updating.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';
import { SNMPSIM, startSnmpsim, type Snmpsim } from '../discovery/support/snmpsim.ts';
import { monitoredFixture, type Monitored } from '../multicast/support/monitored.ts';
import { discovered, labFacts } from '../multicast/support/fixture.ts';
import { saveSnapshot } from '../../src/snapshots/store.ts';

const IN = '1.3.6.1.2.1.31.1.1.1.8';
const OUT = '1.3.6.1.2.1.31.1.1.1.12';
const rising = (oid: string) => `${oid}|70:numeric|rate=40,initial=1000`;
/** R1's (S,G) route for the monitored flow (ff3e::1234 from 2001:db8:1::11): ipMcastRoutePkts. */
const ROUTE_PKTS =
  '1.3.6.1.2.1.168.1.5.1.19.2.16.255.62.0.0.0.0.0.0.0.0.0.0.0.0.18.52.128.2.16.32.1.13.184.0.1.0.0.0.0.0.0.0.0.0.17.128';
const RECORDINGS = {
  // R1: in on eth0 (ifIndex 1), out on eth1 (ifIndex 2), both rising.
  'r1-secret': [rising(`${IN}.1`), rising(`${OUT}.2`)].join('\n') + '\n',
  // SW: in on p5 rising, out on p4 flat, p6 (rx2) rising.
  'sw-secret': [rising(`${IN}.5`), `${OUT}.4|70|777`, rising(`${OUT}.6`)].join('\n') + '\n',
  // R1 again, its route's packets rising but no next hop row left on eth1 (which other flows keep busy)…
  'r1-noroute': [rising(`${IN}.1`), rising(`${OUT}.2`), rising(ROUTE_PKTS)].join('\n') + '\n',
  // …so nothing reaches SW for the flow: p5 in and p4 out flat.
  'sw-quiet': [`${IN}.5|70|5000`, `${OUT}.4|70|777`].join('\n') + '\n',
};

const SETTINGS = { agentPlaintext: true, localisationPeriodMs: 300, localisationRequestsPerSecond: 20 };

describe.skipIf(!SNMPSIM)('alert localisation', () => {
  let s: TestServer;
  let f: Monitored;
  let sim: Snmpsim;
  beforeAll(async () => {
    sim = await startSnmpsim(
      Object.fromEntries(Object.entries(RECORDINGS).map(([k, text]) => [k, { text }])),
      { alsoOn: ['127.0.0.2', '127.0.0.3', '127.0.0.4'] },
    );
    s = await startTestServer(SETTINGS);
    f = await monitoredFixture(s);
    // The same network, discovered through targets the simulator answers on.
    await snapshotThrough('127.0.0.1', '127.0.0.2');
    await s.ctx.alertWatchers.checkSnapshots();
    for (const [address, community] of [
      ['127.0.0.1', 'r1-secret'],
      ['127.0.0.2', 'sw-secret'],
      ['127.0.0.3', 'r1-noroute'],
      ['127.0.0.4', 'sw-quiet'],
    ] as const) {
      const r = await s.app.inject({
        method: 'POST',
        url: '/api/targets',
        headers: await s.as('operator'),
        payload: { address, port: sim.port, credential: { version: 'v2c', community } },
      });
      expect(r.statusCode, r.body).toBe(201);
    }
  });
  afterAll(async () => {
    await s?.destroy();
    await sim?.stop();
  });

  /** The network discovered through the simulator, R1 and SW through the given addresses. */
  const snapshotThrough = async (r1: string, sw: string) => {
    const targetOf: Record<string, string> = { R1: `${r1}:${sim.port}`, SW: `${sw}:${sim.port}` };
    await saveSnapshot(
      s.ctx.db,
      null,
      discovered(labFacts().map((d) => ({ ...d, target: targetOf[d.system.sysName ?? ''] ?? d.target }))),
    );
  };
  const op = () => s.as('operator');
  const get = async (url: string) => (await s.app.inject({ method: 'GET', url, headers: await op() })).json();

  it('names the switch port toward the lost receiver and stops when the cell is ok again', async () => {
    const rule = await s.app.inject({
      method: 'POST',
      url: '/api/alert-rules',
      headers: await op(),
      payload: { name: 'cells', kinds: ['cell-state'], monitorId: f.monitorId },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    await f.beacons([true, true]);
    await new Promise((r) => setTimeout(r, 1100));
    await f.beacons([false, true]);
    const fired = await until(
      () => get('/api/alerts') as Promise<{ kind: string; state: string; incidentId: string; id: string }[]>,
      (a) => a.some((x) => x.kind === 'cell-state' && x.state === 'firing'),
      10_000,
    );
    const alert = fired.find((x) => x.kind === 'cell-state')!;
    type Inc = { localisation: { suspects: Record<string, unknown>[]; undecided: unknown[] } | null };
    const inc = await until(
      () => get(`/api/incidents/${alert.incidentId}`) as Promise<Inc>,
      (i) => (i.localisation?.suspects[0]?.confidence as number) >= 0.8,
      15_000,
    );
    expect(inc.localisation!.suspects).toHaveLength(1);
    expect(inc.localisation!.suspects[0]).toMatchObject({
      device: expect.stringMatching(/./),
      point: 'out',
      interface: 'p4',
      receivers: [f.rx[0]!.id],
    });
    const evidence = (inc.localisation!.suspects[0]!.evidence as string[]).join('\n');
    expect(evidence).toMatch(/ p5 \(in\) rose by \d+ packets/);
    expect(evidence).toMatch(/ p4 \(out\) did not rise for \d intervals/);
    // The credential never shows in what the incident stores.
    expect(JSON.stringify(inc)).not.toContain('secret');

    // The receiver is served again: the alert resolves and the polling stops.
    expect(s.ctx.localiser.watching(alert.id)).toBe(true);
    await new Promise((r) => setTimeout(r, 1100));
    await f.beacons([true, true]);
    await until(
      () => get(`/api/alerts/${alert.id}`) as Promise<{ state: string }>,
      (a) => a.state === 'resolved',
      10_000,
    );
    await until(
      async () => s.ctx.localiser.watching(alert.id),
      (w) => !w,
      5000,
    );
  }, 60_000);

  it("names R1's outgoing interface when its route has no next hop there, though the interface still counts", async () => {
    await snapshotThrough('127.0.0.3', '127.0.0.4');
    await f.beacons([true, true]);
    await new Promise((r) => setTimeout(r, 1100));
    await f.beacons([false, true]);
    type Fired = { kind: string; state: string; incidentId: string; id: string };
    const fired = await until(
      () => get('/api/alerts') as Promise<Fired[]>,
      (a) => a.some((x) => x.kind === 'cell-state' && x.state === 'firing'),
      10_000,
    );
    const alert = fired.find((x) => x.kind === 'cell-state' && x.state === 'firing')!;
    type Inc = { localisation: { suspects: { confidence: number; evidence: string[] }[] } | null };
    const inc = await until(
      () => get(`/api/incidents/${alert.incidentId}`) as Promise<Inc>,
      (i) => (i.localisation?.suspects[0]?.confidence ?? 0) >= 0.9,
      15_000,
    );
    expect(inc.localisation!.suspects).toEqual([
      expect.objectContaining({ point: 'out', interface: 'eth1', confidence: 0.9, receivers: [f.rx[0]!.id] }),
    ]);
    expect(inc.localisation!.suspects[0]!.evidence.join('\n')).toMatch(
      /eth1 \(out\): the route has no forwarding next hop there \(\d+ polls?\)/,
    );
    // Served again: resolved; the network as first discovered for what follows.
    await new Promise((r) => setTimeout(r, 1100));
    await f.beacons([true, true]);
    await until(
      () => get(`/api/alerts/${alert.id}`) as Promise<{ state: string }>,
      (a) => a.state === 'resolved',
      10_000,
    );
    await snapshotThrough('127.0.0.1', '127.0.0.2');
  }, 60_000);

  it('keeps localising an alert still firing after the server restarts', async () => {
    await f.beacons([true, true]);
    await new Promise((r) => setTimeout(r, 1100));
    await f.beacons([false, true]);
    type Fired = { kind: string; state: string; incidentId: string; id: string };
    const fired = await until(
      () => get('/api/alerts') as Promise<Fired[]>,
      (a) => a.some((x) => x.kind === 'cell-state' && x.state === 'firing'),
      10_000,
    );
    const alert = fired.find((x) => x.kind === 'cell-state' && x.state === 'firing')!;
    type Inc = { localisation: { at: string; suspects: { interface?: string }[] } | null };
    const incident = () => get(`/api/incidents/${alert.incidentId}`) as Promise<Inc>;
    const before = await until(incident, (i) => (i.localisation?.suspects.length ?? 0) > 0, 15_000);

    await s.stop();
    s = await startTestServer(SETTINGS, s.database);
    const after = await until(
      incident,
      // The restarted poller needs two readings of each hop again before it names a point.
      (i) =>
        i.localisation !== null &&
        i.localisation.at > before.localisation!.at &&
        i.localisation.suspects.length > 0,
      15_000,
    );
    expect(after.localisation!.at > before.localisation!.at).toBe(true);
    expect(s.ctx.localiser.watching(alert.id)).toBe(true);
    // Still the switch port toward the lost receiver, now polled by the restarted server.
    expect(after.localisation!.suspects.map((x) => x.interface)).toEqual(['p4']);
    expect(before.localisation!.suspects.map((x) => x.interface)).toEqual(['p4']);
    expect(((await get(`/api/alerts/${alert.id}`)) as { state: string }).state).toBe('firing');
  }, 60_000);
});
