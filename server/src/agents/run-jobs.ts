// Runs a task whose work is done by agents: dispatch one job per participant with a synchronised start,
// wait for every job to finish (or fail: lost agent unless re-queued, expired lease), and sum up the run.
import type { Prisma } from '../db/generated/client.ts';
import type { RunContext, RunOutcome } from '../tasks/kind.ts';
import { requeueUntil, type AgentLossPolicy } from './agent-loss.ts';
import { dispatchJobs, waitForJobs, type PlannedJob } from './jobs.ts';

export async function runAgentJobs(
  rc: RunContext,
  planned: PlannedJob[],
  args: { startDelayMs: number } & AgentLossPolicy,
): Promise<RunOutcome> {
  const startAt = new Date(Date.now() + args.startDelayMs);
  const jobs = await dispatchJobs(rc.db, rc.runId, planned, startAt, requeueUntil(args, startAt));
  await rc.progress({ jobs: jobs.length, startAt: startAt.toISOString() });
  const done = await waitForJobs(rc.db, rc.runId, rc.signal);
  const failed = done.filter((j) => j.state !== 'done');
  const result = {
    startAt: startAt.toISOString(),
    jobs: done.map((j) => ({
      id: j.id,
      participant: j.participant,
      agentId: j.agentId,
      state: j.state,
      attempt: j.attempt,
      message: j.message,
      clockOffsetMs: j.clockOffsetMs,
      engine: j.engine,
      outcome: j.outcome,
    })),
  } as Prisma.InputJsonValue;
  return failed.length
    ? {
        ok: false,
        message: failed.map((j) => `${j.participant}: ${j.message ?? j.state}`).join('; '),
        result,
      }
    : { ok: true, message: `${done.length} job${done.length === 1 ? '' : 's'} done`, result };
}
