// Several servers on one PostgreSQL: only the holder of the advisory lock schedules and executes
// runs; when it goes away, another takes over. (PGlite is single-process, so this is PostgreSQL only.)
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const reason = process.env.DATABASE_URL
  ? undefined
  : 'needs DATABASE_URL (runs in the PostgreSQL pass of .ci/run)';
if (reason) console.warn(`SKIP leader election: ${reason}`);

describe.skipIf(reason)('scheduler leadership across replicas', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers.slice(1)) await s.stop();
    await servers[0]?.destroy();
  });

  it('lets exactly one replica lead, and hands over when it stops', async () => {
    const db = await createTestDatabase();
    servers.push(await startTestServer({}, db), await startTestServer({}, db));
    const leaders = () =>
      Promise.all(
        servers.map(
          async (s) => (await s.app.inject({ method: 'GET', url: '/api/version' })).json().leader as boolean,
        ),
      );
    expect(await leaders()).toEqual([true, false]);

    // A run queued through the follower is executed by the leader.
    const [a, b] = servers as [TestServer, TestServer];
    const op = await b.as('operator');
    const task = (
      await b.app.inject({
        method: 'POST',
        url: '/api/tasks',
        headers: op,
        payload: { name: 'x', kind: 'noop', args: {} },
      })
    ).json();
    const run = (
      await b.app.inject({ method: 'POST', url: `/api/tasks/${task.id}/run`, headers: op })
    ).json();
    let state = '';
    for (let i = 0; i < 50 && state !== 'succeeded'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      state = (await b.app.inject({ method: 'GET', url: `/api/runs/${run.id}`, headers: op })).json().state;
    }
    expect(state).toBe('succeeded');

    await a.stop();
    let took = false;
    for (let i = 0; i < 40 && !took; i++) {
      await new Promise((r) => setTimeout(r, 250));
      took = (await b.app.inject({ method: 'GET', url: '/api/version' })).json().leader;
    }
    expect(took).toBe(true);
  });
});
