// Benchmark: 1,000 agents against one server. A real server (HTTPS) in this process, its CPU measured; the
// simulated agents in a second process speak the real protocol (clients.ts): enrol, a heartbeat every 5 s
// after three clock probes, a lease long-poll always parked. Run on the embedded PGlite and, when
// DATABASE_URL is set, on PostgreSQL too. Per database: a measured steady phase (API p99 of probes and
// beats, server CPU, agents ever seen suspect or offline through GET /api/agents), then bursts in which
// 200 agents given a job each upload a 10-step sequence's results at once (all stored, none twice, p99),
// then replay them (all duplicates, nothing more stored): the first burst since the server started, then
// UPLOAD_BURSTS more (5), 5 s apart, whose uploads together give the upload p99. The clock probe does no
// database work: its p99 is the floor the heartbeat's is read against. Each upload's time is also printed
// as the server saw it (request parsed to response written): one process simulates the 200 hosts, and its
// own turns count in the agents' figure. Each burst also says where the CPU went: what the server's event
// loop, PGlite's thread, the server's other threads and the agents' process ran and waited for a core, and
// what other processes took of the machine meanwhile (on 2 cores these bound the burst). Ends with a line
// per database (the upload p99 among its figures) and `agents=N api_p99_ms=X cpu_cores=Y false_offline=N`
// (worst of the databases).
// AGENTS, UPLOADERS and MEASURE_S make it smaller or longer; BENCH_DATABASES picks the databases;
// UPLOAD_CPU_PROF=PATH writes a CPU profile of the server thread while the first burst's uploads arrive
// (PATH.<database>.cpuprofile).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startBenchServer } from '../support/bench-server.ts';
import { startBenchChild } from '../support/bench-child.ts';
import { profileThread } from '../support/stall-log.ts';
import { postgresDatabase } from '../support/postgres-database.ts';
import { percentile } from '../support/https-call.ts';
import {
  busiestThreadDuring,
  machineCpuMs,
  scheduledBetween,
  threadsScheduled,
  type Scheduled,
} from '../support/cpu.ts';
import { dispatchJobs } from '../../server/src/agents/jobs.ts';

const AGENTS = Number(process.env.AGENTS ?? 1000);
const UPLOADERS = Math.min(AGENTS, Number(process.env.UPLOADERS ?? 200));
const MEASURE_S = Number(process.env.MEASURE_S ?? 60);
/** Upload bursts after the first. */
const BURSTS = Number(process.env.UPLOAD_BURSTS ?? 5);
const BEAT_S = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

interface Figures {
  database: string;
  apiP99: number;
  cpuCores: number;
  falseOffline: number;
  uploadP99: number;
  firstUploadP99: number;
}

async function bench(database: 'pglite' | 'postgres'): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'netspotter-bench-agents-'));
  const pgdb = database === 'postgres' ? await postgresDatabase(process.env.DATABASE_URL!) : undefined;
  const { server, base, cookie, enrolmentTokens } = await startBenchServer({
    dataDir,
    ...(pgdb && { databaseUrl: pgdb.url }),
    agentHeartbeatSeconds: BEAT_S,
  });
  const tokens = await enrolmentTokens(AGENTS, 'scale');
  // PGlite's worker thread: the one that runs a query of ~100 ms of the database's own work.
  const dbThread =
    database === 'pglite'
      ? await busiestThreadDuring(() =>
          server.ctx.db.pool.query('SELECT count(*) FROM generate_series(1, 2000000)'),
        )
      : undefined;

  const clients = startBenchChild(
    new URL('./clients.ts', import.meta.url),
    base,
    join(dataDir, 'tls/server.crt'),
  );
  const { send, reply } = clients;
  send(tokens);
  const ready = await reply<{ ready: number; enrolSeconds: number }>();
  console.log(`${database}: ${ready.ready} agents enrolled over HTTPS in ${f(ready.enrolSeconds)} s`);

  // Liveness as users see it (GET /api/agents), every beat interval; any agent not online is a false alarm.
  /** Agents ever seen not online, with the last such state. */
  const notOnline = new Map<string, string>();
  /** What the bench was doing when the sample was taken (the seconds into the run). */
  let phase = 'warm-up';
  const t00 = performance.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const agents = (
        await server.app.inject({ method: 'GET', url: '/api/agents', headers: { cookie } })
      ).json<{ name: string; state: string }[]>();
      for (const a of agents)
        if (a.state !== 'online')
          notOnline.set(a.name, `${a.state} (${phase}, ${f((performance.now() - t00) / 1000, 0)} s)`);
      await sleep(BEAT_S * 1000);
    }
  })();

  await sleep(2 * BEAT_S * 1000); // every agent beating, every lease parked
  send({ do: 'reset' });
  phase = 'steady';
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const threads0 = threadsScheduled();
  const t0 = performance.now();
  await sleep(MEASURE_S * 1000);
  const cpu = process.cpuUsage(cpu0);
  const threads1 = threadsScheduled();
  const wall = (performance.now() - t0) / 1000;
  /** Cores the threads `pick` selects used on average over the steady phase. */
  const coresOf = (pick: (tid: number) => boolean) =>
    scheduledBetween(threads0, threads1, pick).runMs / 1e3 / wall;
  loop.disable();
  send({ do: 'report' });
  const steady = await reply<{
    n: number;
    p50: number;
    p99: number;
    time: { n: number; p99: number };
    heartbeat: { n: number; p99: number };
    failures: Record<string, number>;
    clientCores: number;
  }>();
  const cpuCores = (cpu.user + cpu.system) / 1e6 / wall;
  console.log(
    `${database}: steady ${f(wall, 0)} s: ${steady.n} API calls (${f(steady.n / wall, 0)}/s), p50 ${f(steady.p50)} ms, p99 ${f(steady.p99)} ms; ` +
      `heartbeat p99 ${f(steady.heartbeat.p99)} ms beside the clock probe's ${f(steady.time.p99)} ms (no database work); ` +
      `server CPU ${f(cpuCores, 2)} cores (event loop ${f(
        coresOf((tid) => tid === process.pid),
        2,
      )}, other threads ` +
      `${f(
        coresOf((tid) => tid !== process.pid),
        2,
      )}${database === 'pglite' ? ', the database among them' : ''}), event-loop delay p99 ${f(loop.percentile(99) / 1e6)} ms; ` +
      `the agents' process ${f(steady.clientCores, 2)} cores; machine load ${f(loadavg()[0]!, 1)} on ${cpus().length} cores; ` +
      `failures ${JSON.stringify(steady.failures)}`,
  );

  phase = 'uploads';
  const { prisma } = server.ctx.db;
  const task = await prisma.task.create({
    data: { name: 'agents-scale uploads', kind: 'noop', createdBy: 'admin' },
  });
  const uploaders = await prisma.agent.findMany({ orderBy: { name: 'asc' }, take: UPLOADERS });
  const plan = {
    kind: 'sequence' as const,
    templates: [],
    steps: Array.from({ length: 10 }, (_, step) => ({
      op: 'wait' as const,
      step,
      definitionStep: step,
      // Long enough that no lease expires while all of them are handed out on a busy machine.
      ms: 6000,
    })),
  };
  /**
   * One burst: the uploaders each get a job (a run of their own: the engine executes nothing here), upload
   * its results at once, then replay them. Checks all were stored once and the replay stored nothing.
   */
  const burst = async (n: number) => {
    const run = await prisma.taskRun.create({
      data: { taskId: task.id, trigger: 'manual', state: 'running' },
    });
    await dispatchJobs(
      server.ctx.db,
      run.id,
      uploaders.map((a) => ({ agentId: a.id, participant: a.name, plan })),
      new Date(Date.now() + 1000),
    );
    let holding = 0;
    for (let i = 0; i < 120 && holding < UPLOADERS; i++) {
      send({ do: 'jobs' });
      holding = (await reply<{ jobs: number }>()).jobs;
      if (holding < UPLOADERS) await sleep(500);
      if (i % 20 === 19) console.log(`${database}: ${holding}/${UPLOADERS} agents hold their job`);
    }
    const profile = n === 1 && process.env.UPLOAD_CPU_PROF ? await profileThread(200) : undefined;
    // The server's own share of each upload (request parsed to response written) and its event loop's
    // delays: the agents' figure also holds their process's time, which a fleet of real hosts would not share.
    const serverMs: number[] = [];
    const timeUpload = (req: IncomingMessage, res: ServerResponse) => {
      if (!req.url?.endsWith('/results')) return;
      const t = performance.now();
      res.once('finish', () => serverMs.push(performance.now() - t));
    };
    server.app.server.on('request', timeUpload);
    const burstLoop = monitorEventLoopDelay({ resolution: 5 });
    burstLoop.enable();
    const [threads0, machine0, t0] = [threadsScheduled(), machineCpuMs(), performance.now()];
    send({ do: 'upload' });
    const up = await reply<{
      uploads: number;
      ms: number[];
      stored: number;
      duplicates: number;
      loopMaxMs: number;
      scheduled: Scheduled;
    }>();
    const [threads1, machine1, wallMs] = [threadsScheduled(), machineCpuMs(), performance.now() - t0];
    burstLoop.disable();
    server.app.server.off('request', timeUpload);
    if (profile) {
      const file = `${process.env.UPLOAD_CPU_PROF}.${database}.cpuprofile`;
      writeFileSync(file, JSON.stringify(await profile.stop()));
      console.log(`${database}: the server thread's CPU profile while the first uploads arrived: ${file}`);
    }
    const rows = await prisma.jobResult.count({ where: { job: { runId: run.id } } });
    const done = await prisma.job.count({ where: { runId: run.id, state: 'done' } });
    send({ do: 'replay' });
    const again = await reply<{ uploads: number; stored: number; duplicates: number }>();
    const rowsAfter = await prisma.jobResult.count({ where: { job: { runId: run.id } } });
    const expected = UPLOADERS * 11;
    const line =
      `${up.uploads}/${UPLOADERS} uploaded: p50 ${f(percentile(up.ms, 50))} ms, p99 ${f(percentile(up.ms, 99))} ms; ` +
      `stored ${up.stored} (${rows} rows, ${expected} expected), duplicates ${up.duplicates}, jobs done ${done}; ` +
      `replayed: stored ${again.stored}, duplicates ${again.duplicates}, rows ${rowsAfter}; ` +
      `in the server p50 ${f(percentile(serverMs, 50))} ms, p99 ${f(percentile(serverMs, 99))} ms, its event loop's longest delay ` +
      `${f(burstLoop.max / 1e6)} ms, the agents' process's ${f(up.loopMaxMs)} ms; ` +
      cpuOfBurst(
        wallMs,
        scheduledBetween(threads0, threads1, (tid) => tid === process.pid),
        dbThread === undefined ? undefined : scheduledBetween(threads0, threads1, (tid) => tid === dbThread),
        scheduledBetween(threads0, threads1, (tid) => tid !== process.pid && tid !== dbThread),
        up.scheduled,
        { busy: machine1.busy - machine0.busy, steal: machine1.steal - machine0.steal },
      );
    const stored = up.uploads === UPLOADERS && rows === expected && done === UPLOADERS && up.duplicates === 0;
    if (!stored || rowsAfter !== expected || again.stored !== 0)
      console.log(`${database}: UPLOAD CHECK FAILED in burst ${n}`);
    return { ms: up.ms, serverMs, line };
  };
  // The first burst meets code paths the server has not run yet (V8 compiles them while it runs); the ones
  // after it are a server in service, whose agents end sequences all day. Each is printed; the p99 is taken
  // over all uploads of the later ones, and the first burst's beside it.
  const first = await burst(1);
  console.log(`${database}: burst 1 of ${1 + BURSTS}, the first since the server started: ${first.line}`);
  const later: Awaited<ReturnType<typeof burst>>[] = [];
  for (let n = 2; n <= 1 + BURSTS; n++) {
    await sleep(BEAT_S * 1000);
    later.push(await burst(n));
    console.log(`${database}: burst ${n} of ${1 + BURSTS}: ${later.at(-1)!.line}`);
  }
  const pooled = later.length ? later : [first];
  const uploadMs = pooled.flatMap((b) => b.ms);
  const uploadP99 = percentile(uploadMs, 99);
  const firstUploadP99 = percentile(first.ms, 99);
  if (later.length) {
    const serverP99 = percentile(
      later.flatMap((b) => b.serverMs),
      99,
    );
    console.log(
      `${database}: bursts 2-${1 + BURSTS}: p99 over their ${uploadMs.length} uploads ${f(uploadP99)} ms ` +
        `(in the server ${f(serverP99)} ms); the first burst's ${f(firstUploadP99)} ms`,
    );
  }

  sampling = false;
  await sampler;
  send({ do: 'quit' });
  await clients.exited;
  if (notOnline.size)
    console.log(
      `${database}: agents seen not online: ${[...notOnline]
        .slice(0, 10)
        .map(([n, st]) => `${n}:${st}`)
        .join(', ')}${notOnline.size > 10 ? ', …' : ''}`,
    );
  await server.close();
  await pgdb?.drop();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    database,
    apiP99: steady.p99,
    cpuCores,
    falseOffline: notOnline.size,
    uploadP99,
    firstUploadP99,
  };
}

/**
 * Where a burst's CPU went, and what it bounds: on a machine of few cores the server's threads and the
 * simulated agents take turns on them, so the burst lasts at least their CPU time over the cores, and
 * every millisecond a thread waited for a core (run queue) adds to the uploads' latency. The agents'
 * process does the same work in every burst: its CPU time also gauges how fast the machine ran.
 */
function cpuOfBurst(
  wallMs: number,
  loop: Scheduled,
  db: Scheduled | undefined,
  helpers: Scheduled,
  agents: Scheduled,
  machine: { busy: number; steal: number },
): string {
  const cores = cpus().length;
  const ours = loop.runMs + (db?.runMs ?? 0) + helpers.runMs + agents.runMs;
  const ran = (what: string, s: Scheduled) =>
    `${what} ran ${f(s.runMs, 0)} ms and waited ${f(s.waitMs, 0)} ms for a core`;
  return (
    `CPU over its ${f(wallMs, 0)} ms: ${ran("the server's event loop", loop)}, ` +
    `${db ? `${ran("the embedded database's thread", db)}, ` : ''}` +
    `${ran(`its ${db ? 'other ' : ''}threads (V8's garbage collector and compiler, libuv's pool)`, helpers)}, ` +
    `${ran("the agents' process", agents)} (together at least ${f(ours / cores, 0)} ms on ${cores} cores); ` +
    `the machine was busy ${f(machine.busy, 0)} of ${f(cores * wallMs, 0)} core-ms, ` +
    `${f(Math.max(0, machine.busy - ours), 0)} of them other processes'${db ? '' : ' (PostgreSQL among them)'} ` +
    `(${f(machine.steal, 0)} stolen by the hypervisor)`
  );
}

const results: Figures[] = [];
// BENCH_DATABASES=postgres (or pglite) runs one of them.
const chosen = (process.env.BENCH_DATABASES ?? 'pglite,postgres').split(',');
for (const db of (['pglite', 'postgres'] as const).filter(
  (d) => chosen.includes(d) && (d === 'pglite' || process.env.DATABASE_URL),
))
  results.push(await bench(db));
for (const r of results)
  console.log(
    `${r.database}: api_p99_ms=${f(r.apiP99)} (target < 50) cpu_cores=${f(r.cpuCores, 2)} (target < 1) false_offline=${r.falseOffline} (target 0) ` +
      `upload_p99_ms=${f(r.uploadP99)} (target < 200; the first burst's ${f(r.firstUploadP99)})`,
  );
const worst = (k: 'apiP99' | 'cpuCores') => Math.max(...results.map((r) => r[k]));
console.log(
  `agents=${AGENTS} api_p99_ms=${f(worst('apiP99'))} cpu_cores=${f(worst('cpuCores'), 2)} false_offline=${results.reduce((n, r) => n + r.falseOffline, 0)}`,
);
process.exit(0);
