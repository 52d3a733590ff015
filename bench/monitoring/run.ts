// Benchmark: continuous monitoring at scale. A real server (embedded PGlite, HTTPS) in this process; in a
// second process, simulated agents over the real protocol (heartbeats bringing the assignment, one
// summary per interval each) of one monitor: AGENTS agents × 2 ASM groups, full mesh, INTERVAL_S intervals,
// for MINUTES. Measures the ingest lag (arrival − interval end, p99), /healthz p99 under the load, server
// CPU and RSS, storage bytes per cell-day (history as stored, windows sealed), the time to read one
// cell's 24 h series (after filling 24 h of one receiver's history; median of 5) and the whole matrix,
// both over HTTPS with gzip accepted as a browser does. The matrix is read by a viewer every
// ~MATRIX_READ_S during the run, while summaries stream in; matrix_ms is the p99 of all those reads,
// printed beside how old the served matrix was (the server keeps a watched matrix rebuilt in the
// background, at most every 2 s while it changes) and apart for fresh reads (built for that read: the
// first, or one after the background fell behind) and ready ones. The prober and the viewer run in
// processes of their own (a third and a fourth), so their timings hold the server's delays only. The
// server's event-loop blocks over 50 ms are listed (the longest few), with what ran during each when
// STALL_STACKS=1 (a CPU profile of the server's thread taken meanwhile; it costs a few % of CPU).
// Ends with `monitoring cells=N ingest_lag_p99_s=X healthz_p99_ms=Y bytes_per_cell_day=Z series_24h_ms=A matrix_ms=B`.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MonitorSummary } from '@netspotter/shared/agent-protocol';
import { allReceived } from './received.ts';
import { startBenchServer } from '../support/bench-server.ts';
import { startBenchChild } from '../support/bench-child.ts';
import { describeStall, profileThread, stallCauses, watchStalls } from '../support/stall-log.ts';

const AGENTS = Number(process.env.AGENTS ?? 100);
const MINUTES = Number(process.env.MINUTES ?? 10);
const INTERVAL_S = Number(process.env.INTERVAL_S ?? 10);
/** Hours of one receiver's history filled before the series read (24; fewer for a quick look). */
const FILL_HOURS = Number(process.env.FILL_HOURS ?? 24);
/** Mean seconds between the viewer's matrix reads during the run. */
const MATRIX_READ_S = Number(process.env.MATRIX_READ_S ?? 5);
/** dbeacon's history: about 30 MB per source/receiver pair and day (its RRD files). */
const DBEACON_BYTES_PER_PAIR_DAY = 30e6;
/** Event-loop blocks listed with what ran in them. */
const STALLS_LISTED = Number(process.env.STALLS_LISTED ?? 8);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

const dataDir = mkdtempSync(join(tmpdir(), 'netspotter-bench-mon-'));
// agentPlaintext only lets the parent enrol the agents through inject; the simulated agents speak HTTPS.
const { server, base, cookie } = await startBenchServer({ dataDir, agentPlaintext: true });
const admin = { cookie };
const enrolled: { name: string; id: string; key: string }[] = [];
for (let i = 0; i < AGENTS; i++) {
  const name = `bench-agent-${i}`;
  const token = (
    await server.app.inject({
      method: 'POST',
      url: '/api/agents/enrolment-tokens',
      headers: admin,
      payload: { name },
    })
  ).json<{ token: string }>().token;
  const facts = {
    hostname: name,
    os: 'linux',
    arch: 'x64',
    agentVersion: '0.1.0',
    interfaces: [
      { name: 'eth0', mac: '02:00:00:00:00:01', addresses: [`2001:db8::${(i + 1).toString(16)}`] },
    ],
    capabilities: { rawPackets: true, engines: ['native'] },
    engine: 'native',
  };
  // Each from its own address: enrolment is rate-limited per client address.
  const r = await server.app.inject({
    method: 'POST',
    url: '/api/agent/enrol',
    remoteAddress: `2001:db8::${(i + 1).toString(16)}`,
    payload: { secret: token.split('.')[1], name, facts },
  });
  if (r.statusCode !== 201) throw new Error(`enrol ${name}: ${r.body}`);
  enrolled.push({ name, id: r.json<{ agentId: string }>().agentId, key: r.json<{ key: string }>().key });
}
const apiToken = (
  await server.app.inject({
    method: 'POST',
    url: '/api/tokens',
    headers: admin,
    payload: { name: 'bench reads' },
  })
).json<{ token: string }>().token;

const ca = join(dataDir, 'tls/server.crt');
const child = (script: string, ...args: string[]) =>
  startBenchChild(new URL(script, import.meta.url), ...args);
const agents = child('./agents.ts', base, ca, JSON.stringify(enrolled));
await agents.reply(); // ready

const created = await server.app.inject({
  method: 'POST',
  url: '/api/monitors',
  headers: admin,
  payload: {
    name: 'bench',
    participants: Array.from({ length: AGENTS }, (_, i) => ({
      agent: `bench-agent-${i}`,
      interface: 'eth0',
    })),
    groups: [
      { mode: 'asm', group: 'ff0e::db8:1', port: 10_000 },
      { mode: 'asm', group: 'ff0e::db8:2', port: 10_000 },
    ],
    beaconPps: 1,
    intervalSeconds: INTERVAL_S,
  },
});
if (created.statusCode !== 201) throw new Error(`monitor: ${created.body}`);
const monitorId = created.json<{ id: string }>().id;
const cells = 2 * AGENTS * (AGENTS - 1);
for (;;) {
  agents.send({ do: 'assigned' });
  if ((await agents.reply<{ assigned: number }>()).assigned === AGENTS) break;
  await sleep(1000);
}
console.log(
  `setup: ${AGENTS} agents enrolled and assigned; ${cells} cells; running ${MINUTES} min at ${INTERVAL_S} s intervals`,
);

const sizeOf = async () =>
  (
    await server.ctx.db.sql.query<{ bytes: string }>(
      `SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c
       WHERE c.relname IN ('monitor_samples', 'monitor_blocks', 'monitor_layouts') AND c.relkind = 'r'`,
    )
  )[0]!.bytes;
const hub = server.ctx.monitors;
const bytes0 = Number(await sizeOf());
hub.lags.length = 0;
const prober = child('../support/healthz-prober.ts', base, ca, '100');
const viewer = child(
  './viewer.ts',
  base,
  ca,
  `/api/monitors/${monitorId}/matrix`,
  String(MATRIX_READ_S * 1000),
  apiToken,
);
const profile = process.env.STALL_STACKS === '1' ? await profileThread() : undefined;
const stallWatch = watchStalls(50);
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const t0Hr = Number(process.hrtime.bigint() / 1000n) / 1000;
let rssMax = 0;
let heapMax = 0;
const rssTimer = setInterval(() => {
  const m = process.memoryUsage();
  rssMax = Math.max(rssMax, m.rss);
  heapMax = Math.max(heapMax, m.heapUsed);
}, 1000);
await sleep(MINUTES * 60_000);
const cpu = process.cpuUsage(cpu0);
loop.disable();
const stalls = stallWatch.stop();
const wallS = (performance.now() - t0) / 1000;
clearInterval(rssTimer);
const lags = [...hub.lags];
prober.send('phase');
viewer.send({ do: 'figures' });
agents.send({ do: 'figures' });
const healthz = await prober.reply<{ n: number; p50: number; p99: number; max: number }>();
interface ReadFigures {
  n: number;
  p50: number;
  p99: number;
}
const mx = await viewer.reply<{
  fresh: ReadFigures;
  cached: ReadFigures;
  all: ReadFigures;
  age: ReadFigures;
  bytes: number;
  wireBytes: number;
}>();
const uploads = await agents.reply<{ uploadP99: number; uploads: number }>();
prober.send('quit');
const longest = [...stalls].sort((a, b) => b.ms - a.ms).slice(0, STALLS_LISTED);
const cpuProfile = await profile?.stop();
const causes = cpuProfile && stallCauses(cpuProfile, longest);
// The whole profile too, for a closer look (Chrome DevTools opens it).
if (cpuProfile && process.env.STALL_LOG)
  writeFileSync(`${process.env.STALL_LOG}.cpuprofile`, JSON.stringify(cpuProfile));

// Storage: the history as it is kept (complete windows sealed into blocks and minute roll-ups).
await hub.housekeep(Date.now() + 3_600_000, true);
const bytes = Number(await sizeOf()) - bytes0; // what the measured intervals added
const days = (lags.length / AGENTS) * (INTERVAL_S / 86_400); // the intervals actually stored
const bytesPerCellDay = bytes / cells / days;

// 24 h of one receiver's history (all its sources), then one cell's series over it, and the matrix.
const me = (await server.ctx.db.prisma.agent.findFirstOrThrow({ where: { name: 'bench-agent-0' } })).id;
const a = hub.assignments(me).assignments[0]!;
const perInterval = a.beaconPps * INTERVAL_S;
const end = Math.floor(Date.now() / (INTERVAL_S * 1000)) * INTERVAL_S * 1000 - 3_600_000;
const batch: MonitorSummary[] = [];
const tFill = performance.now();
for (let start = end - FILL_HOURS * 3_600_000; start < end; start += INTERVAL_S * 1000) {
  batch.push({
    id: randomUUID(),
    monitorId,
    intervalStart: start,
    intervalMs: INTERVAL_S * 1000,
    received: allReceived(a, perInterval),
  });
  if (batch.length === 500) await hub.ingest(me, batch.splice(0));
}
if (batch.length) await hub.ingest(me, batch.splice(0));
await hub.housekeep(Date.now() + 3_600_000, true);
console.log(
  `setup: ${FILL_HOURS} h of one receiver's history (${(FILL_HOURS * 3600) / INTERVAL_S} intervals) stored in ${f((performance.now() - tFill) / 1000)} s`,
);
const g = a.groups[0]!;
const q = new URLSearchParams({
  group: g.id,
  source: g.senders![0]!.agentId,
  receiver: me,
  from: new Date(end - FILL_HOURS * 3_600_000).toISOString(),
  to: new Date(end).toISOString(),
});
viewer.send({ do: 'time', path: `/api/monitors/${monitorId}/series?${q}` });
const series = await viewer.reply<{ ms: number; bytes: number; wireBytes: number }>();
viewer.send({ do: 'quit' });
agents.send({ do: 'quit' });
await server.close();
rmSync(dataDir, { recursive: true, force: true });

const lagP99 = percentile(lags, 99);
console.log(
  `ingest: ${lags.length} summaries in ${f(wallS, 0)} s; lag (arrival − interval end) p50 ${f(percentile(lags, 50), 2)} s, p99 ${f(lagP99, 2)} s (interval ${INTERVAL_S} s); upload p99 ${f(uploads.uploadP99)} ms`,
);
console.log(
  `/healthz under load: p50 ${f(healthz.p50)} ms p99 ${f(healthz.p99)} ms max ${f(healthz.max)} ms (n=${healthz.n})`,
);
console.log(
  `server: CPU ${f(((cpu.user + cpu.system) / 1e6 / wallS) * 100)}% of one core, RSS max ${f(rssMax / 2 ** 20, 0)} MiB (JS heap used max ${f(heapMax / 2 ** 20, 0)} MiB), event-loop delay p99 ${f(loop.percentile(99) / 1e6)} ms (max ${f(loop.max / 1e6)} ms)`,
);
console.log(
  `server event-loop blocks over 50 ms: ${stalls.length}, ${f(
    stalls.reduce((a, x) => a + x.ms, 0),
    0,
  )} ms in all; longest:${
    causes
      ? `\n  ${causes.map((c) => describeStall(c, t0Hr)).join('\n  ')}`
      : ` ${longest.map((x) => `${f(x.ms, 0)} ms at ${f((x.atMs - t0Hr) / 1000)} s`).join(', ') || 'none'}`
  }`,
);
if (process.env.STALL_LOG) writeFileSync(process.env.STALL_LOG, JSON.stringify(causes ?? stalls, null, 1));
console.log(
  `storage: ${f(bytes / 2 ** 20, 2)} MiB for ${f(days * 24 * 60, 1)} min of ${cells} cells = ${f(bytesPerCellDay, 0)} bytes per cell-day (dbeacon ~${DBEACON_BYTES_PER_PAIR_DAY / 1e6} MB per pair-day: ${f(DBEACON_BYTES_PER_PAIR_DAY / bytesPerCellDay, 0)}x less)`,
);
const kB = (b: number) => `${f(b / 1e3, 0)} kB`;
console.log(
  `reads: one cell's ${FILL_HOURS} h series ${f(series.ms)} ms (median of 5; ${kB(series.bytes)} JSON, ${kB(series.wireBytes)} gzip)`,
);
console.log(
  `reads: the whole matrix (${cells} cells; ${kB(mx.bytes)} JSON, ${kB(mx.wireBytes)} gzip) every ~${MATRIX_READ_S} s during the run: all n=${mx.all.n} p50 ${f(mx.all.p50)} ms p99 ${f(mx.all.p99)} ms, the served matrix p50 ${f(mx.age.p50 / 1000, 2)} s p99 ${f(mx.age.p99 / 1000, 2)} s old; fresh (built for the read) n=${mx.fresh.n} p50 ${f(mx.fresh.p50)} ms p99 ${f(mx.fresh.p99)} ms; ready n=${mx.cached.n} p50 ${f(mx.cached.p50)} ms p99 ${f(mx.cached.p99)} ms`,
);
console.log(
  `monitoring cells=${cells} ingest_lag_p99_s=${f(lagP99, 2)} healthz_p99_ms=${f(healthz.p99)} bytes_per_cell_day=${f(bytesPerCellDay, 0)} series_24h_ms=${FILL_HOURS === 24 ? f(series.ms) : 'n/a'} matrix_ms=${f(mx.all.p99)}`,
);
process.exit(0);
