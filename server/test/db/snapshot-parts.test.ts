// A snapshot's topology is stored in parts of bounded size and read back part by part: after a restart
// (nothing cached) the API answers exactly what it answered from the document the discovery held.
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { saveSnapshot } from '../../src/snapshots/store.ts';
import { readTopology, topologyParts } from '../../src/snapshots/topology-parts.ts';
import { syntheticDiscovery } from '../../../bench/responsiveness/synthetic-network.ts';

describe('snapshot topology parts', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers.reverse()) await s.destroy();
  });

  it('round-trips a multi-part topology through a restart', async () => {
    const first = await startTestServer();
    // 60 switches: 12,000 host attachments and 60 devices of 48 ports, several slices each.
    const result = syntheticDiscovery(60);
    const id = await saveSnapshot(first.ctx.db, null, result);
    const get = async (s: TestServer, url: string) => {
      const res = await s.app.inject({ method: 'GET', url, headers: await s.as('admin') });
      expect(res.statusCode, url).toBe(200);
      return res.json();
    };
    const urls = ['/api/topology?layer=l2', '/api/topology?layer=l3', `/api/snapshots/${id}/report`];
    const before = await Promise.all(urls.map((u) => get(first, u)));

    const parts = await first.ctx.db.prisma.snapshotPart.findMany({
      where: { snapshotId: id },
      select: { key: true, slice: true },
    });
    const slicesOf = (key: string) => parts.filter((p) => p.key === key && p.slice).length;
    expect(slicesOf('hosts')).toBeGreaterThan(1);
    expect(slicesOf('devices')).toBeGreaterThan(1);
    expect(parts.find((p) => p.key === 'roles')?.slice).toBe(false);
    // Every part within bounds: a slice of about 256 KB (one element may exceed it alone).
    for (const row of topologyParts({ ...result, roles: {} })) expect(row.length).toBeLessThan(300 * 1024);

    await first.stop();
    const second = await startTestServer({}, first.database);
    servers.push(second);
    const { facts: _facts, ...topology } = result;
    const stored = await readTopology(second.ctx.db, id);
    expect(stored).toEqual({ ...JSON.parse(JSON.stringify(topology)), roles: stored.roles });
    expect(Object.keys(stored.roles)).toHaveLength(60);
    const after = await Promise.all(urls.map((u) => get(second, u)));
    expect(after).toEqual(before);
  });

  it('keeps empty collections and refuses a part that does not fit the outline', async () => {
    const s = await startTestServer();
    servers.push(s);
    const result = { ...syntheticDiscovery(1), links: [], hosts: [] };
    const id = await saveSnapshot(s.ctx.db, null, result);
    const { prisma } = s.ctx.db;
    const stored = await readTopology(s.ctx.db, id);
    expect([stored.links, stored.hosts]).toEqual([[], []]);
    await prisma.$executeRaw`UPDATE snapshot_parts SET items = '[{"nolayer":1}]' WHERE snapshot_id = ${id} AND key = 'links'`;
    await expect(readTopology(s.ctx.db, id)).rejects.toThrow(/snapshot\.topology\.links/);
  });
});
