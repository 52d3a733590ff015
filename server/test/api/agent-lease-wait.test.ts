// A job its agent has not leased by its start time fails — unless a request of that agent is waiting in
// the server (its lease poll queued behind a busy database or event loop): that wait is the server's.
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beatArrivals } from '../../src/agents/beat-arrivals.ts';
import { dispatchJobs } from '../../src/agents/jobs.ts';
import { Sweeper } from '../../src/agents/sweeper.ts';
import { hashSecret } from '../../src/security/tokens.ts';
import { enrolAgent } from '../support/agent-calls.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('unleased jobs and requests waiting in the server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ agentPlaintext: true });
  });
  afterAll(() => s?.destroy());

  it('keeps a job queued while its agent has a request in the server, and fails it after', async () => {
    const a = await enrolAgent(s, 'queued-behind');
    const { prisma } = s.ctx.db;
    const task = await prisma.task.create({ data: { name: 'late lease', kind: 'noop', createdBy: 'admin' } });
    const run = await prisma.taskRun.create({
      data: { taskId: task.id, trigger: 'manual', state: 'running' },
    });
    const plan = { kind: 'sequence' as const, templates: [], steps: [] };
    // Its start long past: the grace for leasing it is over.
    const [job] = await dispatchJobs(
      s.ctx.db,
      run.id,
      [{ agentId: a.id, participant: a.name, plan }],
      new Date(Date.now() - 60_000),
    );
    // A request of the agent arrived and is still being handled (as a lease poll waiting for the database).
    const req = { headers: { authorization: `Agent ${a.key}` } } as FastifyRequest;
    beatArrivals.arrive(req);
    beatArrivals.authenticated(req, hashSecret(a.key), a.id);
    const sweeper = new Sweeper(s.ctx.db, s.config, s.app.log);
    try {
      await sweeper.sweep();
      expect((await prisma.job.findUniqueOrThrow({ where: { id: job!.id } })).state).toBe('queued');
    } finally {
      beatArrivals.done(req);
    }
    await sweeper.sweep();
    expect(await prisma.job.findUniqueOrThrow({ where: { id: job!.id } })).toMatchObject({
      state: 'failed',
      message: 'the agent did not lease the job by its start time',
    });
  });
});
