// Closing the server waits for the handlers still running, not only for the connections: a client that
// went away mid-request has no connection left, but its handler goes on and must still reach the database.
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { enrolAgent } from '../support/agent-calls.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';
import { handlersRunning } from '../../src/http/handlers-in-flight.ts';

describe('closing with a handler in flight', () => {
  let s: TestServer | undefined;
  afterAll(() => s?.database.drop());

  it('lets the handler of a vanished client finish before the database closes', async () => {
    s = await startTestServer({ agentPlaintext: true });
    const url = await s.app.listen({ port: 0, host: '127.0.0.1' });
    const agent = await enrolAgent(s, 'vanishing');
    const { prisma } = s.ctx.db;

    // Hold the agent's row: the heartbeat's write waits for it (on PGlite the whole session does).
    let release!: () => void;
    let held = false;
    const holding = prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM agents WHERE id = ${agent.id} FOR UPDATE`;
        held = true;
        await new Promise<void>((r) => (release = r));
      },
      { timeout: 30_000 },
    );
    await until(
      async () => held,
      (h) => h,
      10_000,
    );

    const req = request(`${url}/api/agent/heartbeat`, {
      method: 'POST',
      headers: { authorization: `Agent ${agent.key}`, 'content-type': 'application/json' },
    });
    req.on('error', () => undefined);
    // A clock reading makes the beat a write (a bare beat right after enrolment writes nothing), so on
    // PostgreSQL too the handler waits for the row.
    req.end(JSON.stringify({ t0: Date.now(), clock: { offsetMs: 1.5, rttMs: 0.5 } }));
    // The beat's handler runs (agents' routine requests log no line to watch for).
    expect(
      await until(
        async () => handlersRunning(s!.app),
        (n) => n === 1,
        10_000,
      ),
    ).toBe(1);
    req.destroy(); // the agent is gone; its request is still being handled

    const closed = s.stop();
    await new Promise((r) => setTimeout(r, 300));
    release();
    await holding;
    await closed;

    const failures = s.logs.filter((l) => /"level":50/.test(l));
    expect(failures).toEqual([]);
    // The handler did reach the database: the beat's clock reading is stored.
    const reopened = await startTestServer({ agentPlaintext: true }, s.database);
    const row = await reopened.ctx.db.prisma.agent.findUniqueOrThrow({ where: { id: agent.id } });
    await reopened.stop();
    expect(row.clockOffsetMs).toBe(1.5);
  });
});
