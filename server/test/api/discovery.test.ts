// Discovery as a task through the API, against real SNMP agents (snmpsim serving small recordings):
// snapshots, topology layers, device details, search, diff, the run report and live progress.
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { SNMPSIM, startSnmpsim, type Snmpsim } from '../discovery/support/snmpsim.ts';

const rec = (name: string) => fileURLToPath(new URL(`../discovery/recordings/${name}.rec`, import.meta.url));
const reason = SNMPSIM ? undefined : 'needs snmpsim (Debian package snmpsim)';
if (reason) console.warn(`SKIP discovery API: ${reason}`);

describe.skipIf(reason)('discovery through the API', () => {
  let s: TestServer;
  let sim: Snmpsim;
  let op: Record<string, string>;
  beforeAll(async () => {
    // One device per loopback address, as in a real network: snmpsim answers on two endpoints.
    sim = await startSnmpsim({ 'switch-a': rec('switch-a'), 'router-m': rec('router-m') });
    s = await startTestServer();
    op = await s.as('operator');
  });
  afterAll(async () => {
    await s?.destroy();
    await sim?.stop();
  });

  const api = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => {
    const res = await s.app.inject({ method, url, headers: op, ...(payload && { payload }) });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };
  const addTarget = (address: string, port: number, community: string) =>
    api('POST', '/api/targets', { address, port, credential: { version: 'v2c', community } });
  const runDiscovery = async (args: object) => {
    const task = (
      await api('POST', '/api/tasks', { name: `discover ${Math.random()}`, kind: 'discovery', args })
    ).body;
    const run = (await api('POST', `/api/tasks/${task.id}/run`)).body;
    for (let i = 0; i < 150; i++) {
      const r = (await api('GET', `/api/runs/${run.id}`)).body;
      if (!['queued', 'running'].includes(r.state)) return r;
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error('discovery run did not finish');
  };

  it('discovers, stores a snapshot and answers topology, details, search and the run report', async () => {
    const sw = (await addTarget('127.0.0.1', sim.port, 'switch-a')).body;
    const rt = (await addTarget('::1', sim.port, 'router-m')).body;
    const wrong = (await addTarget('127.0.0.1', sim.port + 1, 'nobody-home')).body;
    const run = await runDiscovery({ timeoutMs: 2500, retries: 1, targetIds: [sw.id, rt.id, wrong.id] });
    expect(run.state).toBe('succeeded');
    expect(run.message).toMatch(/^2 devices, \d+ L2 and \d+ L3 links, 1 unreachable$/);
    expect(run.progress).toMatchObject({ phase: 'done', done: 3, total: 3 });

    const snapshots = (await api('GET', '/api/snapshots')).body;
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ runId: run.id, summary: { devices: 2, unreachable: 1 } });

    const report = (await api('GET', `/api/snapshots/${snapshots[0].id}/report`)).body;
    expect(report.unreachable).toEqual([
      { target: `127.0.0.1:${sim.port + 1}`, reason: expect.stringMatching(/timeout|no response/i) },
    ]);

    const l2 = (await api('GET', '/api/topology?layer=l2')).body;
    const ids = l2.nodes
      .filter((n: { managed: boolean }) => n.managed)
      .map((n: { id: string }) => n.id)
      .sort();
    expect(ids).toEqual(['router-m', 'switch-a']);
    expect(l2.nodes.find((n: { id: string }) => n.id === 'switch-a').role).toBe('switch');
    expect(l2.edges.length).toBeGreaterThan(0);
    expect(l2.edges.every((e: { evidence: string[] }) => e.evidence.length > 0)).toBe(true);

    const details = (await api('GET', '/api/devices/switch-a')).body.device;
    expect(details).toMatchObject({ id: 'switch-a', role: 'switch' });
    expect(details.interfaces.length).toBeGreaterThan(0);
    expect(details.lldpNeighbors.length).toBeGreaterThan(0);
    expect((await api('GET', '/api/devices/no-such-box')).status).toBe(404);

    const search = (await api('GET', '/api/search?q=router')).body;
    expect(search.hits).toEqual([
      expect.objectContaining({ kind: 'device', device: 'router-m', matched: 'name' }),
    ]);
  });

  it('streams run progress as server-sent events', async () => {
    const task = (await api('POST', '/api/tasks', { name: 'slow', kind: 'noop', args: { durationMs: 1500 } }))
      .body;
    const run = (await api('POST', `/api/tasks/${task.id}/run`)).body;
    const res = await s.app.inject({ method: 'GET', url: `/api/runs/${run.id}/events`, headers: op });
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const events = res.body
      .split('\n\n')
      .filter(Boolean)
      .map((block) => block.split('\n')[0]);
    expect(events.at(-1)).toBe('event: end');
    const states = res.body
      .split('\n')
      .filter((l) => l.startsWith('data: {"'))
      .map((l) => JSON.parse(l.slice(6)).state);
    expect(states.at(-1)).toBe('succeeded');
    expect(states).toContain('running');
  });

  it('diffs two snapshots: a device left out of the run is "not polled", not removed', async () => {
    const targets = (await api('GET', '/api/targets')).body as { id: string; address: string }[];
    const onlySwitch = targets.filter((t) => t.address === '127.0.0.1').map((t) => t.id);
    const run = await runDiscovery({ timeoutMs: 2500, retries: 1, targetIds: onlySwitch });
    expect(run.state).toBe('succeeded');
    const [newest, older] = (await api('GET', '/api/snapshots')).body;
    const diff = (await api('GET', `/api/snapshots/diff?from=${older.id}&to=${newest.id}`)).body;
    expect(diff.devices).toMatchObject({ added: [], removed: [] });
    expect(diff.notPolled).toMatchObject([{ id: 'router-m', reason: 'not polled in this run' }]);
    // Its links can be neither confirmed nor denied: listed as unverified, not as removed.
    expect(diff.unverified.some((k: string) => k.includes('router-m'))).toBe(true);
    expect(diff.links.removed.filter((k: string) => k.includes('router-m'))).toEqual([]);
    // The newest snapshot is the default; an older one is reachable by time.
    const then = (await api('GET', `/api/topology?layer=l3&at=${encodeURIComponent(older.takenAt)}`)).body;
    expect(then.snapshot.id).toBe(older.id);
    expect((await api('GET', `/api/snapshots/diff?from=${older.id}&to=${older.id}`)).status).toBe(400);
  });

  it('a cancelled run stops polling at once and stores no snapshot', async () => {
    // Devices that take requests and never answer: each would hold the run for its whole timeout.
    const addresses = ['127.0.0.10', '127.0.0.11', '127.0.0.12'];
    const sockets = addresses.map(() => createSocket('udp4'));
    let received = 0;
    for (const socket of sockets) socket.on('message', () => received++);
    await Promise.all(
      sockets.map((socket, i) => new Promise<void>((resolve) => socket.bind(0, addresses[i], resolve))),
    );
    try {
      const ids = [];
      for (const [i, socket] of sockets.entries())
        ids.push((await addTarget(addresses[i]!, socket.address().port, `silent${i}`)).body.id);
      const before = (await api('GET', '/api/snapshots')).body.length;
      const task = (
        await api('POST', '/api/tasks', {
          name: 'silent',
          kind: 'discovery',
          args: { timeoutMs: 4000, retries: 3, concurrency: 1, targetIds: ids },
        })
      ).body;
      const run = (await api('POST', `/api/tasks/${task.id}/run`)).body;
      for (let i = 0; i < 100 && received === 0; i++) await new Promise((res) => setTimeout(res, 50));
      expect(received).toBe(1);
      expect((await api('POST', `/api/runs/${run.id}/cancel`)).status).toBe(200);
      expect((await api('GET', `/api/runs/${run.id}`)).body.state).toBe('cancelled');
      // Longer than one timeout: a retry, or the next device, would have arrived by now.
      await new Promise((res) => setTimeout(res, 4500));
      expect(received).toBe(1);
      expect((await api('GET', '/api/snapshots')).body).toHaveLength(before);
    } finally {
      await Promise.all(
        sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))),
      );
    }
  }, 20_000);

  it('refuses bad discovery arguments naming the field', async () => {
    const res = await api('POST', '/api/tasks', { name: 'bad', kind: 'discovery', args: { concurrency: 0 } });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('args.concurrency');
  });
});
