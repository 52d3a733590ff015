import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { enrolAgent, leasedLoadRun, type TestAgent } from '../support/agent-calls.ts';
import { until } from '../support/until.ts';
import { writeResults } from '../../src/agents/result-writes.ts';

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

  it('an empty long-poll answers null after its wait, ended at a random point of its last fifth', async () => {
    const waited = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const t = Date.now();
        expect(await lease(tx, 2000)).toBeNull();
        return Date.now() - t;
      }),
    );
    for (const ms of waited) expect(ms).toBeGreaterThanOrEqual(1590);
    // Spread, not in lockstep: six polls asked together do not all end within 20 ms of each other.
    expect(Math.max(...waited) - Math.min(...waited)).toBeGreaterThan(20);
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
    // A final result must have a final's shape (it closes the job): refused at the field, nothing stored.
    const shapeless = await rx.upload(job.id, [{ kind: 'final', data: { message: 'no verdict' } }]);
    expect(shapeless.json()).toMatchObject({ error: 'validation', field: 'results[0].data.ok' });
    const closing = await rx.upload(job.id, [{ kind: 'final', data: { ok: false, message: 'lost 3' } }]);
    expect(closing.json()).toMatchObject({ stored: 1, jobState: 'failed' });
    await s.app.inject({ method: 'POST', url: `/api/runs/${run.id}/cancel`, headers: op });
  });

  it('uploads arriving together are stored once each: retries racing their original, a final among them closes the job', async () => {
    const { runId, txJob, rxJob } = await leasedLoadRun(s, op, tx, rx);
    const stepsOf = (n: number) =>
      Array.from({ length: n }, (_, step) => ({ id: randomUUID(), kind: 'step', data: { step } }));
    const steps = stepsOf(5);
    const final = (message: string, packets: number) => ({
      id: randomUUID(),
      kind: 'final',
      data: { ok: true, message, engine: 'native', summary: { packets } },
    });
    const rxFinal = final('received 10', 10);
    const rxUploads = [steps, steps, [...steps, rxFinal], [rxFinal], steps, [rxFinal, ...steps]];
    const replies = await Promise.all([
      ...rxUploads.map((results) => rx.upload(rxJob, results)),
      tx.upload(txJob, [...stepsOf(2), final('sent 7', 7)]),
    ]);
    expect(replies.map((r) => r.statusCode)).toEqual(replies.map(() => 200));
    const answers = replies.map((r) => r.json<{ stored: number; duplicates: number }>());
    const rxAnswers = answers.slice(0, rxUploads.length);
    expect(rxAnswers.reduce((n, a) => n + a.stored, 0)).toBe(6);
    expect(rxAnswers.reduce((n, a) => n + a.duplicates, 0)).toBe(rxUploads.flat().length - 6);
    expect(answers.at(-1)).toMatchObject({ stored: 3, duplicates: 0, jobState: 'done' });
    const stored = (
      await s.app.inject({ method: 'GET', url: `/api/jobs/${rxJob}/results`, headers: op })
    ).json<{ id: string }[]>();
    expect(stored.map((r) => r.id).sort()).toEqual([...steps, rxFinal].map((r) => r.id).sort());
    const run = await until(
      () => getRun(runId),
      (r) => r.state !== 'running' && r.state !== 'queued',
    );
    expect(run).toMatchObject({ state: 'succeeded', message: '2 jobs done' });
    expect(run.result.jobs.find((j: { id: string }) => j.id === rxJob)).toMatchObject({
      state: 'done',
      message: 'received 10',
      engine: 'native',
      outcome: { packets: 10 },
    });
    // Each job's outcome is its own final's summary, read from that final's place among the batch's rows.
    expect(run.result.jobs.find((j: { id: string }) => j.id === txJob)).toMatchObject({
      message: 'sent 7',
      outcome: { packets: 7 },
    });
  });

  it('an upload the database refuses fails alone: the others written with it are stored', async () => {
    const { runId, rxJob } = await leasedLoadRun(s, op, tx, rx);
    const upload = (jobId: string) => ({
      jobId,
      attempt: 1,
      rows: [{ id: randomUUID(), kind: 'step', at: new Date(), data: { step: 0 }, attempt: 1 }],
    });
    // The first goes alone; the three after it wait and go together, one of them for a job that does not exist.
    const [alone, good, refused, alsoGood] = await Promise.allSettled(
      [rxJob, rxJob, 'no-such-job', rxJob].map((id) => writeResults(s.ctx.db, upload(id))),
    );
    expect([alone, good, alsoGood]).toEqual([1, 1, 1].map((value) => ({ status: 'fulfilled', value })));
    expect(refused).toMatchObject({ status: 'rejected' });
    const stored = (
      await s.app.inject({ method: 'GET', url: `/api/jobs/${rxJob}/results`, headers: op })
    ).json<unknown[]>();
    expect(stored).toHaveLength(3);
    await s.app.inject({ method: 'POST', url: `/api/runs/${runId}/cancel`, headers: op });
  });

  it('uploads too many for one statement are written in several, each result once: replays sent with them store nothing', async () => {
    const { runId, rxJob } = await leasedLoadRun(s, op, tx, rx);
    const before = await s.ctx.db.prisma.jobResult.count({ where: { jobId: rxJob } });
    const uploads = Array.from({ length: 100 }, () => ({
      jobId: rxJob,
      attempt: 1,
      rows: Array.from({ length: 11 }, (_, step) => ({
        id: randomUUID(),
        kind: 'step',
        at: new Date(),
        data: { step },
        attempt: 1,
      })),
    }));
    // 1,100 rows and then the first ten uploads again: more than one statement's worth, all at once.
    const counts = await Promise.all(
      [...uploads, ...uploads.slice(0, 10)].map((u) => writeResults(s.ctx.db, u)),
    );
    expect(counts).toEqual([...uploads.map(() => 11), ...Array(10).fill(0)]);
    expect(await s.ctx.db.prisma.jobResult.count({ where: { jobId: rxJob } })).toBe(before + 1100);
    await s.app.inject({ method: 'POST', url: `/api/runs/${runId}/cancel`, headers: op });
  });

  it('result ids are unique within their job: two jobs uploading the same ids side by side each store theirs, once', async () => {
    // On PostgreSQL the two jobs may be written by two statements at once (a lane per job); their results are
    // keyed by job and id, so neither statement waits on the other's rows, and one job's results cannot hide
    // the other's.
    const { runId, txJob, rxJob } = await leasedLoadRun(s, op, tx, rx);
    const ids = Array.from({ length: 4 }, () => randomUUID());
    const upload = (jobId: string, order: string[]) => ({
      jobId,
      attempt: 1,
      rows: order.map((id, step) => ({ id, kind: 'step', at: new Date(), data: { step }, attempt: 1 })),
    });
    const both = () =>
      Promise.all([
        writeResults(s.ctx.db, upload(txJob, ids)),
        writeResults(s.ctx.db, upload(rxJob, [...ids].reverse())),
      ]);
    expect(await both()).toEqual([4, 4]);
    expect(await both()).toEqual([0, 0]);
    const stored = await s.ctx.db.prisma.jobResult.findMany({ where: { id: { in: ids } } });
    const idsOf = (job: string) =>
      stored
        .filter((r) => r.jobId === job)
        .map((r) => r.id)
        .sort();
    expect([idsOf(txJob), idsOf(rxJob)]).toEqual([[...ids].sort(), [...ids].sort()]);
    await s.app.inject({ method: 'POST', url: `/api/runs/${runId}/cancel`, headers: op });
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

  it('with requeueOnAgentLoss a lost agent’s job is queued again: a returning agent runs a new attempt, one that stays away fails when the window ends', async () => {
    const back = await enrolAgent(s, 'back', ['eth0']);
    const gone = await enrolAgent(s, 'gone', ['eth0']);
    const run = await runLoad(
      loadArgs({
        receivers: [
          { agent: 'back', interface: 'eth0' },
          { agent: 'gone', interface: 'eth0' },
        ],
        startDelayMs: 500,
        requeueOnAgentLoss: true,
        requeueWithinMs: 16_000,
      }),
    );
    const seen = Date.now();
    const first = await lease(back);
    const goneJob = await lease(gone);
    expect(first).toMatchObject({ participant: 'back (receiver)' });
    expect(await rx.upload(first.id, [{ kind: 'step', data: {} }])).toMatchObject({ statusCode: 404 }); // not rx's job
    expect(
      (await back.upload(first.id, [{ kind: 'step', data: { step: 0, attempt: 1 } }])).json().jobState,
    ).toBe('running');
    const txJob = await lease(tx);
    await tx.upload(txJob.id, [{ kind: 'final', data: { ok: true, message: 'sent 100' } }]);

    // Both receivers stop beating: offline after 6 beats of 1 s, and their jobs go back to the queue.
    const jobOf = async (id: string) =>
      (await s.app.inject({ method: 'GET', url: `/api/jobs/${id}`, headers: op })).json();
    const requeued = await until(
      () => jobOf(first.id),
      (j) => j.state === 'queued',
      15_000,
    );
    expect(Date.now() - seen).toBeGreaterThanOrEqual(5900);
    expect(requeued).toMatchObject({ attempt: 2, leasedAt: null, leaseDeadline: null });
    expect(requeued.message).toMatch(/^re-queued: agent "back" lost: no heartbeat for \d+ s/);
    expect(Date.parse(requeued.requeueUntil)).toBe(first.startAt + 16_000);
    // `gone` leased (a beat) a moment after `back`, so it may go offline one sweep later.
    expect(
      (
        await until(
          () => jobOf(goneJob.id),
          (j) => j.state === 'queued',
          5000,
        )
      ).state,
    ).toBe('queued');
    expect((await getRun(run.id)).state).toBe('running');

    // The agent comes back: the same job, a fresh start in the near future, a new lease deadline.
    const again = await lease(back);
    const leasedAt = Date.now();
    expect(again.id).toBe(first.id);
    expect(again.startAt).toBeGreaterThan(first.startAt);
    expect(again.startAt).toBeGreaterThanOrEqual(leasedAt - 1000);
    expect(again.leaseDeadline).toBeGreaterThan(again.startAt + 1000);
    await back.upload(again.id, [
      { kind: 'final', data: { ok: true, message: 'received 100', summary: { received: 100 } } },
    ]);

    const done = await until(
      () => getRun(run.id),
      (r) => r.state !== 'running' && r.state !== 'queued',
      20_000,
    );
    const byParticipant = Object.fromEntries(
      done.result.jobs.map((j: { participant: string }) => [j.participant, j]),
    );
    expect(byParticipant['back (receiver)']).toMatchObject({
      state: 'done',
      attempt: 2,
      message: 'received 100',
    });
    expect(byParticipant['gone (receiver)']).toMatchObject({
      state: 'failed',
      attempt: 2,
      message: 'the agent did not lease the job within its re-queue window (requeueWithinMs after the start)',
    });
    expect(Date.now()).toBeGreaterThanOrEqual(first.startAt + 16_000);
    expect(done).toMatchObject({ state: 'failed' });
    // The first attempt's results stay stored beside the second's.
    const results = (
      await s.app.inject({ method: 'GET', url: `/api/jobs/${first.id}/results`, headers: op })
    ).json();
    expect(results.map((r: { kind: string }) => r.kind)).toEqual(['step', 'final']);
  }, 45_000);

  it('without requeueOnAgentLoss the arguments default to failing, and a bad window is refused at the field', async () => {
    const bad = await s.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: op,
      payload: {
        name: 'rq',
        kind: 'load',
        args: loadArgs({ requeueOnAgentLoss: true, requeueWithinMs: 10 }),
      },
    });
    expect(bad.json()).toMatchObject({ error: 'bad_request', field: 'args.requeueWithinMs' });
    // Documented with the kinds' argument schemas (and the job fields in the OpenAPI document).
    const kinds = (await s.app.inject({ method: 'GET', url: '/api/task-kinds', headers: op })).json();
    for (const kind of ['load', 'sequence']) {
      const props = kinds.find((k: { kind: string }) => k.kind === kind).argsSchema.properties;
      expect(props.requeueOnAgentLoss, kind).toMatchObject({
        type: 'boolean',
        default: false,
        description: expect.stringMatching(/queue the job again/),
      });
      expect(props.requeueWithinMs, kind).toMatchObject({ type: 'integer', default: 600_000 });
    }
    const openapi = (await s.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const jobSchema = openapi.paths['/api/jobs/{id}'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(jobSchema.properties)).toEqual(expect.arrayContaining(['attempt', 'requeueUntil']));
    const run = await runLoad(loadArgs());
    // The runner makes the jobs after the run is queued (later on PostgreSQL than on PGlite).
    const jobs = await until(
      () => jobsOf(run.id),
      (j) => j.length === 2,
    );
    expect(
      jobs.map((j: { requeueUntil: string | null; attempt: number }) => [j.requeueUntil, j.attempt]),
    ).toEqual([
      [null, 1],
      [null, 1],
    ]);
    await s.app.inject({ method: 'POST', url: `/api/runs/${run.id}/cancel`, headers: op });
  });
});
