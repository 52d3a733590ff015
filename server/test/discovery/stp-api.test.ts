// Spanning tree through the API: stp-b and stp-c of the triangle (recordings/stp-*.rec over snmpsim) discovered
// as a task; GET /api/topology keeps each end's STP state and the blocked flag (the response schema lets them through).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { missingParts } from '../../../test/support/system.ts';
import { discoverThroughApi } from './support/api-discovery.ts';
import { SNMPSIM, startSnmpsim, type Snmpsim } from './support/snmpsim.ts';

const rec = (name: string) => fileURLToPath(new URL(`recordings/${name}.rec`, import.meta.url));
const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd', 'snmpget'] });
const NAMES = ['stp-b', 'stp-c'];

describe.skipIf(skip)('spanning tree in the topology API', () => {
  let s: TestServer;
  let sim: Snmpsim;
  let op: Record<string, string>;
  beforeAll(async () => {
    sim = await startSnmpsim(Object.fromEntries(NAMES.map((n) => [n, rec(n)])));
    s = await startTestServer();
    op = await s.as('operator');
  });
  afterAll(async () => {
    await s?.destroy();
    await sim?.stop();
  });

  it('GET /api/topology?layer=l2: the STP-only link b–c, blocked at stp-c, with both ends’ states', async () => {
    // One target per address: snmpsim listens on 127.0.0.1 and ::1.
    await discoverThroughApi(s, op, sim.port, [
      ['127.0.0.1', 'stp-b'],
      ['::1', 'stp-c'],
    ]);
    const g = (await s.app.inject({ method: 'GET', url: '/api/topology?layer=l2', headers: op })).json();
    const edges = (g.edges as Record<string, unknown>[]).map(({ id: _id, ...e }) => e);
    expect(edges.filter((e) => (e.evidence as string[]).includes('stp'))).toEqual([
      {
        source: 'stp-c',
        target: 'stp-b',
        sourcePort: 'Gi0/2',
        targetPort: 'Et2',
        evidence: ['stp'],
        confirmed: true,
        sourceStp: 'blocking',
        targetStp: 'forwarding',
        blocked: true,
      },
    ]);
    // Both LLDP uplinks lead to the unpolled root: a forwarding STP state on the polled end, not blocked.
    expect(
      edges
        .filter((e) => e.target === 'unmanaged:02:00:00:00:aa:00')
        .map((e) => [e.source, e.sourceStp, e.blocked]),
    ).toEqual([
      ['stp-b', 'forwarding', undefined],
      ['stp-c', 'forwarding', undefined],
    ]);
  }, 60_000);
});
