// Results and their jobs: the database checks each statement's jobs once (triggers, not a per-row foreign
// key) and must keep every guarantee the key gave — no result for a missing job, deletes and id changes
// cascade, and on PostgreSQL a job cannot be deleted under results being written.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeResults, type ResultUpload } from '../../src/agents/result-writes.ts';
import { fromDatabaseError } from '../../src/http/db-errors.ts';
import { enrolAgent } from '../support/agent-calls.ts';
import { postgresOnly } from '../support/test-database.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const upload = (jobId: string, tag: string): ResultUpload => ({
  jobId,
  attempt: 1,
  rows: [0, 1, 2].map((n) => ({
    id: `${tag}-${n}`,
    kind: 'step',
    at: new Date(),
    data: { step: n },
    attempt: 1,
  })),
});

describe('results and their jobs', () => {
  let s: TestServer;
  let agentId: string;
  let taskId: string;
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
    agentId = (await enrolAgent(s, 'results-jobs')).id;
    taskId = (
      await s.ctx.db.prisma.task.create({ data: { name: 'results', kind: 'noop', createdBy: 'admin' } })
    ).id;
  });
  afterAll(() => s?.destroy());

  const newJob = async (runId?: string) => {
    const { prisma } = s.ctx.db;
    const run =
      runId ?? (await prisma.taskRun.create({ data: { taskId, trigger: 'manual', state: 'running' } })).id;
    return prisma.job.create({
      data: { runId: run, agentId, participant: 'p', plan: {}, startAt: new Date(), state: 'leased' },
    });
  };
  const resultsOf = (jobId: string) => s.ctx.db.prisma.jobResult.count({ where: { jobId } });

  it('refuses results for a job that does not exist, alone: the rest of their batch is stored', async () => {
    const job = await newJob();
    // Submitted in one turn: they go to the database as one statement, which fails as a whole.
    const [good, bad] = await Promise.allSettled([
      writeResults(s.ctx.db, upload(job.id, 'kept')),
      writeResults(s.ctx.db, upload('no-such-job', 'refused')),
    ]);
    expect(good).toEqual({ status: 'fulfilled', value: 3 });
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason).toMatchObject({
      code: '23503',
      constraint: 'job_results_job_id_fkey',
    });
    expect(await resultsOf(job.id)).toBe(3);
    expect(await s.ctx.db.prisma.jobResult.count({ where: { id: { startsWith: 'refused-' } } })).toBe(0);
  });

  it('answers a result written through Prisma for a missing job as a conflict on jobId', async () => {
    const err = await s.ctx.db.prisma.jobResult
      .create({ data: { id: 'orphan', jobId: 'no-such-job', kind: 'step', at: new Date(), data: {} } })
      .catch((e: unknown) => e);
    expect(fromDatabaseError(err)).toMatchObject({ status: 409, code: 'conflict', field: 'jobId' });
    expect(await s.ctx.db.prisma.jobResult.count({ where: { id: 'orphan' } })).toBe(0);
  });

  it('deletes the results of deleted jobs, and only theirs', async () => {
    const { prisma } = s.ctx.db;
    const [a, b] = [await newJob(), await newJob()];
    const c = await newJob(a.runId);
    for (const [job, tag] of [
      [a, 'del-a'],
      [b, 'del-b'],
      [c, 'del-c'],
    ] as const)
      await writeResults(s.ctx.db, upload(job.id, tag));
    await prisma.taskRun.delete({ where: { id: a.runId } }); // cascades to jobs a and c
    expect([await resultsOf(a.id), await resultsOf(c.id), await resultsOf(b.id)]).toEqual([0, 0, 3]);
    await prisma.job.delete({ where: { id: b.id } });
    expect(await resultsOf(b.id)).toBe(0);
  });

  it('moves the results of a job whose id changes', async () => {
    const job = await newJob();
    await writeResults(s.ctx.db, upload(job.id, 'moved'));
    await s.ctx.db.prisma.job.update({ where: { id: job.id }, data: { id: `${job.id}-renamed` } });
    expect([await resultsOf(job.id), await resultsOf(`${job.id}-renamed`)]).toEqual([0, 3]);
  });
});

// Two sessions at once: PGlite is one session, so these run in the PostgreSQL pass of .ci/run.
const reason = postgresOnly('results and concurrent job deletes');

describe.skipIf(reason)('results and concurrent job deletes (PostgreSQL)', () => {
  let s: TestServer;
  let writer: pg.Client;
  let deleter: pg.Client;
  let newJob: () => Promise<string>;
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
    const agent = await enrolAgent(s, 'concurrent');
    const { prisma } = s.ctx.db;
    const task = await prisma.task.create({ data: { name: 'concurrent', kind: 'noop', createdBy: 'admin' } });
    const run = await prisma.taskRun.create({
      data: { taskId: task.id, trigger: 'manual', state: 'running' },
    });
    newJob = async () =>
      (
        await prisma.job.create({
          data: { runId: run.id, agentId: agent.id, participant: 'p', plan: {}, startAt: new Date() },
        })
      ).id;
    writer = new pg.Client({ connectionString: s.database.databaseUrl });
    deleter = new pg.Client({ connectionString: s.database.databaseUrl });
    await Promise.all([writer.connect(), deleter.connect()]);
    await deleter.query(`SET lock_timeout = '20s'`);
  });
  afterAll(async () => {
    await Promise.allSettled([writer?.end(), deleter?.end()]);
    await s?.destroy();
  });

  const insert = (c: pg.Client, id: string, job: string) =>
    c.query(`INSERT INTO job_results (id, job_id, kind, at, data) VALUES ($1, $2, 'step', now(), '{}')`, [
      id,
      job,
    ]);
  /** Whether a promise is still pending after the other session had time to go past its lock. */
  const stillWaiting = async (p: Promise<unknown>) => {
    let settled = false;
    void p.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((r) => setTimeout(r, 300));
    return !settled;
  };

  it('holds a job being written to until the write commits; its delete then takes the new results too', async () => {
    const jobId = await newJob();
    await writer.query('BEGIN');
    await insert(writer, 'held-1', jobId);
    const deleted = deleter.query('DELETE FROM jobs WHERE id = $1', [jobId]);
    expect(await stillWaiting(deleted)).toBe(true);
    await writer.query('COMMIT');
    expect((await deleted).rowCount).toBe(1);
    const left = await writer.query(`SELECT count(*)::int AS n FROM job_results WHERE job_id = $1`, [jobId]);
    expect(left.rows[0].n).toBe(0);
  });

  it('fails results for a job whose delete commits while they wait for it', async () => {
    const jobId = await newJob();
    await deleter.query('BEGIN');
    await deleter.query('DELETE FROM jobs WHERE id = $1', [jobId]);
    const written = insert(writer, 'late-1', jobId);
    expect(await stillWaiting(written)).toBe(true);
    await deleter.query('COMMIT');
    await expect(written).rejects.toMatchObject({ code: '23503' });
    const left = await writer.query(`SELECT count(*)::int AS n FROM job_results WHERE id = 'late-1'`);
    expect(left.rows[0].n).toBe(0);
  });
});
