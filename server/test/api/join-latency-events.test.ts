// A receiver whose join latency is above its monitor's threshold: a join-latency event about its cell,
// and a change alert from a rule watching that kind; latencies at or under the threshold raise nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';
import { monitoredFixture, type Monitored } from '../multicast/support/monitored.ts';

describe('join-latency events', () => {
  let s: TestServer;
  let f: Monitored;
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
    f = await monitoredFixture(s, { joinLatencyMs: 200 });
  });
  afterAll(() => s?.destroy());

  const op = () => s.as('operator');
  const get = async (url: string) => (await s.app.inject({ method: 'GET', url, headers: await op() })).json();

  it('shows the threshold on the monitor and turns a slow join into an event and a change alert', async () => {
    expect((await get(`/api/monitors/${f.monitorId}`)).thresholds.joinLatencyMs).toBe(200);
    const rule = await s.app.inject({
      method: 'POST',
      url: '/api/alert-rules',
      headers: await op(),
      payload: { name: 'slow joins', kinds: ['join-latency'] },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    // rx1 joins after 350 ms (over), rx2 after 200 ms (not over).
    await f.beacons([true, true], [350, 200]);
    const events = await until(
      () => get('/api/events?kind=join-latency') as Promise<Record<string, unknown>[]>,
      (e) => e.length >= 2,
      10_000,
    );
    // Both intervals of rx1's upload carried the latency; rx2's never counts.
    expect(events).toHaveLength(2);
    for (const e of events)
      expect(e).toMatchObject({
        condition: 'change',
        monitorId: f.monitorId,
        agentId: f.rx[0]!.id,
        details: { latencyMs: 350, thresholdMs: 200 },
        summary: expect.stringMatching(/→ rx1: joined after 350 ms \(threshold 200 ms\)$/),
      });
    const alerts = await until(
      () => get('/api/alerts') as Promise<{ kind: string; state: string }[]>,
      (a) => a.some((x) => x.kind === 'join-latency'),
      10_000,
    );
    expect(alerts.find((x) => x.kind === 'join-latency')).toMatchObject({ state: 'resolved' });
  });

  it('rejects a negative join-latency threshold naming the field, writing nothing', async () => {
    const before = await s.ctx.db.prisma.monitor.count();
    const r = await s.app.inject({
      method: 'POST',
      url: '/api/monitors',
      headers: await op(),
      payload: {
        name: 'bad',
        participants: [{ agent: 'rx1', interface: 'eth0', role: 'receiver' }],
        groups: [{ mode: 'asm', group: 'ff3e::99', port: 10_004 }],
        thresholds: { joinLatencyMs: -1 },
      },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().field).toMatch(/thresholds\.?\/?joinLatencyMs|joinLatencyMs/);
    expect(await s.ctx.db.prisma.monitor.count()).toBe(before);
  });
});
