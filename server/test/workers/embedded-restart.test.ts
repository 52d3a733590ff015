// The embedded default (PGlite, one process doing everything) on the same job engine: a server stopped in
// the middle of a discovery run hands the devices it was polling back to the engine, and the next start
// polls them and finishes the run — one snapshot, every device once in the report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';
import { SNMPSIM, startSnmpsim, type Snmpsim } from '../discovery/support/snmpsim.ts';
import { startDelayProxy, type DelayProxy } from './delay-proxy.ts';
import { deviceRecording } from './device-recording.ts';

const DEVICES = 6;
const reason = process.env.DATABASE_URL
  ? 'the embedded database only (the PostgreSQL pass runs worker processes: workers.test.ts)'
  : !SNMPSIM
    ? 'needs snmpsim (apt install snmpsim)'
    : undefined;
if (reason) console.warn(`SKIP embedded restart mid-run: ${reason}`);

describe.skipIf(reason)('the embedded server stopped mid-run', () => {
  const proxies: DelayProxy[] = [];
  let sim: Snmpsim | undefined;
  let db: TestDatabase;
  let s: TestServer | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    sim = await startSnmpsim(
      Object.fromEntries(
        Array.from({ length: DEVICES }, (_, i) => [`dev${i + 1}`, { text: deviceRecording(i + 1) }]),
      ),
    );
    for (let i = 0; i < DEVICES; i++) proxies.push(await startDelayProxy(sim.port, 40));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await sim?.stop();
    await s?.destroy();
  });

  it('polls the devices it handed back after the next start and finishes the run once', async () => {
    s = await startTestServer({}, db);
    const op = await s.as('admin');
    const call = async (method: 'GET' | 'POST', url: string, payload?: object) =>
      (await s!.app.inject({ method, url, headers: op, ...(payload && { payload }) })).json();
    for (let i = 0; i < DEVICES; i++)
      await call('POST', '/api/targets', {
        address: '127.0.0.1',
        port: proxies[i]!.port,
        credential: { version: 'v2c', community: `dev${i + 1}` },
      });
    const task = await call('POST', '/api/tasks', {
      name: 'restarted run',
      kind: 'discovery',
      args: { concurrency: 2, timeoutMs: 3000, retries: 1 },
    });
    const run = await call('POST', `/api/tasks/${task.id}/run`);
    const devices = () =>
      s!.ctx.db.prisma.discoveryDevice.findMany({ where: { runId: run.id }, orderBy: { position: 'asc' } });
    await until(devices, (ds) => ds.some((d) => d.state === 'done'), 60_000, 20);
    // Held, no poll can finish from now on; the server stops once a poll is seen waiting on a held request
    // (a poll whose last reply was already on its way when the hold began may still finish).
    for (const p of proxies) p.hold();
    const proxyOf = (port: number | null) => proxies.find((p) => p.port === port)!;
    await until(
      devices,
      (ds) => ds.some((d) => d.state === 'polling' && proxyOf(d.port).kept > 0),
      60_000,
      20,
    );
    await s.stop();
    for (const p of proxies) p.release();

    s = await startTestServer({}, db);
    const again = await s.as('admin');
    const finished = await until(
      async () => (await s!.app.inject({ method: 'GET', url: `/api/runs/${run.id}`, headers: again })).json(),
      (r) => r.state !== 'running' && r.state !== 'queued',
      90_000,
      250,
    );
    expect(finished.state, JSON.stringify(finished)).toBe('succeeded');
    const after = await devices();
    expect(after.every((d) => d.state === 'done')).toBe(true);
    // The stop cut some polls short: those devices were polled again after the start, and no other was.
    expect(after.some((d) => d.attempts === 2)).toBe(true);
    for (const d of after) {
      expect(d.attempts).toBeLessThanOrEqual(2);
      // A poll cut before its first request reached the device leaves no client there.
      const clients = proxyOf(d.port).clients.length;
      expect(clients, `port ${d.port}`).toBeGreaterThanOrEqual(1);
      expect(clients, `port ${d.port}`).toBeLessThanOrEqual(d.attempts);
    }
    expect(await s.ctx.db.prisma.snapshot.count({ where: { runId: run.id } })).toBe(1);
    expect(finished.result.devices).toBe(DEVICES);
    expect(finished.result.report.map((r: { target: string }) => r.target).sort()).toEqual(
      proxies.map((p) => `127.0.0.1:${p.port}`).sort(),
    );
  }, 180_000);
});
