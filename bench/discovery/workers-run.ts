// Discovery spread over worker processes on one PostgreSQL, as a cluster runs it: an api-only server in
// this process holds the targets and queues the run; N `netspotter server --role worker` processes poll
// the devices (jobs) and build the snapshot. Measured per run: devices polled, the poll phase (run start
// to the last device's finish, database clock), the whole run (snapshot stored), and the CPU-seconds of
// the worker processes, up to the last device's count (the poll) and to the run's end. The same database serves every run (targets imported once).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchServer } from '../support/bench-server.ts';
import { groupCpuSeconds } from '../support/cpu.ts';
import { postgresDatabase } from '../support/postgres-database.ts';

const BIN = fileURLToPath(new URL('../../bin/netspotter.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WorkersRun {
  workers: number;
  devices: number;
  pollSeconds: number;
  seconds: number;
  /** Worker CPU until the last device was counted (within 250 ms), and until the run's end (snapshot stored). */
  pollCpuSeconds: number;
  cpuSeconds: number;
  state: string;
  /** Devices each worker polled, most first. */
  share: number[];
}

/** A worker process in a process group of its own (its CPU counted with /proc), once it says it runs. */
async function startWorker(env: NodeJS.ProcessEnv, cpuProfDir?: string): Promise<ChildProcess> {
  const profile = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...profile, BIN, 'server', '--role', 'worker'], {
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${log}`)), 120_000);
    child.stderr!.on('data', (d: Buffer) => {
      if (log.length < 1 << 20) log += d.toString();
      if (log.includes('Netspotter worker is running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}):\n${log.slice(-4000)}`));
    });
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid!, 'SIGTERM');
  const t = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
  await exited;
  clearTimeout(t);
}

/**
 * Imports `targets` (lines `ADDRESS:PORT COMMUNITY`) on a fresh database, then runs one discovery per
 * entry of `workerCounts` with that many worker processes, each stopped after `limitS` seconds. With
 * `cpuProfDir`, each worker writes a V8 CPU profile there when it stops.
 */
export async function workersRuns(
  databaseUrl: string,
  targets: string,
  workerCounts: number[],
  opts: { concurrency: number; limitS: number; cpuProfDir?: string },
): Promise<WorkersRun[]> {
  const db = await postgresDatabase(databaseUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-discovery-workers-'));
  const secretKey = randomBytes(32).toString('base64');
  const { server, cookie } = await startBenchServer({
    dataDir: join(dataDir, 'api'),
    databaseUrl: db.url,
    role: 'api',
    secretKey,
  });
  const call = async <T>(method: 'GET' | 'POST', url: string, payload?: object): Promise<T> => {
    const r = await server.app.inject({ method, url, headers: { cookie }, ...(payload && { payload }) });
    if (r.statusCode >= 400) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
    return r.json<T>();
  };
  const out: WorkersRun[] = [];
  try {
    await call('POST', '/api/targets/import', { text: targets });
    const task = await call<{ id: string }>('POST', '/api/tasks', {
      name: 'bench workers',
      kind: 'discovery',
      args: { concurrency: opts.concurrency, timeoutMs: 5000 },
    });
    for (const [n, count] of workerCounts.entries()) {
      const workers: ChildProcess[] = [];
      try {
        for (let i = 0; i < count; i++)
          workers.push(
            await startWorker(
              {
                DATABASE_URL: db.url,
                NETSPOTTER_SECRET_KEY: secretKey,
                NETSPOTTER_DATA_DIR: join(dataDir, `w${n}-${i}`),
                NETSPOTTER_POLL_CONCURRENCY: String(opts.concurrency),
              },
              opts.cpuProfDir,
            ),
          );
        const cpu0 = workers.map((w) => groupCpuSeconds(w.pid!));
        const t0 = performance.now();
        const run = await call<{ id: string }>('POST', `/api/tasks/${task.id}/run`);
        const cpuSince = () => workers.reduce((s, w, i) => s + groupCpuSeconds(w.pid!) - cpu0[i]!, 0);
        const { prisma } = server.ctx.db;
        let state = 'queued';
        let pollCpuSeconds = NaN;
        while ((state === 'queued' || state === 'running') && performance.now() - t0 < opts.limitS * 1000) {
          await sleep(250);
          state = (await call<{ state: string }>('GET', `/api/runs/${run.id}`)).state;
          // The poll's CPU apart from the snapshot's assembly: read as the last device is counted.
          if (Number.isNaN(pollCpuSeconds)) {
            const counts = await prisma.discoveryRun.findUnique({ where: { runId: run.id } });
            if (state !== 'queued' && counts && counts.done >= counts.total) pollCpuSeconds = cpuSince();
          }
        }
        const seconds = (performance.now() - t0) / 1000;
        if (state === 'queued' || state === 'running') await call('POST', `/api/runs/${run.id}/cancel`);
        const cpuSeconds = cpuSince();
        const polled = await prisma.discoveryDevice.aggregate({
          where: { runId: run.id, state: 'done' },
          _count: true,
          _max: { finishedAt: true },
        });
        const started = (await prisma.taskRun.findUniqueOrThrow({ where: { id: run.id } })).startedAt;
        const byWorker = await prisma.discoveryDevice.groupBy({
          by: ['poller'],
          where: { runId: run.id, state: 'done' },
          _count: true,
        });
        out.push({
          workers: count,
          devices: polled._count,
          pollSeconds:
            polled._max.finishedAt && started
              ? (polled._max.finishedAt.getTime() - started.getTime()) / 1000
              : NaN,
          seconds,
          pollCpuSeconds,
          cpuSeconds,
          state,
          share: byWorker.map((w) => w._count).sort((a, b) => b - a),
        });
      } finally {
        await Promise.all(workers.map(stopWorker));
      }
    }
  } finally {
    await server.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}
