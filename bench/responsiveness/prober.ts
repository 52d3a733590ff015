// The /healthz prober of the responsiveness benchmark, in a process of its own: in the clients' process its
// timings also held that process's own work (50 readers decrypting and collecting ~0.5 MB replies), not
// only the server's. A probe every 20 ms over connections of its own; on each `phase` line on stdin, the
// figures of the phase that ended leave as one JSON line on stdout.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { createInterface } from 'node:readline';
import { percentile, timedCall } from '../support/https-call.ts';

const [base, caFile] = process.argv.slice(2) as [string, string];
const agent = new Agent({ keepAlive: true, ca: readFileSync(caFile), maxSockets: 16 });
let healthz: number[] = [];
const prober = setInterval(
  () => void timedCall(base, agent, 'GET', '/healthz').then((r) => healthz.push(r.ms)),
  20,
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
