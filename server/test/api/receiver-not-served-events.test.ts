// An expected receiver that gets no beacons: rx1 sits on SW p4, a listener port of the fixture's (S,G)
// tree; when its cell is lost the comparison of expected and actual trees names it, which raises a
// receiver-not-served condition (an alert under a rule for that kind) that clears once it is served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';
import { monitoredFixture, type Monitored } from '../multicast/support/monitored.ts';

describe('receiver-not-served events', () => {
  let s: TestServer;
  let f: Monitored;
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
    f = await monitoredFixture(s);
    await s.ctx.alertWatchers.checkSnapshots();
  });
  afterAll(() => s?.destroy());

  const op = () => s.as('operator');
  const get = async (url: string) => (await s.app.inject({ method: 'GET', url, headers: await op() })).json();
  type Ev = { condition: string; agentId: string | null; deviceId: string | null; summary: string };
  const events = () => get('/api/events?kind=receiver-not-served') as Promise<Ev[]>;

  it('raises for the lost receiver only, and clears when it is served again', async () => {
    const rule = await s.app.inject({
      method: 'POST',
      url: '/api/alert-rules',
      headers: await op(),
      payload: { name: 'not served', kinds: ['receiver-not-served'] },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    await f.beacons([true, true]);
    await new Promise((r) => setTimeout(r, 1100));
    await f.beacons([false, true]);
    const rx1 = f.rx[0]!.id;
    const raised = await until(
      events,
      (e) => e.some((x) => x.condition === 'raised' && x.agentId === rx1),
      10_000,
    );
    // Only rx1's events are counted: on a busy machine a cell can be judged before its first summary is in.
    expect(raised.filter((x) => x.agentId === rx1)).toHaveLength(1);
    expect(raised.find((x) => x.agentId === rx1)!.summary).toMatch(
      /^rx1 on SW p4 is on the expected .* but gets no beacons \(lost\)$/,
    );
    const alerts = await until(
      () => get('/api/alerts') as Promise<{ kind: string; state: string }[]>,
      (a) => a.some((x) => x.kind === 'receiver-not-served'),
      10_000,
    );
    expect(alerts.find((x) => x.kind === 'receiver-not-served')!.state).toBe('firing');

    await new Promise((r) => setTimeout(r, 1100));
    await f.beacons([true, true]);
    const all = await until(
      events,
      (e) => e.some((x) => x.condition === 'cleared' && x.agentId === rx1),
      10_000,
    );
    expect(all.filter((x) => x.agentId === rx1).map((e) => e.condition)).toEqual(['cleared', 'raised']);
    await until(
      () => get('/api/alerts') as Promise<{ kind: string; state: string }[]>,
      (a) => a.find((x) => x.kind === 'receiver-not-served')?.state === 'resolved',
      10_000,
    );
  }, 60_000);
});
