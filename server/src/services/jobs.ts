// Jobs (one agent's share of a run) for people: listing, the results agents uploaded, cancelling.
import { PlanSchema } from '@netspotter/shared/agent-protocol';
import type { Job as JobOut, StoredResult } from '@netspotter/shared/api';
import type { Database } from '../db/connect.ts';
import type { Job, JobAttempt, JobResult, JobState } from '../db/generated/client.ts';
import { readJson } from '../db/json-column.ts';
import { conflict, notFound } from '../domain-errors.ts';
import { ACTIVE, endJobs } from '../agents/jobs.ts';
import { audited, type Actor } from './audit.ts';

type JobWithAttempts = Job & { attempts: JobAttempt[] };

const iso = (d: Date | null) => d?.toISOString() ?? null;
const withAttempts = { attempts: { orderBy: { attempt: 'asc' } } } as const;

export const toPublicJob = (j: JobWithAttempts): JobOut => ({
  id: j.id,
  runId: j.runId,
  agentId: j.agentId,
  participant: j.participant,
  state: j.state,
  plan: readJson(PlanSchema, j.plan, 'job.plan'),
  startAt: j.startAt.toISOString(),
  leaseDeadline: iso(j.leaseDeadline),
  leasedAt: iso(j.leasedAt),
  finishedAt: iso(j.finishedAt),
  message: j.message,
  outcome: j.outcome,
  clockOffsetMs: j.clockOffsetMs,
  engine: j.engine,
  attempt: j.attempt,
  requeueUntil: iso(j.requeueUntil),
  attempts: j.attempts.map((a) => ({
    attempt: a.attempt,
    leasedAt: a.leasedAt.toISOString(),
    startAt: a.startAt.toISOString(),
    lostAt: iso(a.lostAt),
    lostReason: a.lostReason,
  })),
});

const toPublicResult = (r: JobResult): StoredResult => ({
  id: r.id,
  kind: r.kind,
  at: r.at.toISOString(),
  data: r.data,
  receivedAt: r.receivedAt.toISOString(),
  attempt: r.attempt,
});

/** Jobs, newest first. */
export const listJobs = (
  db: Database,
  q: { runId?: string; agentId?: string; state?: JobState; limit?: number },
): Promise<JobWithAttempts[]> =>
  db.prisma.job.findMany({
    where: {
      ...(q.runId && { runId: q.runId }),
      ...(q.agentId && { agentId: q.agentId }),
      ...(q.state && { state: q.state }),
    },
    orderBy: { createdAt: 'desc' },
    take: q.limit ?? 100,
    include: withAttempts,
  });

export async function findJob(db: Database, id: string): Promise<JobWithAttempts> {
  const j = await db.prisma.job.findUnique({ where: { id }, include: withAttempts });
  if (!j) throw notFound('job');
  return j;
}

/** Its results (every attempt, each naming its own), in agent time order. */
export async function jobResults(db: Database, id: string, q: { kind?: string; attempt?: number }) {
  const job = await findJob(db, id);
  const rows = await db.prisma.jobResult.findMany({
    where: { jobId: job.id, ...(q.kind && { kind: q.kind }), ...(q.attempt && { attempt: q.attempt }) },
    orderBy: [{ at: 'asc' }, { receivedAt: 'asc' }],
  });
  return rows.map(toPublicResult);
}

/** Cancels an active job; its agent stops it at the next beat. */
export async function cancelJob(db: Database, by: Actor, id: string): Promise<JobWithAttempts> {
  const job = await findJob(db, id);
  if (!ACTIVE.includes(job.state)) throw conflict('state', `job already ${job.state}`);
  await audited(db, by, async (tx, audit) => {
    await endJobs({ prisma: tx }, { id: job.id }, 'cancelled', `cancelled by ${by.username}`);
    await audit('cancel', 'job', job.id);
  });
  return findJob(db, job.id);
}
