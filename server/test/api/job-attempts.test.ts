import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent, type TestAgent } from '../support/agent-calls.ts';
import { until } from '../support/until.ts';

interface Result {
  id: string;
  kind: string;
  attempt: number;
  data: unknown;
}

describe('job attempts: results tagged with their attempt, late replays of a lost attempt, the sequence version a run used', () => {
  let s: TestServer;
  let op: Record<string, string>;
  let tx: TestAgent;
  let rx: TestAgent;
  beforeAll(async () => {
    // 1 s beats: offline after 6 s.
    s = await startTestServer({ agentPlaintext: true, agentHeartbeatSeconds: 1 });
    op = await s.as('operator');
    tx = await enrolAgent(s, 'tx', ['eth0']);
    rx = await enrolAgent(s, 'rx', ['eth0']);
  });
  afterAll(() => s?.destroy());

  const get = async (url: string) => (await s.app.inject({ method: 'GET', url, headers: op })).json();
  const lease = async (a: TestAgent) => (await a.call('/api/agent/lease', { waitMs: 5000 })).json().job;
  /**
   * Uploads as the agent does, with the agent-clock time each record was journalled at; `attempt` as a
   * current agent names it, none as an agent older than attempts in the protocol.
   */
  const upload = async (
    a: TestAgent,
    jobId: string,
    at: number,
    records: { kind: string; data: unknown }[],
    attempt?: number,
  ) =>
    (
      await a.call(`/api/agent/jobs/${jobId}/results`, {
        results: records.map((r) => ({ id: randomUUID(), at, ...(attempt && { attempt }), ...r })),
      })
    ).json();
  const startTask = async (kind: string, args: object) => {
    const task = (
      await s.app.inject({
        method: 'POST',
        url: '/api/tasks',
        headers: op,
        payload: { name: `${kind}-${randomUUID()}`, kind, args },
      })
    ).json();
    return (await s.app.inject({ method: 'POST', url: `/api/tasks/${task.id}/run`, headers: op })).json();
  };
  const receiverTotals = (unique: number) => ({
    ok: true,
    message: `received ${unique}`,
    summary: {
      streams: [
        {
          role: 'receiver',
          streamId: 1,
          received: unique,
          unique,
          duplicates: 0,
          reordered: 0,
          late: 0,
          latencyMs: null,
          jitterMs: 0,
          engineDropped: 2,
          kernelDropsVisible: true,
        },
      ],
    },
  });
  const loadArgs = {
    group: 'ff3e::1234',
    senders: [{ agent: 'tx', interface: 'eth0' }],
    receivers: [{ agent: 'rx', interface: 'eth0' }],
    pps: 100,
    durationMs: 1000,
    startDelayMs: 500,
  };
  const series = (received: number) => ({
    streamId: 1,
    perSecond: [{ second: 0, received, latencyMeanMs: 1 }],
  });

  it('a returning agent’s replays of the lost attempt keep attempt 1 and neither close nor advance attempt 2; the summary uses attempt 2', async () => {
    const run = await startTask('load', { ...loadArgs, requeueOnAgentLoss: true, requeueWithinMs: 60_000 });
    const first = await lease(rx);
    const txJob = await lease(tx);
    await upload(tx, txJob.id, Date.now(), [
      {
        kind: 'final',
        data: {
          ok: true,
          message: 'sent 100',
          summary: { streams: [{ role: 'sender', streamId: 1, sent: 100 }] },
        },
      },
    ]);
    expect((await upload(rx, first.id, Date.now(), [{ kind: 'series', data: series(10) }])).jobState).toBe(
      'running',
    );
    // What attempt 1 records while the server cannot hear it: journalled now, uploaded after its return.
    const recordedAt = Date.now();

    const requeued = await until(
      () => get(`/api/jobs/${first.id}`),
      (j) => j.state === 'queued',
      15_000,
    );
    expect(requeued.attempt).toBe(2);
    expect(requeued.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        lostAt: expect.any(String),
        lostReason: expect.stringMatching(/^agent "rx" lost: no heartbeat/),
      }),
    ]);
    expect(Date.parse(requeued.attempts[0].lostAt)).toBeGreaterThan(recordedAt);

    // Back before its new lease: the journal replays attempt 1, final included; the job keeps waiting for attempt 2.
    const replay = await upload(rx, first.id, recordedAt, [
      { kind: 'series', data: series(27) },
      { kind: 'final', data: receiverTotals(37) },
    ]);
    expect(replay).toEqual({ stored: 2, duplicates: 0, jobState: 'queued' });
    expect(await get(`/api/jobs/${first.id}`)).toMatchObject({ state: 'queued', attempt: 2 });

    const again = await lease(rx);
    expect(again.id).toBe(first.id);
    const leased = await get(`/api/jobs/${first.id}`);
    expect(leased.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2]);
    expect(leased.attempts[1]).toMatchObject({
      lostAt: null,
      startAt: new Date(again.startAt).toISOString(),
    });
    // A replay racing the new lease: still attempt 1's, and it does not mark attempt 2 running.
    expect(
      (await upload(rx, first.id, recordedAt, [{ kind: 'event', data: { message: 'late' } }])).jobState,
    ).toBe('leased');

    expect((await upload(rx, first.id, Date.now(), [{ kind: 'series', data: series(100) }])).jobState).toBe(
      'running',
    );
    expect(
      (await upload(rx, first.id, Date.now(), [{ kind: 'final', data: receiverTotals(100) }])).jobState,
    ).toBe('done');

    const done = await until(
      () => get(`/api/runs/${run.id}`),
      (r) => r.state !== 'running' && r.state !== 'queued',
      10_000,
    );
    expect(done.state).toBe('succeeded');
    expect(
      done.result.jobs.find((j: { participant: string }) => j.participant === 'rx (receiver)'),
    ).toMatchObject({
      attempt: 2,
      message: 'received 100',
    });
    expect(done.result.load.receivers).toEqual([
      // The host's capture drops (sent by the agent) stay beside the network's loss.
      expect.objectContaining({
        receiver: 'rx (receiver)',
        sent: 100,
        received: 100,
        lost: 0,
        receiverDropped: 2,
      }),
    ]);

    const results: Result[] = await get(`/api/jobs/${first.id}/results`);
    const byAttempt = (n: number) => results.filter((r) => r.attempt === n).map((r) => r.kind);
    expect(byAttempt(1).sort()).toEqual(['event', 'final', 'series', 'series']);
    expect(byAttempt(2)).toEqual(['series', 'final']);
    const second: Result[] = await get(`/api/jobs/${first.id}/results?attempt=2`);
    expect(second.map((r) => r.data)).toEqual([series(100), receiverTotals(100)]);
    // A replay of attempt 2's records is a no-op as ever.
    expect(
      await upload(rx, first.id, Date.now(), [{ kind: 'final', data: receiverTotals(1) }]),
    ).toMatchObject({ stored: 1, jobState: 'done' });
    expect((await get(`/api/jobs/${first.id}`)).message).toBe('received 100');
  }, 45_000);

  it('an agent that names its attempt: the lost attempt it kept running (only cut off) stays attempt 1 after the new lease; an attempt the job never had is refused', async () => {
    const run = await startTask('load', { ...loadArgs, requeueOnAgentLoss: true, requeueWithinMs: 60_000 });
    const first = await lease(rx);
    expect(first.attempt).toBe(1);
    const txJob = await lease(tx);
    await upload(tx, txJob.id, Date.now(), [{ kind: 'final', data: { ok: true, message: 'sent 100' } }], 1);
    await until(
      () => get(`/api/jobs/${first.id}`),
      (j) => j.state === 'queued',
      15_000,
    );
    const again = await lease(rx);
    expect(again).toMatchObject({ id: first.id, attempt: 2 });
    // Recorded and uploaded after the new lease, but under attempt 1's lease: a time rule would file it
    // under attempt 2 and let its final close the job.
    expect(
      await upload(rx, first.id, Date.now() + 1000, [{ kind: 'final', data: receiverTotals(37) }], 1),
    ).toEqual({ stored: 1, duplicates: 0, jobState: 'leased' });
    const bogus = await rx.call(`/api/agent/jobs/${first.id}/results`, {
      results: [{ id: randomUUID(), kind: 'series', at: Date.now(), attempt: 3, data: series(1) }],
    });
    expect(bogus.statusCode).toBe(400);
    expect(bogus.json().message).toMatch(/^results\[0\]\.attempt: job has no attempt 3 \(latest 2\)/);
    expect(
      (await upload(rx, first.id, Date.now(), [{ kind: 'final', data: receiverTotals(100) }], 2)).jobState,
    ).toBe('done');
    const results: Result[] = await get(`/api/jobs/${first.id}/results`);
    expect(results.map((r) => [r.attempt, (r.data as { message: string }).message]).sort()).toEqual([
      [1, 'received 37'],
      [2, 'received 100'],
    ]);
    await until(
      () => get(`/api/runs/${run.id}`),
      (r) => r.state === 'succeeded',
      10_000,
    );
  }, 45_000);

  it('jobs that were never re-queued have one attempt and every result is attempt 1; the OpenAPI document names the fields', async () => {
    const run = await startTask('load', loadArgs);
    const job = await lease(rx);
    await upload(rx, job.id, Date.now(), [{ kind: 'series', data: series(5) }]);
    expect((await get(`/api/jobs/${job.id}`)).attempts).toEqual([
      expect.objectContaining({ attempt: 1, lostAt: null }),
    ]);
    expect((await get(`/api/jobs/${job.id}/results`)).map((r: Result) => r.attempt)).toEqual([1]);
    expect(await get(`/api/jobs/${job.id}/results?attempt=2`)).toEqual([]);
    const openapi = await get('/docs/json');
    const body = (path: string) =>
      openapi.paths[path].get.responses['200'].content['application/json'].schema;
    expect(body('/api/jobs/{id}/results').items.required).toContain('attempt');
    expect(body('/api/jobs/{id}').required).toContain('attempts');
    expect(Object.keys(body('/api/runs/{id}').properties)).toEqual(
      expect.arrayContaining(['sequenceId', 'sequenceVersion', 'sequenceName']),
    );
    expect((await get(`/api/runs/${run.id}`)).sequenceVersion).toBeNull();
    await s.app.inject({ method: 'POST', url: `/api/runs/${run.id}/cancel`, headers: op });
  });

  it('a sequence run records the exact sequence version it compiled, however the sequence changes later', async () => {
    const definition = (ms: number) => ({
      participants: [{ name: 'h', agent: 'rx', interface: 'eth0' }],
      steps: [{ op: 'wait', ms }],
    });
    const created = (
      await s.app.inject({
        method: 'POST',
        url: '/api/sequences',
        headers: op,
        payload: { name: 'versioned', definition: definition(100) },
      })
    ).json();
    const put = (ms: number) =>
      s.app.inject({
        method: 'PUT',
        url: `/api/sequences/${created.id}`,
        headers: op,
        payload: { definition: definition(ms) },
      });
    expect((await put(200)).json().version).toBe(2);
    const run = await startTask('sequence', { sequenceId: created.id, startDelayMs: 60_000 });
    await until(
      () => get(`/api/jobs?runId=${run.id}`),
      (js) => js.length === 1,
    );
    expect((await put(300)).json().version).toBe(3);
    expect(await get(`/api/runs/${run.id}`)).toMatchObject({
      sequenceId: created.id,
      sequenceVersion: 2,
      sequenceName: 'versioned',
    });
    const pinned = await startTask('sequence', { sequenceId: created.id, version: 1, startDelayMs: 60_000 });
    const recorded = await until(
      () => get(`/api/runs/${pinned.id}`),
      (r) => r.sequenceVersion !== null,
    );
    expect(recorded).toMatchObject({ sequenceId: created.id, sequenceVersion: 1, sequenceName: 'versioned' });
    for (const r of [run, pinned])
      await s.app.inject({ method: 'POST', url: `/api/runs/${r.id}/cancel`, headers: op });
  });
});
