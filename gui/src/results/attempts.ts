// A job re-queued after its agent was lost keeps the results of its earlier attempts (each result names
// its attempt): the page shows the current attempt's and says what happened to the others.
import type { JobAttempt } from '@netspotter/shared/api';

export interface AttemptedJob {
  participant: string;
  attempt: number;
  /** Absent from servers before attempts were kept. */
  attempts?: JobAttempt[];
}

export interface AttemptedResult {
  /** Absent from servers before results were tagged: those are attempt 1's. */
  attempt?: number;
}

/** The job's results split into its current attempt's and the earlier attempts' (kept, not shown). */
export function splitByAttempt<R extends AttemptedResult>(
  job: AttemptedJob,
  results: R[],
): { current: R[]; earlier: R[] } {
  const current: R[] = [];
  const earlier: R[] = [];
  for (const r of results) ((r.attempt ?? 1) === job.attempt ? current : earlier).push(r);
  return { current, earlier };
}

/**
 * "attempt 2 of job rx — attempt 1 lost its agent at 14:02:11; its 37 earlier results are kept", or
 * null for a job on its first attempt. `time` formats an ISO time for the reader.
 */
export function attemptNote(
  job: AttemptedJob,
  earlierResults: number,
  time: (iso: string) => string,
): string | null {
  if (job.attempt <= 1) return null;
  const losses = (job.attempts ?? [])
    .filter((a) => a.attempt < job.attempt)
    .map(
      (a) =>
        `attempt ${a.attempt} ${a.lostAt ? `lost its agent at ${time(a.lostAt)}` : 'ended without a final result'}`,
    );
  const what = losses.length
    ? losses.join(', ')
    : `${job.attempt - 1} earlier attempt${job.attempt > 2 ? 's' : ''}`;
  const kept =
    earlierResults === 1 ? 'its 1 earlier result is kept' : `its ${earlierResults} earlier results are kept`;
  return `attempt ${job.attempt} of job ${job.participant} — ${what}; ${kept}`;
}
