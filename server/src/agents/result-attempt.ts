// Which attempt of a job an uploaded result belongs to, for agents that do not name it (agents older
// than attempts in the protocol; current agents send the attempt of the lease each result was recorded
// under). A re-queued job keeps its id, so the server derives the attempt from the leases it handed out:
// an agent can only have recorded a result for an attempt after it leased that attempt, so a result
// belongs to the last attempt leased before the moment it was recorded. A returning agent's journal
// replays of the lost attempt were recorded before it leased the new one (it had been silent for the
// whole offline threshold in between); the new attempt's plan starts RESTART_DELAY_MS after its lease.
// Only a final sent at once on a lease (a local policy refusal) is recorded right at the lease, hence
// the slack for the agent's clock error. An old agent that was only cut off and kept running the lost
// attempt gets its later results filed under the new attempt: naming the attempt is what fixes that.

/** A result recorded this little before a lease (agent clock error) still belongs to that lease's attempt. */
export const LEASE_CLOCK_SLACK_MS = 1000;

export interface AttemptLease {
  attempt: number;
  leasedAt: Date;
}

/**
 * The attempt a result recorded at `atMs` (server clock) belongs to: the last one leased before it;
 * the first leased one for a result stamped earlier; `current` when no lease was recorded (jobs
 * leased before attempts were kept).
 */
export function attemptAt(leases: AttemptLease[], atMs: number, current: number): number {
  if (!leases.length) return current;
  const sorted = [...leases].sort((a, b) => a.attempt - b.attempt);
  let found = sorted[0]!.attempt;
  for (const l of sorted) if (l.leasedAt.getTime() <= atMs + LEASE_CLOCK_SLACK_MS) found = l.attempt;
  return found;
}
