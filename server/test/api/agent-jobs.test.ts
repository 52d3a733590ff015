import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent, type TestAgent } from '../support/agent-calls.ts';
import { until } from '../support/until.ts';

describe('jobs: dispatch, long-poll leases, idempotent results, lost agents', () => {
  let s: TestServer;
  let op: Record<string, string>;
  let tx: TestAgent;
  let rx: TestAgent;
  beforeAll(async () => {
    // 1 s beats: suspect after 3 s, offline after 6 s.
    s = await startTestServer({ agentPlaintext: true, agentHeartbeatSeconds: 1 });
    op = await s.as('operator');
    tx = await enrolAgent(s, 'tx', ['eth0']);
    rx = await enrolAgent(s, 'rx', ['eth0', 'eth1']);
  });
  afterAll(() => s?.destroy());

  const loadArgs = (over: object = {}) => ({
    group: 'ff3e::1234',
    senders: [{ agent: 'tx', interface: 'eth0' }],
    receivers: [{ agent: 'rx', interface: 'eth1' }],
    pps: 100,
    durationMs: 1000,
    startDelayMs: 1500,
    ...over,
  });
  const runLoad = async (args: object) => {
    const task = (
      await s.app.inject({
        method: 'POST',
        url: '/api/tasks',
        headers: op,
        payload: { name: `load-${randomUUID()}`, kind: 'load', args },
      })
    ).json();
    return (await s.app.inject({ method: 'POST', url: `/api/tasks/${task.id}/run`, headers: op })).json();
  };
  const getRun = async (id: string) =>
    (await s.app.inject({ method: 'GET', url: `/api/runs/${id}`, headers: op })).json();
  const jobsOf = async (runId: string) =>
    (await s.app.inject({ method: 'GET', url: `/api/jobs?runId=${runId}`, headers: op })).json();
  const lease = async (a: TestAgent, waitMs = 5000) =>
    (await a.call('/api/agent/lease', { waitMs })).json().job;

  it('a run becomes one job per agent; a waiting long-poll gets its job at once; start is synchronised', async () => {
    const waiting = lease(rx, 20_000); // parked before the run exists
    const t = Date.now();
    const run = await runLoad(loadArgs());
    const job = await waiting;
    expect(Date.now() - t).toBeLessThan(5000);
    expect(job).toMatchObject({ runId: run.id, participant: 'rx (receiver)', plan: { kind: 'load' } });
    expect(job.plan.steps).toEqual([
      expect.objectContaining({ op: 'receive', interface: 'eth1', group: 'ff3e::1234', durationMs: 1000 }),
    ]);
    const txJob = await lease(tx, 20_000); // returns at once when the job is there; the wait only covers a slow host
    expect(txJob.plan.steps[0]).toMatchObject({ op: 'stream', pps: 100, streamId: 1, hopLimit: 8 });
    expect(txJob.startAt).toBe(job.startAt);
    expect(job.leaseDeadline).toBeGreaterThan(job.startAt + 1000);
    // a repeated lease hands the same not-yet-started job again (a lost answer costs nothing)
    expect((await lease(rx, 0)).id).toBe(job.id);
    const jobs = await jobsOf(run.id);
    expect(jobs.map((j: { state: string }) => j.state)).toEqual(['leased', 'leased']);

    const results = [
      { id: randomUUID(), kind: 'stream', data: { streamId: 1, received: 100, lost: 0 } },
      {
        id: randomUUID(),
        kind: 'final',
        data: {
          ok: true,
          message: 'received 100',
          clockOffsetMs: -2.5,
          engine: 'cap',
          summary: { received: 100 },
        },
      },
    ];
    const first = await rx.upload(job.id, results);
    expect(first.json()).toEqual({ stored: 2, duplicates: 0, jobState: 'done' });
    const replay = await rx.upload(job.id, results);
    expect(replay.json()).toEqual({ stored: 0, duplicates: 2, jobState: 'done' });
    await tx.upload(txJob.id, [
      { kind: 'final', data: { ok: true, message: 'sent 100', summary: { sent: 100 } } },
    ]);
    const done = await until(
      () => getRun(run.id),
      (r) => r.state !== 'running' && r.state !== 'queued',
    );
    expect(done).toMatchObject({ state: 'succeeded', message: '2 jobs done' });
    expect(
      done.result.jobs.find((j: { participant: string }) => j.participant === 'rx (receiver)'),
    ).toMatchObject({
      state: 'done',
      clockOffsetMs: -2.5,
      engine: 'cap',
      outcome: { received: 100 },
    });
    const stored = (
      await s.app.inject({ method: 'GET', url: `/api/jobs/${job.id}/results`, headers: op })
    ).json();
    expect(stored.map((r: { kind: string }) => r.kind).sort()).toEqual(['final', 'stream']);
  });

  it('an empty long-poll answers null after its wait', async () => {
    const t = Date.now();
    expect(await lease(tx, 1200)).toBeNull();
    expect(Date.now() - t).toBeGreaterThanOrEqual(1150);
  });

  it('refuses results for another agent’s job, duplicate ids in one upload and malformed records', async () => {
    const run = await runLoad(loadArgs());
    const job = await lease(rx);
    expect((await tx.upload(job.id, [{ kind: 'step', data: {} }])).statusCode).toBe(404);
    const id = randomUUID();
    const dup = await rx.upload(job.id, [
      { id, kind: 'step', data: {} },
      { id, kind: 'step', data: {} },
    ]);
    expect(dup.json()).toMatchObject({ error: 'bad_request', field: 'results' });
    const bad = await rx.call(`/api/agent/jobs/${job.id}/results`, {
      results: [{ id: 'x', kind: 'step', at: 1, data: {} }],
    });
    expect(bad.json()).toMatchObject({ error: 'validation', field: 'results[0].id' });
    expect((await rx.upload(job.id, [{ kind: 'weird', data: {} }])).statusCode).toBe(400);
    await s.app.inject({ method: 'POST', url: `/api/runs/${run.id}/cancel`, headers: op });
  });

  it('barriers pass once every participant of the run has arrived', async () => {
    const run = await runLoad(loadArgs());
    const [a, b] = [await lease(rx), await lease(tx)];
    const early = await rx.call(`/api/agent/jobs/${a.id}/barrier`, { name: 'b1', waitMs: 300 });
    expect(early.json()).toEqual({ passed: false, arrived: 1, of: 2 });
    const waiting = rx.call(`/api/agent/jobs/${a.id}/barrier`, { name: 'b1', waitMs: 10_000 });
    const last = await tx.call(`/api/agent/jobs/${b.id}/barrier`, { name: 'b1', waitMs: 10_000 });
    expect(last.json()).toEqual({ passed: true, arrived: 2, of: 2 });
    expect((await waiting).json()).toEqual({ passed: true, arrived: 2, of: 2 });
    await s.app.inject({ method: 'POST', url: `/api/runs/${run.id}/cancel`, headers: op });
  });

  it('cancelling a job tells its agent at the next beat', async () => {
    const run = await runLoad(loadArgs());
    const job = await lease(rx);
    const res = await s.app.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel`, headers: op });
    expect(res.json()).toMatchObject({ state: 'cancelled', message: 'cancelled by operator-user' });
    expect(
      (await s.app.inject({ method: 'POST', url: `/api/jobs/${job.id}/cancel`, headers: op })).statusCode,
    ).toBe(409);
    const beat = (await rx.call('/api/agent/heartbeat', { t0: Date.now() })).json();
    expect(beat.stopJobs).toContain(job.id);
    await s.app.inject({ method: 'POST', url: `/api/runs/${run.id}/cancel`, headers: op });
  });

  it('bad plans fail the run naming the argument: unknown agent, interface the agent lacks, no rate', async () => {
    const cases: [object, string][] = [
      [
        { receivers: [{ agent: 'nope', interface: 'eth0' }] },
        'args.receivers[0].agent: unknown agent "nope"',
      ],
      [
        { senders: [{ agent: 'tx', interface: 'eth7' }] },
        'args.senders[0].interface: agent "tx" has no interface "eth7"',
      ],
      [{ pps: undefined }, 'args.pps: give pps or bitsPerSecond'],
    ];
    for (const [over, message] of cases) {
      const run = await runLoad(loadArgs(over));
      const done = await until(
        () => getRun(run.id),
        (r) => r.state === 'failed',
      );
      expect(done.message).toContain(message);
      expect(await jobsOf(run.id)).toEqual([]);
    }
    const bad = await s.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: op,
      payload: { name: 'x', kind: 'load', args: loadArgs({ port: 0 }) },
    });
    expect(bad.json()).toMatchObject({ error: 'bad_request', field: 'args.port' });
  });

  it('a lost agent goes suspect then offline in the configured window; its job fails with that reason', async () => {
    const lost = await enrolAgent(s, 'lost', ['eth0']);
    const run = await runLoad(
      loadArgs({ receivers: [{ agent: 'lost', interface: 'eth0' }], durationMs: 30_000 }),
    );
    // Taken before the lease (which counts as a beat), so the last beat is never earlier than `seen`.
    const seen = Date.now();
    await lease(lost);
    const state = async () =>
      (await s.app.inject({ method: 'GET', url: `/api/agents/${lost.id}`, headers: op })).json().state;
    await until(state, (st) => st === 'suspect');
    expect(Date.now() - seen).toBeGreaterThanOrEqual(2900);
    await until(state, (st) => st === 'offline');
    const offlineAfter = Date.now() - seen;
    expect(offlineAfter).toBeGreaterThanOrEqual(5900);
    expect(offlineAfter).toBeLessThan(9000);
    const jobs = await until(
      () => jobsOf(run.id),
      (js) =>
        js.some(
          (j: { participant: string; state: string }) =>
            j.participant.startsWith('lost') && j.state === 'failed',
        ),
    );
    expect(jobs.find((j: { participant: string }) => j.participant.startsWith('lost')).message).toMatch(
      /agent "lost" lost: no heartbeat for \d+ s \(offline after 6 missed beats of 1 s\)/,
    );
    const sessions = (
      await s.app.inject({ method: 'GET', url: `/api/agents/sessions?agentId=${lost.id}`, headers: op })
    ).json();
    expect(sessions[0]).toMatchObject({ endReason: 'offline' });
    // coming back opens a new session
    await lost.beat();
    expect(await state()).toBe('online');
    await s.app.inject({ method: 'POST', url: `/api/runs/${run.id}/cancel`, headers: op });
  }, 30_000);
});
