// Worker processes on one PostgreSQL share a discovery run's devices: two real `netspotter server --role
// worker` processes take the device jobs of a run queued through an api-only server; one is killed mid-run
// and the other polls what it left. Devices are snmpsim recordings behind relays that slow each request
// (so polls overlap the kill) and record each client socket that polled them. PostgreSQL only: the
// embedded database serves one process.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, NEEDS_POSTGRES, type TestDatabase } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';
import { SNMPSIM, startSnmpsim, type Snmpsim } from '../discovery/support/snmpsim.ts';
import { startDelayProxy, type DelayProxy } from './delay-proxy.ts';
import { deviceRecording } from './device-recording.ts';

const BIN = fileURLToPath(new URL('../../../bin/netspotter.js', import.meta.url));
const DEVICES = 12;
const DELAY_MS = 40;

const reason = !process.env.DATABASE_URL
  ? NEEDS_POSTGRES
  : !SNMPSIM
    ? 'needs snmpsim (apt install snmpsim)'
    : undefined;
if (reason) console.warn(`SKIP workers sharing a run: ${reason}`);

interface WorkerProcess {
  child: ChildProcess;
  label: string;
  stderr: string[];
}

describe.skipIf(reason)('worker processes sharing a discovery run', () => {
  const secretKey = randomBytes(32).toString('base64');
  const workers: WorkerProcess[] = [];
  const proxies: DelayProxy[] = [];
  const dirs: string[] = [];
  let sim: Snmpsim | undefined;
  let db: TestDatabase;
  let api: TestServer;

  function startWorker(): Promise<WorkerProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), 'netspotter-worker-'));
    dirs.push(dataDir);
    const child = spawn(process.execPath, [BIN, 'server', '--role', 'worker'], {
      env: {
        ...process.env,
        DATABASE_URL: db.databaseUrl,
        NETSPOTTER_SECRET_KEY: secretKey,
        NETSPOTTER_DATA_DIR: dataDir,
        NETSPOTTER_POLL_CONCURRENCY: '2',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const w = { child, label: `worker ${hostname()}/${child.pid}`, stderr: [] as string[] };
    workers.push(w);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker did not start:\n${w.stderr.join('')}`)),
        60_000,
      );
      child.stderr!.on('data', (d) => {
        w.stderr.push(String(d));
        if (w.stderr.join('').includes('Netspotter worker is running')) {
          clearTimeout(timer);
          resolve(w);
        }
      });
      child.on('exit', (code) => reject(new Error(`worker exited (${code}):\n${w.stderr.join('')}`)));
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTestServer({ role: 'api', secretKey }, db);
    const communities = Object.fromEntries(
      Array.from({ length: DEVICES }, (_, i) => [`dev${i + 1}`, { text: deviceRecording(i + 1) }]),
    );
    sim = await startSnmpsim(communities);
    for (let i = 0; i < DEVICES; i++) proxies.push(await startDelayProxy(sim.port, DELAY_MS));
  }, 120_000);

  afterAll(async () => {
    for (const w of workers)
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(proxies.map((p) => p.close()));
    await sim?.stop();
    await api?.destroy();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('splits the devices, finishes a killed worker’s devices on the other, polls none twice, stores one snapshot', async () => {
    const [a, b] = [await startWorker(), await startWorker()];
    const op = await api.as('admin');
    const call = async (method: 'GET' | 'POST', url: string, payload?: object) =>
      (await api.app.inject({ method, url, headers: op, ...(payload && { payload }) })).json();
    for (let i = 0; i < DEVICES; i++)
      await call('POST', '/api/targets', {
        address: '127.0.0.1',
        port: proxies[i]!.port,
        credential: { version: 'v2c', community: `dev${i + 1}` },
      });
    const task = await call('POST', '/api/tasks', {
      name: 'shared run',
      kind: 'discovery',
      args: { concurrency: 4, timeoutMs: 3000, retries: 1 },
    });
    const run = await call('POST', `/api/tasks/${task.id}/run`);
    const { prisma } = api.ctx.db;
    const devices = () =>
      prisma.discoveryDevice.findMany({ where: { runId: run.id }, orderBy: { position: 'asc' } });

    // Kill worker a while it polls, once it has finished some devices.
    await until(devices, (ds) => ds.some((d) => d.state === 'done' && d.poller === a.label), 60_000, 20);
    // Held for the moment of the kill, none of a's polls in flight can finish in it (b's just wait a little).
    // A poll whose last reply was already on its way when the hold began may still finish, so a dies only
    // once one of its polls is seen waiting on a held request (that poll is surely cut).
    for (const p of proxies) p.hold();
    const proxyOf = (port: number | null) => proxies.find((p) => p.port === port)!;
    const before = await until(
      devices,
      (ds) => ds.some((d) => d.state === 'polling' && d.poller === a.label && proxyOf(d.port).kept > 0),
      60_000,
      20,
    );
    const inFlight = before.filter((d) => d.state === 'polling' && d.poller === a.label).map((d) => d.id);
    expect(inFlight.length).toBeGreaterThan(0);
    const exited = new Promise((resolve) => a.child.once('exit', resolve));
    a.child.kill('SIGKILL');
    await exited;
    for (const p of proxies) p.release();

    const finished = await until(
      () => call('GET', `/api/runs/${run.id}`),
      (r) => r.state !== 'running' && r.state !== 'queued',
      // A device its worker took but had not started when killed goes back after 30 s.
      150_000,
      250,
    );
    expect(finished.state, JSON.stringify(finished)).toBe('succeeded');
    const after = await devices();
    expect(after).toHaveLength(DEVICES);
    expect(after.every((d) => d.state === 'done')).toBe(true);
    // Both workers polled devices of the run; the killed one's device was finished by the other.
    const byA = after.filter((d) => d.poller === a.label);
    const byB = after.filter((d) => d.poller === b.label);
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
    expect(byA.length + byB.length).toBe(DEVICES);
    // The kill cut short some of worker a's polls: those devices, and only those, were polled again, by b.
    const cut = after.filter((d) => d.attempts > 1);
    expect(cut.length).toBeGreaterThan(0);
    for (const d of cut) expect([d.attempts, d.poller]).toEqual([2, b.label]);
    // What a was polling when it was killed it either finished in that moment or b polled again.
    for (const id of inFlight) {
      const d = after.find((x) => x.id === id)!;
      expect([d.attempts, d.poller]).toEqual(d.poller === a.label ? [1, a.label] : [2, b.label]);
    }
    // No device polled more often than that: each device's relay saw at most as many polling clients as
    // attempts (a poll cut before its first request reached the device leaves none).
    for (const d of after) {
      const clients = proxyOf(d.port).clients.length;
      expect(clients, `device on port ${d.port}`).toBeGreaterThanOrEqual(1);
      expect(clients, `device on port ${d.port}`).toBeLessThanOrEqual(d.attempts);
    }
    // The snapshot is stored once, complete: every device, each target reported once and answered.
    const snapshots = await prisma.snapshot.findMany({
      where: { runId: run.id },
      include: { devices: true },
    });
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]!.devices).toHaveLength(DEVICES);
    expect(finished.result.devices).toBe(DEVICES);
    const reported = finished.result.report.map((r: { target: string }) => r.target).sort();
    expect(reported).toEqual(proxies.map((p) => `127.0.0.1:${p.port}`).sort());
    expect(finished.result.report.every((r: { status: string }) => r.status === 'ok')).toBe(true);
    expect(finished.progress).toMatchObject({ phase: 'done', done: DEVICES, total: DEVICES });
  }, 300_000);
});
