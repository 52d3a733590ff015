// What happens to a job whose agent is lost mid-run (a task argument of the kinds that run on agents):
// by default it fails with the reason; with requeueOnAgentLoss it goes back to the queue and the agent,
// when it returns within the window, runs the plan afresh (a new attempt with its own start time).
import { Type } from 'typebox';
import { OFFLINE_AFTER_BEATS } from './liveness.ts';

export const AgentLossArgs = {
  requeueOnAgentLoss: Type.Boolean({
    default: false,
    description:
      `When an agent is lost (offline after ${OFFLINE_AFTER_BEATS} missed heartbeats) while it holds a job, queue the job again for that ` +
      'agent instead of failing it; the agent runs the plan afresh when it returns. Results of the earlier ' +
      'attempt stay stored, each tagged with its attempt; summaries use the current attempt.',
  }),
  requeueWithinMs: Type.Integer({
    minimum: 1000,
    maximum: 24 * 3600_000,
    default: 600_000,
    description:
      'With requeueOnAgentLoss: a job not leased (again) within this many ms of the run start fails.',
  }),
};

export interface AgentLossPolicy {
  requeueOnAgentLoss: boolean;
  requeueWithinMs: number;
}

/** The end of the re-queue window of a run starting at `startAt`, or null when its jobs fail on loss. */
export function requeueUntil(policy: AgentLossPolicy, startAt: Date): Date | null {
  return policy.requeueOnAgentLoss ? new Date(startAt.getTime() + policy.requeueWithinMs) : null;
}
