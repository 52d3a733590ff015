// Several servers (role all) on one PostgreSQL: no replica leads. Each keeps the schedules and fires them,
// yet each fire queues one run (the engine stores a fire job once per schedule and fire time); a run queued
// through one replica is executed by whichever worker takes it; stopping a replica stops nothing else.
// (PGlite serves one process, so this is PostgreSQL only.)
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresOnly } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';

const reason = postgresOnly('replicas');

describe.skipIf(reason)('replicas on one PostgreSQL', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers.slice(1)) await s.stop();
    await servers[0]?.destroy();
  });

  it('fire each schedule once between them, run what either queues, and go on when one stops', async () => {
    const db = await createTestDatabase();
    servers.push(await startTestServer({}, db), await startTestServer({}, db));
    const [a, b] = servers as [TestServer, TestServer];
    const op = await b.as('operator');
    const call = async (s: TestServer, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      (await s.app.inject({ method, url, headers: op, ...(payload && { payload }) })).json();
    const task = await call(b, 'POST', '/api/tasks', { name: 'x', kind: 'noop', args: {} });
    const run = await call(b, 'POST', `/api/tasks/${task.id}/run`);
    const done = await until(
      () => call(a, 'GET', `/api/runs/${run.id}`),
      (r) => r.state === 'succeeded',
      20_000,
      100,
    );
    expect(done.state).toBe('succeeded');

    // Every second, on both replicas: one run per second, not two.
    const { prisma } = a.ctx.db;
    const schedule = await call(b, 'POST', '/api/schedules', { taskId: task.id, cron: '* * * * * *' });
    await new Promise((r) => setTimeout(r, 4500));
    await call(b, 'PATCH', `/api/schedules/${schedule.id}`, { enabled: false });
    const scheduled = await until(
      () => prisma.taskRun.findMany({ where: { scheduleId: schedule.id } }),
      (rs) => rs.every((r) => r.state === 'succeeded'),
    );
    expect(scheduled.length).toBeGreaterThanOrEqual(3);
    expect(scheduled.length).toBeLessThanOrEqual(5);
    expect(scheduled.every((r) => r.state === 'succeeded')).toBe(true);

    // The other replica alone runs what is queued through it.
    await a.stop();
    const again = await call(b, 'POST', `/api/tasks/${task.id}/run`);
    expect(
      (
        await until(
          () => call(b, 'GET', `/api/runs/${again.id}`),
          (r) => r.state === 'succeeded',
          20_000,
          100,
        )
      ).state,
    ).toBe('succeeded');
  });
});
