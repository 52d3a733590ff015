// The simulated agents of the agents-scale benchmark, in their own process (the server's CPU is measured
// alone): each speaks the real protocol over HTTPS from its own loopback address (127.10.0.1, …, as agents
// on many hosts would; enrolment is rate-limited per address): enrol, then from then on every 5 s three clock probes
// and a heartbeat carrying the clock estimate, and a lease long-poll always parked. Commands arrive as JSON
// lines on stdin (the first line: the enrolment tokens); figures leave as JSON lines on stdout.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { scheduledBetween, threadsScheduled } from '../support/cpu.ts';
import { percentile } from '../support/https-call.ts';

const [base, caFile] = process.argv.slice(2) as [string, string];
const ca = readFileSync(caFile);
const BEAT_MS = 5000;
/** Sub-millisecond wall clock, as the agent stamps its probes (the server answers in the same units). */
const nowMs = () => performance.timeOrigin + performance.now();
const PROBES_PER_BEAT = 3;

interface Reply {
  status: number;
  ms: number;
  body: string;
}

function call(via: Agent, path: string, body: unknown, key?: string): Promise<Reply> {
  const payload = JSON.stringify(body);
  const t = performance.now();
  return new Promise((resolve) => {
    const req = request(
      new URL(path, base),
      {
        method: 'POST',
        agent: via,
        headers: { 'content-type': 'application/json', ...(key && { authorization: `Agent ${key}` }) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t, body: text }));
      },
    );
    req.on('error', (err) => resolve({ status: 0, ms: performance.now() - t, body: String(err) }));
    req.end(payload);
  });
}

interface Sim {
  i: number;
  name: string;
  via: Agent;
  key?: string;
  job?: { id: string; attempt: number };
}

/** API latencies by route (lease long-polls excluded: they wait on purpose), and failed calls. */
let latencies: Record<string, number[]> = { time: [], heartbeat: [], results: [] };
let failures: Record<string, number> = {};
const fail = (route: string, r: Reply) => {
  failures[route] = (failures[route] ?? 0) + 1;
  if ((failures[route] ?? 0) <= 3)
    process.stderr.write(`agents-scale client: ${route} ${r.status} ${r.body.slice(0, 200)}\n`);
};
let running = true;

const facts = (name: string) => ({
  hostname: name,
  os: 'linux',
  arch: 'x64',
  agentVersion: '0.1.0',
  interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', addresses: ['2001:db8::1'] }],
  capabilities: { rawPackets: true, engines: ['native'] },
  engine: 'native',
});

async function enrol(s: Sim, token: string): Promise<void> {
  const r = await call(s.via, '/api/agent/enrol', {
    secret: token.split('.')[1],
    name: s.name,
    facts: facts(s.name),
  });
  if (r.status !== 201) throw new Error(`enrol ${s.name}: ${r.status} ${r.body}`);
  s.key = (JSON.parse(r.body) as { key: string }).key;
}

async function beat(s: Sim): Promise<void> {
  let best: { offsetMs: number; rttMs: number } | undefined;
  for (let p = 0; p < PROBES_PER_BEAT; p++) {
    const t0 = nowMs();
    const r = await call(s.via, '/api/agent/time', { t0 });
    const t3 = nowMs();
    if (r.status !== 200) return fail('time', r);
    latencies.time!.push(r.ms);
    const { t1, t2 } = JSON.parse(r.body) as { t1: number; t2: number };
    const sample = { offsetMs: (t1 - t0 + (t2 - t3)) / 2, rttMs: t3 - t0 - (t2 - t1) };
    if (!best || sample.rttMs < best.rttMs) best = sample;
  }
  const r = await call(
    s.via,
    '/api/agent/heartbeat',
    { t0: Date.now(), ...(best && { clock: best }) },
    s.key,
  );
  if (r.status !== 200) return fail('heartbeat', r);
  latencies.heartbeat!.push(r.ms);
}

async function leaseLoop(s: Sim): Promise<void> {
  while (running) {
    if (s.job) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const r = await call(s.via, '/api/agent/lease', { waitMs: 30_000 }, s.key);
    if (r.status !== 200) {
      fail('lease', r);
      await new Promise((res) => setTimeout(res, 1000));
      continue;
    }
    const { job } = JSON.parse(r.body) as { job: { id: string; attempt: number } | null };
    if (job) s.job = { id: job.id, attempt: job.attempt };
  }
}

/** A 10-step sequence's results, as an agent uploads them when the job ends: ten step outcomes and the final. */
function sequenceResults(s: Sim, ids: string[]) {
  const at = Date.now();
  const steps = Array.from({ length: 10 }, (_, step) => ({
    step,
    definitionStep: step,
    op: step % 2 ? 'expect' : 'send',
    outcome: 'pass' as const,
    ...(step % 2 ? { matched: 10, latencyFromStartMs: 12.5 * step } : { sent: 10 }),
  }));
  return [
    ...steps.map((data, n) => ({ id: ids[n]!, kind: 'step', at: at + n, attempt: s.job!.attempt, data })),
    {
      id: ids[10]!,
      kind: 'final',
      at: at + 10,
      attempt: s.job!.attempt,
      data: { ok: true, message: 'all 10 steps passed', engine: 'native', summary: { steps } },
    },
  ];
}

const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const tokens = JSON.parse((await lines.next()).value as string) as string[];
const sims: Sim[] = tokens.map((_, i) => ({
  i,
  name: `scale-agent-${i}`,
  via: new Agent({
    keepAlive: true,
    ca,
    maxSockets: 4,
    localAddress: `127.${10 + (i >> 8)}.${i & 255}.1`,
  } as ConstructorParameters<typeof Agent>[0]),
}));
const enrolStart = performance.now();
// Each agent beats from its enrolment on, as a real one does (enrolling 1,000 takes longer than the 15 s
// after which a silent agent is suspect); beats spread evenly over the interval.
const startBeating = (s: Sim) =>
  setTimeout(
    () => {
      void beat(s);
      setInterval(() => void beat(s), BEAT_MS);
    },
    (s.i * BEAT_MS) / sims.length,
  );
for (let k = 0; k < sims.length; k += 25)
  await Promise.all(
    sims.slice(k, k + 25).map(async (s) => {
      await enrol(s, tokens[s.i]!);
      startBeating(s);
    }),
  );
const enrolSeconds = (performance.now() - enrolStart) / 1000;
for (const s of sims) void leaseLoop(s);
out({ ready: sims.length, enrolSeconds });

let cpu0 = process.cpuUsage();
let since = performance.now();
const uploads = new Map<string, string[]>(); // job → result ids, the same ones on a replay
for await (const line of lines) {
  const cmd = JSON.parse(line) as { do: string };
  if (cmd.do === 'reset') {
    latencies = { time: [], heartbeat: [], results: [] };
    failures = {};
    cpu0 = process.cpuUsage();
    since = performance.now();
  } else if (cmd.do === 'report') {
    const api = [...latencies.time!, ...latencies.heartbeat!];
    out({
      n: api.length,
      p50: percentile(api, 50),
      p99: percentile(api, 99),
      time: { n: latencies.time!.length, p99: percentile(latencies.time!, 99) },
      heartbeat: { n: latencies.heartbeat!.length, p99: percentile(latencies.heartbeat!, 99) },
      failures,
      // This process's own CPU: on a busy machine the clients' share bounds what they can measure.
      clientCores: ((u) => (u.user + u.system) / 1e3 / (performance.now() - since))(process.cpuUsage(cpu0)),
    });
  } else if (cmd.do === 'jobs') out({ jobs: sims.filter((s) => s.job).length });
  else if (cmd.do === 'upload' || cmd.do === 'replay') {
    const holders = sims.filter((s) => s.job);
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const threads0 = threadsScheduled();
    const ms: number[] = [];
    let stored = 0;
    let duplicates = 0;
    await Promise.all(
      holders.map(async (s) => {
        const ids = uploads.get(s.job!.id) ?? Array.from({ length: 11 }, () => randomUUID());
        uploads.set(s.job!.id, ids);
        const r = await call(
          s.via,
          `/api/agent/jobs/${s.job!.id}/results`,
          { results: sequenceResults(s, ids) },
          s.key,
        );
        if (r.status !== 200) return fail('results', r);
        ms.push(r.ms);
        const u = JSON.parse(r.body) as { stored: number; duplicates: number };
        stored += u.stored;
        duplicates += u.duplicates;
      }),
    );
    loop.disable();
    // This process's threads together: the agents' side of the burst, which real agents' hosts would carry.
    const scheduled = scheduledBetween(threads0, threadsScheduled());
    if (cmd.do === 'replay') for (const s of holders) s.job = undefined;
    out({
      loopMaxMs: loop.max / 1e6,
      scheduled,
      uploads: ms.length,
      ms,
      stored,
      duplicates,
      failures,
    });
  } else if (cmd.do === 'quit') break;
}
running = false;
process.exit(0);
