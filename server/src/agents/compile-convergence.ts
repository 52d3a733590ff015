// A convergence task into per-agent plans (pure): senders stream at a fixed rate, receivers join (before
// the start, or mid-run) and report their sequence gaps. Errors name the argument at fault.
import type { ConvergenceArgs } from '@netspotter/shared/api';
import { badRequest } from '../domain-errors.ts';
import type { PlannedJob } from './jobs.ts';
import { compileStreams } from './compile-load.ts';
import type { AgentInfo } from './participants.ts';

/** How long receivers keep listening past the stream's end, for frames still on their way. */
export const CONVERGENCE_GRACE_MS = 1000;

export function compileConvergence(args: ConvergenceArgs, agents: AgentInfo[]): PlannedJob[] {
  checkJoins(args);
  return compileStreams({ ...args, lateMs: CONVERGENCE_GRACE_MS, gaps: true }, agents);
}

/** A mid-run join must fall inside the run. */
export function checkJoins(args: Pick<ConvergenceArgs, 'receivers' | 'durationMs'>): void {
  args.receivers.forEach((r, i) => {
    if (r.joinAfterMs !== undefined && r.joinAfterMs >= args.durationMs)
      throw badRequest(
        `args.receivers[${i}].joinAfterMs`,
        `joins after the run (${r.joinAfterMs} ms; the run lasts ${args.durationMs} ms)`,
      );
  });
}
