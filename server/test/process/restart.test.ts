// Data, users and schedules survive a crash (SIGKILL) and restart on the same data folder; the run
// the crash interrupted is marked failed with that reason; Ctrl-C (SIGINT) shuts down cleanly.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { until } from '../support/until.ts';

const PASSWORD = 'restart-admin-pw';

// The API over HTTPS (the server's generated certificate), as the admin's session.
const api = (server: ServerProcess, cookie: string, method: string, path: string, body?: unknown) =>
  server.call(method, path, body, { cookie });

async function login(server: ServerProcess): Promise<string> {
  const res = await server.call('POST', '/api/auth/login', { username: 'admin', password: PASSWORD });
  expect(res.status).toBe(200);
  return String(res.headers['set-cookie']![0]).split(';')[0]!;
}

// Two server starts and a schedule that must fire: generous on a busy 2-core machine.
describe('server process restart', { timeout: 240_000 }, () => {
  let tdb: TestDatabase;
  let env: Record<string, string>;
  let running: ServerProcess | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    env = {
      NETSPOTTER_DATA_DIR: tdb.dataDir,
      NETSPOTTER_ADMIN_PASSWORD: PASSWORD,
      ...(tdb.databaseUrl && { DATABASE_URL: tdb.databaseUrl }),
    };
  });
  afterAll(async () => {
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    await tdb?.drop();
  });

  it('keeps everything across a crash, fails the interrupted run, reloads schedules, and stops on SIGINT', async () => {
    running = await startServerProcess(env);
    let server = running;
    const certificate = readFileSync(server.certFile!, 'utf8');
    let cookie = await login(server);
    // HTTPS only: a plaintext request gets no answer.
    await expect(fetch(`${server.url.replace('https:', 'http:')}/healthz`)).rejects.toThrow();
    expect(
      (
        await api(server, cookie, 'POST', '/api/targets', {
          address: '192.0.2.50',
          credential: { version: 'v2c', community: 'keepme1' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api(server, cookie, 'POST', '/api/users', {
          username: 'dave',
          password: 'dave-pass-1',
          role: 'viewer',
        })
      ).status,
    ).toBe(201);
    const longTask = (
      await api(server, cookie, 'POST', '/api/tasks', {
        name: 'long',
        kind: 'noop',
        args: { durationMs: 600_000 },
      })
    ).body;
    const quickTask = (
      await api(server, cookie, 'POST', '/api/tasks', { name: 'tick', kind: 'noop', args: {} })
    ).body;
    const schedule = (
      await api(server, cookie, 'POST', '/api/schedules', { taskId: quickTask.id, cron: '*/2 * * * * *' })
    ).body;
    const run = (await api(server, cookie, 'POST', `/api/tasks/${longTask.id}/run`)).body;
    await until(
      () => api(server, cookie, 'GET', `/api/runs/${run.id}`),
      (r) => r.body.state === 'running',
    );

    running.child.kill('SIGKILL');
    expect(await running.exited).toBe('SIGKILL');
    const restartedAt = Date.now();

    running = await startServerProcess(env);
    server = running;
    // The generated certificate is kept: agents' pinned fingerprints survive a restart.
    expect(readFileSync(server.certFile!, 'utf8')).toBe(certificate);
    expect(running.stderr.join('')).not.toMatch(/First start/);
    cookie = await login(server);
    const targets = (await api(server, cookie, 'GET', '/api/targets')).body;
    expect(targets.map((t: { address: string }) => t.address)).toEqual(['192.0.2.50']);
    const users = (await api(server, cookie, 'GET', '/api/users')).body;
    expect(users.map((u: { username: string }) => u.username)).toEqual(['admin', 'dave']);
    const interrupted = (await api(server, cookie, 'GET', `/api/runs/${run.id}`)).body;
    expect(interrupted).toMatchObject({
      state: 'failed',
      message: 'interrupted: the server stopped while this run was in progress',
    });
    const fired = await until(
      () => api(server, cookie, 'GET', `/api/runs?taskId=${quickTask.id}`),
      (r) =>
        r.body.some(
          (x: { createdAt: string; scheduleId: string }) =>
            x.scheduleId === schedule.id && Date.parse(x.createdAt) > restartedAt,
        ),
    );
    expect(fired.body.some((x: { createdAt: string }) => Date.parse(x.createdAt) > restartedAt)).toBe(true);

    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
    expect(running.stdout.join('')).toMatch(/"msg":"stopped"/);
  });
});
