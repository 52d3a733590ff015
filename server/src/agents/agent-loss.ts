// What happens to a job whose agent is lost mid-run (task arguments of the kinds that run on agents):
// by default it fails with the reason; with requeueOnAgentLoss it goes back to the queue and the agent,
// when it returns within the window, runs the plan afresh (a new attempt with its own start time).
import type { LoadArgs } from '@netspotter/shared/api';

/** The task arguments that set it (AgentLossArgs of @netspotter/shared/api). */
export type AgentLossPolicy = Pick<LoadArgs, 'requeueOnAgentLoss' | 'requeueWithinMs'>;

/** The end of the re-queue window of a run starting at `startAt`, or null when its jobs fail on loss. */
export function requeueUntil(policy: AgentLossPolicy, startAt: Date): Date | null {
  return policy.requeueOnAgentLoss ? new Date(startAt.getTime() + policy.requeueWithinMs) : null;
}
