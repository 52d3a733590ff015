// Remote pollers through the API over real HTTPS: a target with a site is polled by an agent of that site
// (the agent's own RemotePoller and client, pinned TLS) against snmpsim, and the run stores what the agent
// uploaded as a worker would; a site nobody polls makes the device wait, then fail with the reason; the
// lease carries the credential only over HTTPS and only to the site's agents.
import { fileURLToPath } from 'node:url';
import { parseEnrolmentToken } from '@netspotter/shared/agent-protocol';
import { ServerClient } from '@netspotter/agent/client/server-client';
import { jsonLogger } from '@netspotter/agent/log';
import { RemotePoller } from '@netspotter/agent/remote-poller';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent, hostFacts, newToken } from '../support/agent-calls.ts';
import { until } from '../support/until.ts';
import { missingParts } from '../../../test/support/system.ts';
import { SNMPSIM, startSnmpsim, type Snmpsim } from './support/snmpsim.ts';

const skip = missingParts({ commands: [SNMPSIM ?? 'snmpsimd'] });
/** The community snmpsim serves the recording under: the secret that must stay inside the lease. */
const COMMUNITY = 'remote-site-secret-4711';
const recording = fileURLToPath(new URL('recordings/switch-a.rec', import.meta.url));

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.skipIf(skip)('remote pollers (agents polling their site’s targets)', () => {
  let s: TestServer;
  let sim: Snmpsim;
  let url: string;
  let admin: Record<string, string>;
  let client: ServerClient;
  let agentId: string;
  const stop = new AbortController();
  const agentLog: string[] = [];

  const api = async (method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object) => {
    const r = await s.app.inject({ method, url: path, headers: admin, ...(payload && { payload }) });
    return { status: r.statusCode, body: r.json() as Json };
  };
  /** Creates a target (site optional), runs a discovery of it, answers the finished run. */
  async function discover(address: string, site: string | null, args: object = {}) {
    const target = await api('POST', '/api/targets', {
      address,
      port: sim.port,
      ...(site && { site }),
      credential: { version: 'v2c', community: COMMUNITY },
    });
    expect(target.status).toBe(201);
    expect(target.body.site).toBe(site);
    const task = await api('POST', '/api/tasks', {
      name: `remote-${address}`,
      kind: 'discovery',
      args: { targetIds: [target.body.id], timeoutMs: 500, retries: 0, ...args },
    });
    const run = await api('POST', `/api/tasks/${task.body.id}/run`);
    const progress: unknown[] = [];
    const done = await until(
      async () => {
        const r = (await api('GET', `/api/runs/${run.body.id}`)).body;
        progress.push(r.progress);
        return r;
      },
      (r) => !['queued', 'running'].includes(r.state),
      60_000,
      100,
    );
    return { run: done, progress };
  }

  beforeAll(async () => {
    sim = await startSnmpsim({ [COMMUNITY]: recording });
    // Plaintext agents allowed: remote polls must still refuse them.
    s = await startTestServer({ tls: 'on', agentPlaintext: true });
    url = await s.app.listen({ port: 0, host: '127.0.0.1' });
    admin = await s.as('admin');
    const token = parseEnrolmentToken(await newToken(s, 'poller-a'));
    client = new ServerClient({ url, fingerprint: token.fingerprint! });
    agentId = (await client.enrol(token.secret, 'poller-a', hostFacts('poller-a'))).agentId;
    const given: { site?: string } = {};
    const poller = new RemotePoller({
      client: () => client,
      log: jsonLogger('debug', (line) => agentLog.push(line)),
      site: () => given.site,
      offsetMs: () => 0,
      fatal: () => false,
      signal: stop.signal,
    });
    void poller.run();
    // The site comes on the heartbeat, as the daemon takes it.
    const patched = await api('PATCH', `/api/agents/${agentId}`, { site: 'branch-1' });
    expect(patched.status).toBe(200);
    expect(patched.body.site).toBe('branch-1');
    given.site = (await client.heartbeat({ t0: Date.now() })).site;
    expect(given.site).toBe('branch-1');
  }, 90_000);
  afterAll(async () => {
    stop.abort();
    client?.close();
    await s?.destroy();
    await sim?.stop();
  });

  it('a target of the site is polled by the site’s agent; the run stores it and names the poller', async () => {
    const { run } = await discover('127.0.0.1', 'branch-1');
    expect(run.state).toBe('succeeded');
    expect(run.result.unreachable).toEqual([]);
    expect(run.result.report).toEqual([
      expect.objectContaining({ target: `127.0.0.1:${sim.port}`, status: 'ok', poller: 'poller-a' }),
    ]);
    const report = (await api('GET', `/api/snapshots/${run.result.snapshotId}/report`)).body;
    expect(report.targets[0]).toMatchObject({ poller: 'poller-a', device: expect.any(String) });
    // The targets table's row says who reached it.
    const rows = (await api('GET', '/api/targets')).body as Json[];
    expect(rows.find((t) => t.address === '127.0.0.1')).toMatchObject({
      site: 'branch-1',
      lastPoller: 'poller-a',
      lastStatus: 'ok',
    });
    expect(run.result.devices).toBe(1);
    expect(agentLog.some((l) => l.includes('"msg":"remote poll done"'))).toBe(true);
    // The agent's log names the target, never the credential it was sent.
    expect(agentLog.join('\n')).not.toContain(COMMUNITY);
    expect(s.logs.join('\n')).not.toContain(COMMUNITY);
  });

  it('a target without a site is polled by the server, and the report says so', async () => {
    const { run } = await discover('127.0.0.2', null);
    // snmpsim answers on 127.0.0.1 only: the server itself tried, and got no answer.
    expect(run.result.report).toEqual([
      expect.objectContaining({ target: `127.0.0.2:${sim.port}`, status: 'timeout', poller: 'server' }),
    ]);
  });

  it('a site with no poller online: the device waits (progress says so), then fails with the reason', async () => {
    const { run, progress } = await discover('127.0.0.3', 'branch-9', { pollerWaitMs: 3000 });
    expect(run.state).toBe('succeeded');
    expect(run.result.unreachable).toEqual([
      {
        target: `127.0.0.3:${sim.port}`,
        reason: 'no poller of site "branch-9" took it within 3 s (no agent of that site online)',
      },
    ]);
    expect(progress).toContainEqual(expect.objectContaining({ waiting: 'for a poller of site "branch-9"' }));
  });

  it('a poller that leases a device and sends nothing: the device fails by its deadline, a late upload is refused', async () => {
    const token = parseEnrolmentToken(await newToken(s, 'lost-poller'));
    const lost = new ServerClient({ url, fingerprint: token.fingerprint! });
    try {
      const { agentId: lostId } = await lost.enrol(token.secret, 'lost-poller', hostFacts('lost-poller'));
      await api('PATCH', `/api/agents/${lostId}`, { site: 'branch-3' });
      const leased = lost.pollLease(20_000);
      // Device budget 1 s: its lease ends 1 s + 30 s of upload slack after it was taken.
      const discovering = discover('127.0.0.4', 'branch-3', { deviceBudgetMs: 1000, pollerWaitMs: 20_000 });
      const poll = (await leased)!;
      expect(poll.target).toMatchObject({ address: '127.0.0.4', credential: { community: COMMUNITY } });
      const { run } = await discovering;
      expect(run.result.unreachable).toEqual([
        {
          target: `127.0.0.4:${sim.port}`,
          reason: 'poller lost-poller of site "branch-3" sent no result in time',
        },
      ]);
      await expect(
        lost.pollResult(poll.id, { report: { target: 'x', status: 'ok', issues: [], ms: 1 } }),
      ).rejects.toMatchObject({ status: 404 });
    } finally {
      lost.close();
    }
  }, 90_000);

  it('leases carry credentials only over HTTPS, and only to an agent of a site', async () => {
    const plain = await enrolAgent(s, 'plain-1');
    // app.inject is plaintext: refused even where plaintext agents are allowed.
    const r = await plain.call('/api/agent/polls/lease', { waitMs: 0 });
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toBe('tls_required');
    const token = parseEnrolmentToken(await newToken(s, 'no-site'));
    const other = new ServerClient({ url, fingerprint: token.fingerprint! });
    try {
      await other.enrol(token.secret, 'no-site', hostFacts('no-site'));
      expect(await other.pollLease(0)).toBeNull();
      await expect(
        other.pollResult('00000000-0000-0000-0000-000000000000', {
          report: { target: 'x', status: 'ok', issues: [], ms: 1 },
        }),
      ).rejects.toMatchObject({ status: 404 });
    } finally {
      other.close();
    }
  });

  it('an imported list gives the targets it creates a site', async () => {
    const r = await api('POST', '/api/targets/import', {
      text: '192.0.2.61 c1\n192.0.2.62 c1\n',
      site: 'branch-2',
    });
    expect(r.status).toBe(200);
    expect(r.body.created).toBe(2);
    const rows = (await api('GET', '/api/targets')).body as Json[];
    expect(rows.filter((t) => t.address.startsWith('192.0.2.6')).map((t) => t.site)).toEqual([
      'branch-2',
      'branch-2',
    ]);
    const bad = await api('POST', '/api/targets/import', { text: '192.0.2.63 c1\n', site: 'a b' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toMatch(/site/);
  });

  it('a bad site is refused naming the field, and nothing is written', async () => {
    const bad = await api('PATCH', `/api/agents/${agentId}`, { site: 'no spaces/allowed' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toMatch(/site/);
    expect((await api('GET', `/api/agents/${agentId}`)).body.site).toBe('branch-1');
    const t = await api('POST', '/api/targets', {
      address: '192.0.2.50',
      site: '',
      credential: { version: 'v2c', community: 'x' },
    });
    expect(t.status).toBe(400);
    expect(t.body.field).toMatch(/site/);
    expect((await api('GET', '/api/targets')).body.map((x: Json) => x.address)).not.toContain('192.0.2.50');
  });
});
