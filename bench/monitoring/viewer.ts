// The monitoring benchmark's reader, in a process of its own: in the simulated agents' process its timings
// also held that process's work (building and sending 100 summaries at each interval boundary, reading 100
// heartbeat replies), and the matrices it decompresses would delay the /healthz prober's replies. It reads
// the whole matrix every ~EVERY_MS (0.5–1.5×, as a GUI polls it) from start until asked for its figures,
// then times other reads on demand; gzip accepted as a browser does. Commands arrive as JSON lines on
// stdin; figures leave as JSON lines.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { createInterface } from 'node:readline';
import { percentile, timedCall } from '../support/https-call.ts';

const [base, caFile, path, everyMs, token] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const agent = new Agent({ keepAlive: true, ca: readFileSync(caFile), maxSockets: 4 });
const headers = { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' };
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

/**
 * A read is fresh when the server built the matrix for it (the document's `at`, its build time, is not
 * before the request was sent; same clock), else it was served from the server's ready copy; `ageMs` is
 * how old the served matrix was when the answer arrived.
 */
const reads: { ms: number; fresh: boolean; ageMs: number; bytes: number; wireBytes: number }[] = [];
let viewing = true;
async function view() {
  while (viewing) {
    await new Promise((r) => setTimeout(r, Number(everyMs) * (0.5 + Math.random())));
    if (!viewing) return;
    const sent = Date.now();
    const r = await timedCall(base, agent, 'GET', path, undefined, headers);
    if (r.status !== 200) {
      out({ error: `matrix: ${r.status} ${r.body.slice(0, 300)}` });
      continue;
    }
    const at = Date.parse(/"at":"([^"]+)"/.exec(r.body.slice(0, 1000))?.[1] ?? '');
    reads.push({
      ms: r.ms,
      fresh: at >= sent,
      ageMs: Date.now() - at,
      bytes: Buffer.byteLength(r.body),
      wireBytes: r.wireBytes,
    });
  }
}
void view().catch((err: Error) => out({ error: `matrix: ${err.message}` }));

const figures = (xs: number[]) => ({ n: xs.length, p50: percentile(xs, 50), p99: percentile(xs, 99) });
for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line) as { do: string; path?: string };
  if (cmd.do === 'figures') {
    viewing = false;
    out({
      fresh: figures(reads.filter((r) => r.fresh).map((r) => r.ms)),
      cached: figures(reads.filter((r) => !r.fresh).map((r) => r.ms)),
      all: figures(reads.map((r) => r.ms)),
      age: figures(reads.map((r) => r.ageMs)),
      bytes: reads.at(-1)?.bytes ?? NaN,
      wireBytes: reads.at(-1)?.wireBytes ?? NaN,
    });
  } else if (cmd.do === 'time') {
    // The median of 5 reads of `path`.
    const times: number[] = [];
    let last = { bytes: 0, wireBytes: 0 };
    for (let i = 0; i < 5; i++) {
      const r = await timedCall(base, agent, 'GET', cmd.path!, undefined, headers);
      if (r.status !== 200) throw new Error(`${cmd.path}: ${r.status} ${r.body.slice(0, 300)}`);
      times.push(r.ms);
      last = { bytes: Buffer.byteLength(r.body), wireBytes: r.wireBytes };
    }
    out({ ms: percentile(times, 50), ...last });
  } else if (cmd.do === 'quit') break;
}
agent.destroy();
process.exit(0);
