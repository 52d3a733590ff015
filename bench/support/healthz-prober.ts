// A benchmark's /healthz prober, in a process of its own: in a load generator's process its timings also
// held that process's own work (readers decrypting and collecting large replies, simulated agents
// building their uploads), not only the server's. A probe every EVERY_MS (argument; 20 by default) over
// connections of its own; on each `phase` line on stdin, the figures of the phase that ended leave as one
// JSON line on stdout.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { createInterface } from 'node:readline';
import { percentile, timedCall } from './https-call.ts';

const [base, caFile, everyMs = '20'] = process.argv.slice(2) as [string, string, string?];
const agent = new Agent({ keepAlive: true, ca: readFileSync(caFile), maxSockets: 16 });
let healthz: number[] = [];
const prober = setInterval(
  () => void timedCall(base, agent, 'GET', '/healthz').then((r) => healthz.push(r.ms)),
  Number(everyMs),
);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'quit') break;
  process.stdout.write(
    `${JSON.stringify({ n: healthz.length, p50: percentile(healthz, 50), p99: percentile(healthz, 99), max: Math.max(...healthz) })}\n`,
  );
  healthz = [];
}
clearInterval(prober);
process.exit(0);
