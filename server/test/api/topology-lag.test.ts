// A link aggregation through the API: two switches joined by a 2-member LAG (snmpsim recordings) are
// discovered as a task; the L2 layer carries one edge between the port-channels with its member links.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { SNMPSIM, startSnmpsim, type Snmpsim } from '../discovery/support/snmpsim.ts';

const rec = (name: string) => fileURLToPath(new URL(`../discovery/recordings/${name}.rec`, import.meta.url));
const reason = SNMPSIM ? undefined : 'needs snmpsim (Debian package snmpsim)';
if (reason) console.warn(`SKIP topology LAG API: ${reason}`);

describe.skipIf(reason)('LAG in the topology API', () => {
  let s: TestServer;
  let sim: Snmpsim;
  let op: Record<string, string>;
  beforeAll(async () => {
    sim = await startSnmpsim({ 'lag-a': rec('lag-a'), 'lag-b': rec('lag-b') });
    s = await startTestServer();
    op = await s.as('operator');
  });
  afterAll(async () => {
    await s?.destroy();
    await sim?.stop();
  });

  const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await s.app.inject({ method, url, headers: op, ...(payload && { payload }) });
    return res.json();
  };

  it('GET /api/topology?layer=l2 draws the LAG once, with its members (kept by the response schema)', async () => {
    const targetIds = [];
    for (const [address, community] of [
      ['127.0.0.1', 'lag-a'],
      ['::1', 'lag-b'],
    ])
      targetIds.push(
        (
          await api('POST', '/api/targets', {
            address,
            port: sim.port,
            credential: { version: 'v2c', community },
          })
        ).id,
      );
    const task = await api('POST', '/api/tasks', { name: 'lag', kind: 'discovery', args: { targetIds } });
    const run = await api('POST', `/api/tasks/${task.id}/run`);
    let state = 'queued';
    for (let i = 0; i < 150 && ['queued', 'running'].includes(state); i++) {
      await new Promise((r) => setTimeout(r, 200));
      state = (await api('GET', `/api/runs/${run.id}`)).state;
    }
    expect(state).toBe('succeeded');
    const g = await api('GET', '/api/topology?layer=l2');
    expect(g.edges).toEqual([
      expect.objectContaining({
        source: 'lag-a',
        target: 'lag-b',
        sourcePort: 'Po1',
        targetPort: 'Po1',
        confirmed: true,
        members: [
          { sourcePort: 'Et1', targetPort: 'Gi0/1' },
          { sourcePort: 'Et2', targetPort: 'Gi0/2' },
        ],
      }),
    ]);
  }, 60_000);
});
