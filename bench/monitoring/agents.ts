// The load of the monitoring benchmark, in its own process so it does not share the server's event loop:
// simulated agents speaking the real protocol over HTTPS — a heartbeat every 5 s (which brings the
// monitor assignment), and one summary per interval with every other agent as a source of each group.
// (The /healthz prober and the matrix viewer time their reads from processes of their own.) Commands
// arrive as JSON lines on stdin; figures leave as JSON lines.
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

function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return timedCall(base, agent, method, path, body, headers);
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
  const cmd = JSON.parse(line) as { do: string };
  if (cmd.do === 'assigned') out({ assigned: sims.filter((s) => s.assignment).length });
  else if (cmd.do === 'figures') out({ uploadP99: percentile(uploadMs, 99), uploads: uploadMs.length });
  else if (cmd.do === 'quit') {
    stopped = true;
    clearInterval(beats);
    agent.destroy();
    process.exit(0);
  }
}
