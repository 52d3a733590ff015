// The load of the responsiveness benchmark, in its own process so it does not share the server's event
// loop: simulated agents (the real protocol over HTTPS: enrol, then a heartbeat every 2 s), 50 clients
// reading the topology back to back, and one 20,000-line target import (the /healthz prober has a process
// of its own, ../support/healthz-prober.ts).
// Commands arrive as JSON lines on stdin; figures leave as one JSON line on stdout.
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { createInterface } from 'node:readline';
import { percentile, timedCall, type Reply } from '../support/https-call.ts';

const [base, caFile, cookie, tokensJson] = process.argv.slice(2) as [string, string, string, string];
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

// Agents: enrol, then beat every 2 s.
const facts = (name: string) => ({
  hostname: name,
  os: 'linux',
  arch: 'x64',
  agentVersion: '0.1.0',
  interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', addresses: ['2001:db8::1'] }],
  capabilities: { rawPackets: true, engines: ['native'] },
  engine: 'native',
});
const keys: string[] = [];
for (const [i, token] of (JSON.parse(tokensJson) as string[]).entries()) {
  const name = `bench-agent-${i}`;
  const r = await call('POST', '/api/agent/enrol', { secret: token.split('.')[1], name, facts: facts(name) });
  if (r.status !== 201) throw new Error(`enrol ${name}: ${r.status} ${r.body}`);
  keys.push((JSON.parse(r.body) as { key: string }).key);
}
const beatMs: number[] = [];
const beat = (key: string) =>
  void call('POST', '/api/agent/heartbeat', { t0: Date.now() }, { authorization: `Agent ${key}` }).then((r) =>
    beatMs.push(r.ms),
  );
keys.forEach((key, i) => setTimeout(() => setInterval(() => beat(key), 2000), (i * 2000) / keys.length));

let readersOn = false;
const reads: number[] = [];
const admin = { cookie };
async function reader() {
  while (readersOn) {
    const r = await call('GET', '/api/topology?layer=l2', undefined, admin);
    if (r.status !== 200) throw new Error(`topology read: ${r.status} ${r.body.slice(0, 200)}`);
    reads.push(r.ms);
  }
}

const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
out({ ready: keys.length });
for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line) as { do: string; lines?: number };
  if (cmd.do === 'phase') {
    // Figures of the phase that just ended; a new phase starts.
    out({
      reads: { n: reads.length, p99: percentile(reads, 99) },
      beats: { n: beatMs.length, p99: percentile(beatMs, 99) },
    });
    reads.length = 0;
    beatMs.length = 0;
  } else if (cmd.do === 'readers') {
    readersOn = true;
    for (let i = 0; i < 50; i++) void reader();
  } else if (cmd.do === 'stop-readers') readersOn = false;
  else if (cmd.do === 'import') {
    const text = Array.from(
      { length: cmd.lines! },
      (_, i) => `2001:db8:1:${(i >> 8).toString(16)}::${(i & 255).toString(16)} bench-community-${i % 10}`,
    ).join('\n');
    const r = await call('POST', '/api/targets/import', { text }, admin);
    out({
      import: {
        status: r.status,
        seconds: r.ms / 1000,
        bytes: text.length,
        body: r.status === 200 ? undefined : r.body.slice(0, 300),
      },
    });
  } else if (cmd.do === 'quit') break;
}
process.exit(0);
