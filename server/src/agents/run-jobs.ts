// Runs a task whose work is done by agents: dispatch one job per participant with a synchronised start,
// wait for every job to finish (or fail: lost agent unless re-queued, expired lease), and sum up the run.
import { JobSummarySchema, type AgentRunResult, type FinishedJob } from '@netspotter/shared/results';
import { readJson, toJson } from '../db/json-column.ts';
import type { RunContext, RunOutcome } from '../tasks/kind.ts';
import { requeueUntil, type AgentLossPolicy } from './agent-loss.ts';
import { dispatchJobs, waitForJobs, type PlannedJob } from './jobs.ts';

/** `summarise` adds the kind's own figures, from the finished jobs and the start, to the run's result. */
export async function runAgentJobs(
  rc: RunContext,
  planned: PlannedJob[],
  args: { startDelayMs: number } & AgentLossPolicy,
  summarise: (
    done: FinishedJob[],
    startAt: Date,
  ) =>
    | Pick<AgentRunResult, 'load' | 'convergence'>
    | Promise<Pick<AgentRunResult, 'load' | 'convergence'>> = () => ({}),
): Promise<RunOutcome> {
  const startAt = new Date(Date.now() + args.startDelayMs);
  const jobs = await dispatchJobs(rc.db, rc.runId, planned, startAt, requeueUntil(args, startAt));
  await rc.progress({ jobs: jobs.length, startAt: startAt.toISOString() });
  const done = await waitForJobs(rc.db, rc.runId, rc.signal);
  const failed = done.filter((j) => j.state !== 'done');
  const finished: FinishedJob[] = done.map((j) => ({
    id: j.id,
    participant: j.participant,
    agentId: j.agentId,
    state: j.state,
    attempt: j.attempt,
    message: j.message,
    clockOffsetMs: j.clockOffsetMs,
    engine: j.engine,
    outcome: j.outcome === null ? null : readJson(JobSummarySchema, j.outcome, 'job.outcome'),
  }));
  const result = toJson({
    startAt: startAt.toISOString(),
    jobs: finished,
    ...(await summarise(finished, startAt)),
  } satisfies AgentRunResult);
  return failed.length
    ? {
        ok: false,
        message: failed.map((j) => `${j.participant}: ${j.message ?? j.state}`).join('; '),
        result,
      }
    : { ok: true, message: `${done.length} job${done.length === 1 ? '' : 's'} done`, result };
}
