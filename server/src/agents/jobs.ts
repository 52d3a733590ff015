// Jobs: one agent's share of a run. Dispatch, leasing (long-poll), idempotent result upload,
// barriers between the participants of a run, and waiting for a run's jobs to finish.
import {
  PlanSchema,
  planDurationMs,
  type JobLease,
  type JobResult,
  type Plan,
} from '@netspotter/shared/agent-protocol';
import { FinalResultSchema, type FinalResult } from '@netspotter/shared/results';
import { Compile } from 'typebox/compile';
import type { Database } from '../db/connect.ts';
import { batchesInFlight, GroupCommit, keyedLookup, perDatabase } from '../db/group-commit.ts';
import { readJson, toJson } from '../db/json-column.ts';
import type { Job, JobState, Prisma } from '../db/generated/client.ts';
import { DomainError } from '../domain-errors.ts';
import { stableId } from '../jobs/ids.ts';
import { utcColumn } from '../db/sql-client.ts';
import type { Tx } from '../services/audit.ts';
import { attemptAt } from './result-attempt.ts';
import { Wakeups } from './wakeups.ts';
import { writeResults, type JobMove } from './result-writes.ts';
import { parkedLeases } from './parked-leases.ts';
import { longPollEnd } from './long-poll-end.ts';

/** Long-polls of this process wait here: keys are agent ids (new job) and `run:<id>` (barriers, job ends). */
export const wakeups = new Wakeups();

export const ACTIVE: JobState[] = ['queued', 'leased', 'running'];
export const FINISHED: JobState[] = ['done', 'failed', 'expired', 'cancelled'];
/** Slack after the planned end before a lease expires: uploads, clock error, a slow host. */
export const LEASE_GRACE_MS = 15_000;
const RECHECK_MS = 1000;
/** Lead time of a re-queued job's new start: the agent takes its clock offset and opens its handles. */
export const RESTART_DELAY_MS = 2000;

export interface PlannedJob {
  agentId: string;
  participant: string;
  plan: Plan;
}

/** Time a job's plan ends (start + duration + grace): past it, a lease without a final result expires. */
const deadlineOf = (plan: Plan, startAt: Date) =>
  new Date(startAt.getTime() + planDurationMs(plan) + LEASE_GRACE_MS);

/** Dispatches one job per planned agent; `requeueUntil` (or null) is the re-queue window on agent loss. */
export async function dispatchJobs(
  db: Database,
  runId: string,
  jobs: PlannedJob[],
  startAt: Date,
  requeueUntil: Date | null = null,
): Promise<Job[]> {
  const created: Job[] = [];
  for (const j of jobs) {
    created.push(
      await db.prisma.job.create({
        data: {
          runId,
          agentId: j.agentId,
          participant: j.participant,
          plan: toJson(j.plan),
          startAt,
          leaseDeadline: deadlineOf(j.plan, startAt),
          requeueUntil,
        },
      }),
    );
    wakeups.notify(j.agentId);
  }
  return created;
}

/** What uploads and barrier arrivals need of their job: not its plan, the bulk of the row. */
export type JobHead = Pick<Job, 'id' | 'agentId' | 'runId' | 'attempt' | 'state'>;

/** Jobs named by the uploads and barrier arrivals under way, read together (a sequence's end on 200 agents). */
const jobsById = keyedLookup(
  // SQL of our own: Prisma's query building and row mapping cost the event loop more than the rest of the lookup.
  (db, ids: string[]) =>
    db.pool.query<JobHead>(
      `SELECT id, agent_id AS "agentId", run_id AS "runId", attempt, state FROM jobs WHERE id = ANY($1::text[])`,
      [ids],
    ),
  (j) => j.id,
);

/**
 * A job of this agent, or a 404 (another agent’s job id gets the answer a made-up one gets). The agent may
 * still be being authenticated: the job is read meanwhile, and checked against the agent once both are in.
 */
export async function findAgentJob(
  db: Database,
  agent: string | Promise<{ id: string }>,
  jobId: string,
): Promise<JobHead> {
  const [job, agentId] = await Promise.all([
    jobsById(db).submit(jobId),
    typeof agent === 'string' ? agent : agent.then((a) => a.id),
  ]);
  if (!job || job.agentId !== agentId) throw new DomainError('not_found', 'no such job for this agent');
  return job;
}

/** Jobs to stop for the beats that arrive while a lookup is under way, read together. */
const stoppedJobs = perDatabase(
  (db: Database) =>
    new GroupCommit<{ agentId: string; since: Date }, string[]>(async (asks) => {
      // SQL of our own, as jobsById: every beat asks. The ISO text compared with finished_at is UTC, as it is.
      const rows = await db.pool.query<{ id: string; agentId: string; finishedAt: Date }>(
        `SELECT id, agent_id AS "agentId", ${utcColumn('finished_at', 'finishedAt')} FROM jobs
         WHERE agent_id = ANY($1::text[]) AND state IN ('cancelled', 'failed', 'expired')
           AND finished_at > $2::timestamp(3)`,
        [
          [...new Set(asks.map((a) => a.agentId))],
          new Date(Math.min(...asks.map((a) => a.since.getTime()))).toISOString(),
        ],
      );
      const byAgent = new Map<string, typeof rows>();
      for (const j of rows) byAgent.set(j.agentId, [...(byAgent.get(j.agentId) ?? []), j]);
      return asks.map((a) =>
        (byAgent.get(a.agentId) ?? []).filter((j) => j.finishedAt > a.since).map((j) => j.id),
      );
    }, batchesInFlight(db)),
);

/** The agent's jobs cancelled, failed or expired on the server since `since`: it should stop them. */
export function jobsToStop(db: Database, agentId: string, since: Date): Promise<string[]> {
  return stoppedJobs(db).submit({ agentId, since });
}

export function toLease(job: Job): JobLease {
  return {
    id: job.id,
    runId: job.runId,
    participant: job.participant,
    attempt: job.attempt,
    plan: readJson(PlanSchema, job.plan, 'job.plan'),
    startAt: job.startAt.getTime(),
    leaseDeadline: job.leaseDeadline!.getTime(),
  };
}

/**
 * Each asking agent's next job (queued, or leased and not yet started), for the lease polls that arrive
 * while a lookup is under way, read together: 1,000 agents renew their polls within seconds of each other.
 */
const leaseCandidates = keyedLookup(
  (db, agentIds: string[]) =>
    db.prisma.job.findMany({
      where: { agentId: { in: agentIds }, state: { in: ['queued', 'leased'] } },
      orderBy: [{ startAt: 'asc' }, { createdAt: 'asc' }],
    }),
  (j) => j.agentId,
);

/**
 * Leases the agent's next job, waiting up to `waitMs` for one. A job already leased to this agent but
 * not yet started is handed out again, so a lease answer lost on the way costs nothing (the agent
 * ignores job ids it already runs).
 */
export async function leaseJob(
  db: Database,
  agentId: string,
  waitMs: number,
  signal: AbortSignal,
): Promise<Job | null> {
  const { prisma } = db;
  const end = longPollEnd(waitMs);
  for (;;) {
    // The agent hung up (or the server is closing, its pool about to end): no lookup for nobody.
    if (signal.aborted) return null;
    const candidate = await leaseCandidates(db).submit(agentId);
    if (candidate) {
      if (candidate.state === 'leased') return candidate;
      const now = Date.now();
      // A re-queued job (or a re-queueable one whose agent came back after its start) starts afresh shortly after its lease.
      const restart = candidate.requeueUntil && (candidate.attempt > 1 || candidate.startAt.getTime() < now);
      const startAt = restart ? new Date(now + RESTART_DELAY_MS) : candidate.startAt;
      const claimed = await prisma.job.updateMany({
        where: { id: candidate.id, state: 'queued', attempt: candidate.attempt },
        data: {
          state: 'leased',
          leasedAt: new Date(now),
          startAt,
          leaseDeadline: deadlineOf(readJson(PlanSchema, candidate.plan, 'job.plan'), startAt),
        },
      });
      if (claimed.count !== 1) continue;
      // The attempt's lease time is what later uploads are attributed by (result-attempt.ts).
      await prisma.jobAttempt.createMany({
        data: [{ jobId: candidate.id, attempt: candidate.attempt, leasedAt: new Date(now), startAt }],
        skipDuplicates: true,
      });
      return prisma.job.findUniqueOrThrow({ where: { id: candidate.id } });
    }
    const left = end - Date.now();
    if (left <= 0) return null;
    await parkedLeases(db, wakeups, RECHECK_MS).wait(agentId, left, signal);
  }
}

/**
 * The attempts of `job` that results belong to: the one the agent names (it has leased that attempt), else,
 * for agents older than attempts in the protocol, the one leased before the result's time (server clock).
 */
async function attemptOf(
  db: Database,
  job: JobHead,
  results: { attempt?: number | undefined; atMs: number }[],
): Promise<number[]> {
  results.forEach((r, i) => {
    if (r.attempt !== undefined && r.attempt > job.attempt)
      throw new DomainError(
        'bad_request',
        `results[${i}].attempt: job has no attempt ${r.attempt} (latest ${job.attempt})`,
        `results[${i}].attempt`,
      );
  });
  const leases = results.every((r) => r.attempt !== undefined)
    ? []
    : await db.prisma.jobAttempt.findMany({
        where: { jobId: job.id },
        select: { attempt: true, leasedAt: true },
      });
  return results.map((r) => r.attempt ?? attemptAt(leases, r.atMs, job.attempt));
}

/**
 * A final result's shape, checked compiled: the interpreted `Value.Check` took ~0.1 ms a result, 20 ms of the
 * event loop when 200 agents end a sequence at once.
 */
const finalShape = Compile(FinalResultSchema);

/**
 * Stores results, each tagged with the attempt it belongs to; ids already stored are counted as
 * duplicates and left alone (replays). Only results of the current attempt, while its lease is held,
 * move the job on: a late replay from an attempt whose agent was lost stays stored under that attempt.
 * `clockOffsetMs` (server − agent clock) turns the agent's timestamps into server time.
 */
export async function storeResults(db: Database, job: JobHead, results: JobResult[], clockOffsetMs = 0) {
  const ids = results.map((r) => r.id);
  if (new Set(ids).size !== ids.length)
    throw new DomainError('bad_request', 'results: duplicate ids in one upload', 'results');
  const attempts = await attemptOf(
    db,
    job,
    results.map((r) => ({ attempt: r.attempt, atMs: r.at + clockOffsetMs })),
  );
  let state = job.state;
  const held = state === 'leased' || state === 'running';
  const current = held ? results.filter((_, i) => attempts[i] === job.attempt) : [];
  const final = current.find((r) => r.kind === 'final' && finalShape.Check(r.data));
  let move: JobMove | undefined;
  if (final) {
    const f = final.data as FinalResult;
    state = f.ok ? 'done' : 'failed';
    move = {
      state,
      message: f.message.slice(0, 2000),
      finalId: final.id,
      ...(f.clockOffsetMs !== undefined && { clockOffsetMs: f.clockOffsetMs }),
      ...(f.engine !== undefined && { engine: f.engine.slice(0, 32) }),
    };
  } else if (state === 'leased' && current.length) {
    state = 'running';
    move = { state };
  }
  const stored = await writeResults(db, {
    jobId: job.id,
    attempt: job.attempt,
    rows: results.map((r, i) => ({
      id: r.id,
      kind: r.kind,
      at: new Date(r.at),
      data: r.data,
      attempt: attempts[i]!,
    })),
    ...(move && { move }),
  });
  wakeups.notify(`run:${job.runId}`);
  return { stored, duplicates: results.length - stored, jobState: state };
}

/** A barrier arrival's result id: derived from job, barrier and attempt, so arriving twice is one arrival. */
const arrivalId = (jobId: string, name: string, attempt: number): string =>
  stableId(jobId, name, String(attempt));

/** Records this job at the barrier and waits until every job of the run has arrived (or `waitMs`). */
export async function barrier(
  db: Database,
  job: JobHead,
  name: string,
  waitMs: number,
  signal: AbortSignal,
  claimed?: number,
) {
  const { prisma } = db;
  const at = new Date();
  const [attempt] = await attemptOf(db, job, [{ attempt: claimed, atMs: at.getTime() }]);
  await prisma.jobResult.createMany({
    data: [
      {
        id: arrivalId(job.id, name, attempt!),
        jobId: job.id,
        kind: 'barrier',
        at,
        data: { name },
        attempt: attempt!,
      },
    ],
    skipDuplicates: true,
  });
  wakeups.notify(`run:${job.runId}`);
  const of = await prisma.job.count({ where: { runId: job.runId } });
  const end = Date.now() + waitMs;
  for (;;) {
    // Jobs, not arrivals: a re-queued job's attempts each arrive once.
    const arrived = (
      await prisma.jobResult.findMany({
        where: { kind: 'barrier', data: { path: ['name'], equals: name }, job: { runId: job.runId } },
        distinct: ['jobId'],
        select: { jobId: true },
      })
    ).length;
    if (arrived >= of || Date.now() >= end || signal.aborted) return { passed: arrived >= of, arrived, of };
    await wakeups.wait(`run:${job.runId}`, Math.min(end - Date.now(), RECHECK_MS), signal);
  }
}

/** Ends the active jobs matching `where` with a state and a reason; wakes the runs they belong to. */
export async function endJobs(
  db: { prisma: Tx },
  where: Prisma.JobWhereInput,
  state: JobState,
  message: string,
): Promise<number> {
  const { prisma } = db;
  const jobs = await prisma.job.findMany({
    where: { AND: [where, { state: { in: ACTIVE } }] },
    select: { id: true, runId: true },
  });
  if (!jobs.length) return 0;
  // The same condition again: a job leased meanwhile no longer matches `queued` and stays with its agent.
  const r = await prisma.job.updateMany({
    where: { id: { in: jobs.map((j) => j.id) }, AND: [where, { state: { in: ACTIVE } }] },
    data: { state, message, finishedAt: new Date() },
  });
  for (const runId of new Set(jobs.map((j) => j.runId))) wakeups.notify(`run:${runId}`);
  return r.count;
}

/**
 * A lost agent's jobs: those inside their re-queue window go back to the queue (a leased or running one
 * starts a new attempt; a queued one keeps waiting), every other active one fails with the reason.
 */
export async function handleLostAgent(
  db: { prisma: Tx },
  agentId: string,
  reason: string,
  now: Date,
): Promise<{ requeued: number; failed: number }> {
  const { prisma } = db;
  await prisma.jobAttempt.updateMany({
    where: { lostAt: null, job: { agentId, state: { in: ['leased', 'running'] } } },
    data: { lostAt: now, lostReason: reason.slice(0, 2000) },
  });
  const lost = await prisma.job.findMany({
    where: { agentId, state: { in: ['leased', 'running'] }, requeueUntil: { gt: now } },
    select: { id: true, runId: true },
  });
  const requeued = await prisma.job.updateMany({
    where: { id: { in: lost.map((j) => j.id) }, state: { in: ['leased', 'running'] } },
    data: {
      state: 'queued',
      leasedAt: null,
      leaseDeadline: null,
      attempt: { increment: 1 },
      message: `re-queued: ${reason}`.slice(0, 2000),
    },
  });
  for (const runId of new Set(lost.map((j) => j.runId))) wakeups.notify(`run:${runId}`);
  const failed = await endJobs(
    db,
    { agentId, OR: [{ requeueUntil: null }, { requeueUntil: { lte: now } }] },
    'failed',
    reason,
  );
  return { requeued: requeued.count, failed };
}

/** Waits until every job of the run has finished; on abort, cancels the ones still active. */
export async function waitForJobs(db: Database, runId: string, signal: AbortSignal): Promise<Job[]> {
  const { prisma } = db;
  for (;;) {
    if (signal.aborted) {
      await endJobs(db, { runId }, 'cancelled', 'run cancelled');
      throw signal.reason;
    }
    const active = await prisma.job.count({ where: { runId, state: { in: ACTIVE } } });
    if (active === 0) return prisma.job.findMany({ where: { runId }, orderBy: { participant: 'asc' } });
    await wakeups.wait(`run:${runId}`, RECHECK_MS, signal);
  }
}
