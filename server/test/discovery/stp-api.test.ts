// Spanning tree through the API: stp-b and stp-c of the triangle (recordings/stp-*.rec over snmpsim) discovered
// as a task; GET /api/topology keeps each end's STP state and the blocked flag (the response schema lets them through).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { missingParts } from '../../../test/support/system.ts';
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

  const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await s.app.inject({ method, url, headers: op, ...(payload && { payload }) });
    return res.json();
  };

  it('GET /api/topology?layer=l2: the STP-only link b–c, blocked at stp-c, with both ends’ states', async () => {
    const targetIds = [];
    // One target per address: snmpsim listens on 127.0.0.1 and ::1.
    for (const [address, community] of [
      ['127.0.0.1', 'stp-b'],
      ['::1', 'stp-c'],
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
    const task = await api('POST', '/api/tasks', { name: 'stp', kind: 'discovery', args: { targetIds } });
    const run = await api('POST', `/api/tasks/${task.id}/run`);
    let state = 'queued';
    for (let i = 0; i < 150 && ['queued', 'running'].includes(state); i++) {
      await new Promise((r) => setTimeout(r, 200));
      state = (await api('GET', `/api/runs/${run.id}`)).state;
    }
    expect(state).toBe('succeeded');
    const g = await api('GET', '/api/topology?layer=l2');
    const edges = (g.edges as Record<string, unknown>[]).map(({ id: _id, ...e }) => e);
    expect(edges.filter((e) => e.evidence !== undefined && (e.evidence as string[]).includes('stp'))).toEqual(
      [
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
      ],
    );
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
