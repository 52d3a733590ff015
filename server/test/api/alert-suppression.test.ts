// Alerts against discovery snapshots: a target that stops answering in the next snapshot raises a
// device-unreachable event about the device that answered there; while it lasts, a monitor cell whose
// receiver's expected path runs through that device fires suppressed (stored, not sent), and its
// incident keeps the group's tree; the next snapshot, where it answers, clears the condition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';
import { monitoredFixture, type Monitored } from '../multicast/support/monitored.ts';
import { discovered, labFacts } from '../multicast/support/fixture.ts';
import { saveSnapshot } from '../../src/snapshots/store.ts';

describe('alert suppression behind an unreachable device', () => {
  let s: TestServer;
  let f: Monitored;
  let router = { id: '', target: '' };
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
    f = await monitoredFixture(s);
    await s.ctx.alertWatchers.checkSnapshots();
    const result = discovered(labFacts());
    const id = result.multicast.routes[0]!.device;
    router = { id, target: result.devices.find((d) => d.id === id)!.targets[0]! };
  });
  afterAll(() => s?.destroy());

  const op = () => s.as('operator');
  const alerts = async () =>
    (await s.app.inject({ method: 'GET', url: '/api/alerts', headers: await op() })).json() as {
      kind: string;
      state: string;
      subject: string;
      suppressedBy: string | null;
      incidentId: string;
    }[];

  it('suppresses a cell alert while the router on its path is unreachable; the device alert resolves when it answers again', async () => {
    for (const payload of [
      { name: 'cells', kinds: ['cell-state'], monitorId: f.monitorId },
      { name: 'devices', kinds: ['device-unreachable'] },
    ]) {
      const r = await s.app.inject({ method: 'POST', url: '/api/alert-rules', headers: await op(), payload });
      expect(r.statusCode, r.body).toBe(201);
    }
    // The next discovery cannot reach the router.
    await saveSnapshot(s.ctx.db, null, {
      ...discovered(labFacts()),
      unreachable: [{ target: router.target, reason: 'no answer' }],
    });
    await s.ctx.alertWatchers.checkSnapshots();
    const down = await until(alerts, (a) => a.some((x) => x.kind === 'device-unreachable'), 5000);
    expect(down.find((x) => x.kind === 'device-unreachable')).toMatchObject({
      subject: `device:${router.id}`,
      state: 'firing',
      suppressedBy: null,
    });

    // rx1's cell turns ok, then gets nothing: it fires, suppressed by the router on its path.
    await f.beacons([true, true]);
    const events = async (kind: string) =>
      (
        await s.app.inject({ method: 'GET', url: `/api/events?kind=${kind}`, headers: await op() })
      ).json() as {
        condition: string;
      }[];
    await until(
      () => events('cell-state'),
      (e) => e.filter((x) => x.condition === 'cleared').length === 2,
      10_000,
    );
    await new Promise((r) => setTimeout(r, 1100));
    await f.beacons([false, true]);
    const cell = await until(alerts, (a) => a.some((x) => x.kind === 'cell-state'), 10_000);
    const suppressed = cell.find((x) => x.kind === 'cell-state')!;
    expect(suppressed).toMatchObject({
      state: 'firing',
      suppressedBy: `upstream device ${router.id} is unreachable`,
    });
    const incident = (
      await s.app.inject({
        method: 'GET',
        url: `/api/incidents/${suppressed.incidentId}`,
        headers: await op(),
      })
    ).json();
    expect(incident.tree.trees[0]).toMatchObject({ group: 'ff3e::1234' });
    expect(JSON.stringify(incident.tree)).toContain(router.id);

    // The router answers again: the device alert resolves.
    await saveSnapshot(s.ctx.db, null, discovered(labFacts()));
    await s.ctx.alertWatchers.checkSnapshots();
    const up = await until(
      alerts,
      (a) => a.find((x) => x.kind === 'device-unreachable')?.state === 'resolved',
      5000,
    );
    expect(up.find((x) => x.kind === 'device-unreachable')!.state).toBe('resolved');
    expect((await events('device-unreachable')).map((e) => e.condition)).toEqual(['cleared', 'raised']);
  });
});
