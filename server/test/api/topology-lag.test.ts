// A link aggregation through the API: two switches joined by a 2-member LAG (snmpsim recordings) are
// discovered as a task; the L2 layer carries one edge between the port-channels with its member links.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { SNMPSIM, startSnmpsim, type Snmpsim } from '../discovery/support/snmpsim.ts';
import { discoverThroughApi } from '../discovery/support/api-discovery.ts';

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

  const api = async (method: 'GET', url: string) => (await s.app.inject({ method, url, headers: op })).json();

  it('GET /api/topology?layer=l2 draws the LAG once, with its members (kept by the response schema)', async () => {
    await discoverThroughApi(s, op, sim.port, [
      ['127.0.0.1', 'lag-a'],
      ['::1', 'lag-b'],
    ]);
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
