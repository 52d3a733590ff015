// Benchmark: does the server stay responsive under heavy writes? A real server (embedded PGlite, HTTPS)
// in this process, with its event-loop delay and its blocks over 50 ms measured; in a second process, 20
// simulated agents beating every 2 s and 50 topology readers; in a third, a /healthz prober. First an idle phase (the reference), then the
// load: a 20,000-line target import and a 2,000-device snapshot store at once, while the readers read.
// Ends with `responsiveness healthz_p99_ms=X agents_lost=N loop_delay_p99_ms=Y`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startBenchServer } from '../support/bench-server.ts';
import { startBenchChild } from '../support/bench-child.ts';
import { watchStalls } from '../support/stall-log.ts';
import { saveSnapshot } from '../../server/src/snapshots/store.ts';
import { syntheticDiscovery } from './synthetic-network.ts';

const AGENTS = 20;
const IMPORT_LINES = Number(process.env.IMPORT_LINES ?? 20_000);
const DEVICES = Number(process.env.DEVICES ?? 2_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');

const dataDir = mkdtempSync(join(tmpdir(), 'netspotter-bench-resp-'));
const { server, base, cookie, enrolmentTokens } = await startBenchServer({
  dataDir,
  agentHeartbeatSeconds: 2,
});
const tokens = await enrolmentTokens(AGENTS, 'bench');

let t: number;
{
  // What the readers read. Not kept once stored, as a discovery's result is not: its raw facts would
  // only enlarge the heap every garbage collection walks.
  const first = syntheticDiscovery(DEVICES);
  t = performance.now();
  await saveSnapshot(server.ctx.db, null, first);
  console.log(
    `setup: a ${DEVICES}-device snapshot stored in ${f((performance.now() - t) / 1000)} s (idle server)`,
  );
}

t = performance.now();
const next = syntheticDiscovery(DEVICES); // built before the measured phase: only its store is measured
console.log(`setup: a synthetic ${DEVICES}-device discovery built in ${f((performance.now() - t) / 1000)} s`);

const script = (name: string) => new URL(name, import.meta.url);
const ca = join(dataDir, 'tls/server.crt');
const clients = startBenchChild(script('./clients.ts'), base, ca, cookie, JSON.stringify(tokens));
const prober = startBenchChild(script('../support/healthz-prober.ts'), base, ca);
const { send, reply } = clients;
type Healthz = { n: number; p50: number; p99: number; max: number };
type Phase = {
  healthz: Healthz;
  reads: { n: number; p99: number };
  beats: { n: number; p99: number };
};
/** Ends a phase in both processes: its figures. */
async function phase(): Promise<Phase> {
  send({ do: 'phase' });
  prober.send('phase');
  const load = await reply<Omit<Phase, 'healthz'>>();
  return { ...load, healthz: await prober.reply<Healthz>() };
}

await reply(); // agents enrolled
await sleep(6000);
await phase();
await sleep(10_000);
const idle = await phase();

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const stallWatch = watchStalls(50);
const loadStartMs = Number(process.hrtime.bigint() / 1000n) / 1000;
const started = performance.now();
send({ do: 'readers' });
send({ do: 'import', lines: IMPORT_LINES });
t = performance.now();
const stored = saveSnapshot(server.ctx.db, null, next).then(() => (performance.now() - t) / 1000);
const imported = await reply<{ import: { status: number; seconds: number; bytes: number; body?: string } }>();
const storeS = await stored;
await sleep(Math.max(0, 20_000 - (performance.now() - started)));
send({ do: 'stop-readers' });
await sleep(6000); // beats that were held up must arrive before agents are judged
const load = await phase();
loop.disable();
const stalls = stallWatch.stop();
send({ do: 'quit' });
prober.send('quit');

const { prisma } = server.ctx.db;
const lost =
  (await prisma.agentSession.count({ where: { endReason: 'offline' } })) +
  (await prisma.agent.count({ where: { state: { not: 'online' } } }));
await server.close();
rmSync(dataDir, { recursive: true, force: true });

if (imported.import.status !== 200)
  throw new Error(`import failed: ${imported.import.status} ${imported.import.body}`);
const loopP99 = loop.percentile(99) / 1e6;
console.log(
  `import: ${IMPORT_LINES} lines (${Math.round(imported.import.bytes / 1024)} KB) in ${f(imported.import.seconds)} s; snapshot store: ${DEVICES} devices in ${f(storeS)} s`,
);
console.log(
  `/healthz idle (reference): p50 ${f(idle.healthz.p50)} ms, p99 ${f(idle.healthz.p99)} ms (n=${idle.healthz.n})`,
);
console.log(
  `/healthz under load:        p50 ${f(load.healthz.p50)} ms, p99 ${f(load.healthz.p99)} ms, max ${f(load.healthz.max)} ms (n=${load.healthz.n}); ratio to idle p99 ${f(load.healthz.p99 / idle.healthz.p99)}x`,
);
console.log(
  `topology reads under load: ${load.reads.n}, p99 ${f(load.reads.p99)} ms; heartbeats: ${load.beats.n}, p99 ${f(load.beats.p99)} ms`,
);
console.log(
  `event-loop delay under load: p50 ${f(loop.percentile(50) / 1e6)} ms, p99 ${f(loopP99)} ms, max ${f(loop.max / 1e6)} ms`,
);
const longest = [...stalls].sort((a, b) => b.ms - a.ms).slice(0, 5);
console.log(
  `event-loop blocks over 50 ms under load: ${stalls.length}, ${f(stalls.reduce((s, x) => s + x.ms, 0))} ms in all; longest: ${longest.map((x) => `${f(x.ms)} ms at ${f((x.atMs - loadStartMs) / 1000)} s`).join(', ') || 'none'}`,
);
if (process.env.STALL_LOG) writeFileSync(process.env.STALL_LOG, JSON.stringify(stalls));
console.log(
  `responsiveness healthz_p99_ms=${f(load.healthz.p99)} agents_lost=${lost} loop_delay_p99_ms=${f(loopP99)}`,
);
process.exit(0);
