// Liveness never blames an agent for the server's own stall: a real agent (a child process beating
// over HTTP every 500 ms) stays online while the server's event loop is blocked for 8 s, and while its
// beats wait behind a long database statement; a silent agent still goes offline on time.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolAgent, type TestAgent } from '../support/agent-calls.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { until } from '../support/until.ts';

const BEATER = `
const [url, key] = process.argv.slice(1);
setInterval(() => {
  fetch(url + '/api/agent/heartbeat', {
    method: 'POST',
    headers: { authorization: 'Agent ' + key, 'content-type': 'application/json' },
    body: JSON.stringify({ t0: Date.now() }),
  }).catch(() => {});
}, 500);`;

describe('agent liveness while the server stalls', () => {
  let s: TestServer;
  let url: string;
  const beaters: ChildProcess[] = [];
  beforeAll(async () => {
    // 1 s beats: suspect after 3 s, offline after 6 s.
    s = await startTestServer({ agentPlaintext: true, agentHeartbeatSeconds: 1 });
    url = await s.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const b of beaters) b.kill();
    await s?.destroy();
  });

  async function beatingAgent(name: string): Promise<TestAgent> {
    const a = await enrolAgent(s, name);
    beaters.push(spawn(process.execPath, ['-e', BEATER, url, a.key], { stdio: 'ignore' }));
    return a;
  }
  const stateOf = async (a: TestAgent) =>
    (await s.ctx.db.prisma.agent.findUniqueOrThrow({ where: { id: a.id } })).state;
  const endedOffline = (a: TestAgent) =>
    s.ctx.db.prisma.agentSession.count({ where: { agentId: a.id, endReason: 'offline' } });

  it('an agent beating through an 8 s event-loop stall stays online', async () => {
    const a = await beatingAgent('busy-loop');
    await until(
      () => stateOf(a),
      (st) => st === 'online',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const end = Date.now() + 8000;
    while (Date.now() < end); // the server's own stall: nothing runs, beats queue in the kernel
    await new Promise((r) => setTimeout(r, 3000)); // several sweeps after the stall
    expect(await stateOf(a)).toBe('online');
    expect(await endedOffline(a)).toBe(0);
  });

  it('an agent whose beats wait 8 s behind a database statement stays online', async () => {
    const a = await beatingAgent('busy-db');
    await until(
      () => stateOf(a),
      (st) => st === 'online',
    );
    await s.ctx.db.sql.query('SELECT pg_sleep(8)');
    await new Promise((r) => setTimeout(r, 3000));
    expect(await stateOf(a)).toBe('online');
    expect(await endedOffline(a)).toBe(0);
  });

  it('an agent that stops beating still goes offline after 6 missed beats', async () => {
    const a = await beatingAgent('silent');
    await until(
      () => stateOf(a),
      (st) => st === 'online',
    );
    beaters.pop()!.kill();
    const stopped = Date.now();
    await until(
      () => stateOf(a),
      (st) => st === 'offline',
      15_000,
    );
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(5500);
    expect(await endedOffline(a)).toBe(1);
  });
});
