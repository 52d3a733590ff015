import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('cron preview: next fire times before saving', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.destroy());

  const preview = async (query: string, headers?: Record<string, string>) =>
    s.app.inject({
      method: 'GET',
      url: `/api/cron/next-runs?${query}`,
      headers: headers ?? (await s.as('viewer')),
    });

  it('lists the next fire times in order, in the given time zone', async () => {
    const res = await preview(`cron=${encodeURIComponent('30 2 * * *')}&timezone=Europe/Berlin&count=3`);
    expect(res.statusCode).toBe(200);
    const runs = res.json().nextRuns.map((r: string) => new Date(r));
    expect(runs).toHaveLength(3);
    for (const d of runs) {
      const berlin = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: '2-digit',
        minute: '2-digit',
      }).format(d);
      expect(berlin).toBe('02:30');
    }
    expect(runs[1] - runs[0]).toBe(24 * 3600_000);
    expect(runs[0].getTime()).toBeGreaterThan(Date.now());
  });

  it('refuses a bad expression or time zone at the field, as storing a schedule does', async () => {
    const bad = await preview(`cron=${encodeURIComponent('61 * * * *')}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'cron' });
    expect(bad.json().message).toMatch(/^cron: invalid cron expression/);
    const tz = await preview(`cron=${encodeURIComponent('* * * * *')}&timezone=Mars/Olympus`);
    expect(tz.json()).toMatchObject({
      field: 'timezone',
      message: 'timezone: unknown time zone "Mars/Olympus"',
    });
  });

  it('needs a session', async () => {
    expect((await preview('cron=*', {})).statusCode).toBe(401);
  });
});
