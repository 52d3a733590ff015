// Per-hop localisation end to end: a cell alert fires for a lost receiver (rx1 behind SW port p4); the
// server polls the devices on its expected path (R1, then SW) through their stored targets — snmpsim
// agents whose counters move: R1 forwards, SW's uplink p5 takes packets in but p4 sends nothing out while
// p6 toward the second receiver still does (both ports read in one request per poll) — stores the result
// with the incident (SW p4, out; the second receiver's branch forwarding) and stops polling when the cell
// is ok again. A router
// whose (S,G) route lost its next hop toward SW is named from its IPMCAST-MIB rows, though its interface
// counters still rise. After a server restart (same database) the localisation of an alert still firing
// keeps updating.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';
import { SNMPSIM } from '../discovery/support/snmpsim.ts';
import { monitoredFixture, type Monitored } from '../multicast/support/monitored.ts';
import {
  countingNetwork,
  FAST_LOCALISATION,
  type CountingNetwork,
} from '../alerts/support/counting-network.ts';

const SETTINGS = { agentPlaintext: true, ...FAST_LOCALISATION };

describe.skipIf(!SNMPSIM)('alert localisation', () => {
  let s: TestServer;
  let f: Monitored;
  let net: CountingNetwork;
  beforeAll(async () => {
    s = await startTestServer(SETTINGS);
    f = await monitoredFixture(s);
    net = await countingNetwork(() => s);
    // The same network, discovered through targets the simulator answers on.
    await net.snapshotThrough('127.0.0.1', '127.0.0.2');
    await s.ctx.alertWatchers.checkSnapshots();
  });
  afterAll(async () => {
    await s?.destroy();
    await net?.sim.stop();
  });

  const snapshotThrough = (r1: string, sw: string) => net.snapshotThrough(r1, sw);
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
    // rx2 behind SW's other port p6 was read in the same request per poll: its branch still forwards.
    expect(inc.localisation!.undecided).toEqual([
      { receiver: f.rx[1]!.id, reason: 'counters rise at every point that answered' },
    ]);
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
      (i) => (i.localisation?.suspects[0]?.confidence ?? 0) >= 0.95,
      15_000,
    );
    // rx2's path leaves R1 by the same eth1 (polled in the same read): both receivers are cut off there
    // as far as the counters tell, so the one suspect names both, a little surer.
    expect(inc.localisation!.suspects).toEqual([
      expect.objectContaining({
        point: 'out',
        interface: 'eth1',
        confidence: 0.95,
        receivers: [f.rx[0]!.id, f.rx[1]!.id],
      }),
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
