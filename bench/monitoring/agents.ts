// The load of the monitoring benchmark, in its own process so it does not share the server's event loop:
// simulated agents speaking the real protocol over HTTPS — a heartbeat every 5 s (which brings the
// monitor assignment), and one summary per interval with every other agent as a source of each group —
// plus a /healthz prober every 100 ms and, once asked, a viewer reading the whole matrix every few seconds
// (as the GUI polls it). Commands arrive as JSON lines on stdin; figures leave as JSON lines.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { createInterface } from 'node:readline';
import { percentile, timedCall, type Reply } from '../support/https-call.ts';
import type { MonitorAssignment, MonitorSummary } from '@netspotter/shared/agent-protocol';
import { allReceived } from './received.ts';

const [base, caFile, keysJson] = process.argv.slice(2) as [string, string, string];
const ca = readFileSync(caFile);
const agent = new Agent({ keepAlive: true, ca, maxSockets: 256 });
// The prober's own connections: behind uploads waiting for the server, probes would time the client's queue.
const probeAgent = new Agent({ keepAlive: true, ca, maxSockets: 16 });

function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  via: Agent = agent,
): Promise<Reply> {
  return timedCall(base, via, method, path, body, headers);
}
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

interface Sim {
  name: string;
  id: string;
  key: string;
  assignment?: MonitorAssignment;
  revision?: string;
  seq: number;
}
// Enrolled by the parent (enrolment is rate-limited per address, and not what is measured here).
const sims: Sim[] = (JSON.parse(keysJson) as { name: string; id: string; key: string }[]).map((a) => ({
  ...a,
  seq: 0,
}));
out({ enrolled: sims.length });

const auth = (s: Sim) => ({ authorization: `Agent ${s.key}` });
let stopped = false;
async function beat(s: Sim) {
  const r = await call(
    'POST',
    '/api/agent/heartbeat',
    { t0: Date.now(), ...(s.revision && { monitorRevision: s.revision }) },
    auth(s),
  );
  const m = (JSON.parse(r.body) as { monitors?: { revision: string; assignments: MonitorAssignment[] } })
    .monitors;
  if (m) {
    s.assignment = m.assignments[0];
    s.revision = m.revision;
  }
}
const beats = setInterval(() => {
  for (const s of sims) void beat(s).catch(() => undefined);
}, 5000);

const healthz: number[] = [];
const prober = setInterval(() => {
  void call('GET', '/healthz', undefined, {}, probeAgent).then((r) => healthz.push(r.ms));
}, 100);

/** Reads are sent as a browser sends them: gzip accepted. */
const reader = () => ({ authorization: `Bearer ${process.env.BENCH_TOKEN}`, 'accept-encoding': 'gzip' });

/**
 * The viewer's matrix reads over the run. A read is fresh when the server built the matrix for it (the
 * document's `at`, its build time, is not before the request was sent; same clock), else it was served
 * from the server's ready copy; `ageMs` is how old the served matrix was when the answer arrived.
 */
const matrixReads: { ms: number; fresh: boolean; ageMs: number; bytes: number; wireBytes: number }[] = [];
let viewing = false;
async function viewMatrix(path: string, everyMs: number) {
  viewing = true;
  while (viewing) {
    await new Promise((r) => setTimeout(r, everyMs * (0.5 + Math.random())));
    if (!viewing) return;
    const sent = Date.now();
    const r = await call('GET', path, undefined, reader());
    if (r.status !== 200) {
      out({ error: `matrix: ${r.status} ${r.body.slice(0, 300)}` });
      continue;
    }
    const at = Date.parse(/"at":"([^"]+)"/.exec(r.body.slice(0, 1000))?.[1] ?? '');
    matrixReads.push({
      ms: r.ms,
      fresh: at >= sent,
      ageMs: Date.now() - at,
      bytes: Buffer.byteLength(r.body),
      wireBytes: r.wireBytes,
    });
  }
}

const uploadMs: number[] = [];
/** One agent's summary of the interval that started at `start`: sent beacons and every other sender received. */
function summary(s: Sim, a: MonitorAssignment, start: number): MonitorSummary {
  const perInterval = (a.beaconPps * a.intervalMs) / 1000;
  const sent = a.groups
    .filter((g) => g.send)
    .map((g) => ({ group: g.id, epoch: 1, count: perInterval, lastSeq: s.seq + perInterval - 1 }));
  s.seq += perInterval;
  return {
    id: randomUUID(),
    monitorId: a.monitorId,
    intervalStart: start,
    intervalMs: a.intervalMs,
    sent,
    received: allReceived(a, perInterval),
  };
}

async function intervals() {
  while (!stopped) {
    const a = sims.find((s) => s.assignment)?.assignment;
    if (!a) {
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    const ms = a.intervalMs;
    const now = Date.now();
    const start = Math.floor(now / ms) * ms;
    await new Promise((r) => setTimeout(r, start + ms - now));
    if (stopped) return;
    for (const s of sims) {
      if (!s.assignment) continue;
      const body = summary(s, s.assignment, start);
      // Agents' interval timers are not in step: spread the uploads over the first second.
      setTimeout(() => {
        void call('POST', '/api/agent/monitors/summaries', { summaries: [body] }, auth(s)).then((r) => {
          if (r.status !== 200) out({ error: `summary ${s.name}: ${r.status} ${r.body}` });
          uploadMs.push(r.ms);
        });
      }, Math.random() * 1000);
    }
  }
}
void intervals();

for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line) as { do: string; path?: string; everyMs?: number };
  if (cmd.do === 'assigned') out({ assigned: sims.filter((s) => s.assignment).length });
  else if (cmd.do === 'view')
    void viewMatrix(cmd.path!, cmd.everyMs!).catch((err: Error) => out({ error: `matrix: ${err.message}` }));
  else if (cmd.do === 'time') {
    const times: number[] = [];
    let bytes = 0;
    let wireBytes = 0;
    for (let i = 0; i < 5; i++) {
      const r = await call('GET', cmd.path!, undefined, reader());
      if (r.status !== 200) throw new Error(`${cmd.path}: ${r.status} ${r.body.slice(0, 300)}`);
      times.push(r.ms);
      bytes = Buffer.byteLength(r.body);
      wireBytes = r.wireBytes;
    }
    out({ ms: percentile(times, 50), bytes, wireBytes });
  } else if (cmd.do === 'figures') {
    viewing = false;
    const fresh = matrixReads.filter((r) => r.fresh).map((r) => r.ms);
    const cached = matrixReads.filter((r) => !r.fresh).map((r) => r.ms);
    const all = matrixReads.map((r) => r.ms);
    const ages = matrixReads.map((r) => r.ageMs);
    out({
      healthzP99: percentile(healthz, 99),
      healthzN: healthz.length,
      uploadP99: percentile(uploadMs, 99),
      uploads: uploadMs.length,
      matrix: {
        fresh: { n: fresh.length, p50: percentile(fresh, 50), p99: percentile(fresh, 99) },
        cached: { n: cached.length, p50: percentile(cached, 50), p99: percentile(cached, 99) },
        all: { n: all.length, p50: percentile(all, 50), p99: percentile(all, 99) },
        age: { n: ages.length, p50: percentile(ages, 50), p99: percentile(ages, 99) },
        bytes: matrixReads.at(-1)?.bytes ?? NaN,
        wireBytes: matrixReads.at(-1)?.wireBytes ?? NaN,
      },
    });
  } else if (cmd.do === 'quit') {
    stopped = true;
    clearInterval(beats);
    clearInterval(prober);
    agent.destroy();
    probeAgent.destroy();
    process.exit(0);
  }
}
