// The stored sequence version a run's steps are shown against. Runs record the version they compiled
// (server/src/tasks/kinds/sequence.ts); runs recorded before that only have the task's arguments, so
// the page falls back to the version they name, else the newest saved before the run started.

export interface SequenceVersionRef {
  version: number;
  createdAt: string;
}

export interface RunSequence {
  sequenceId?: string | null;
  sequenceVersion?: number | null;
  startedAt: string | null;
  createdAt: string;
}

export type VersionSource = 'recorded' | 'named' | 'assumed';

/** The sequence whose versions to look up: the one the run recorded, else the task's argument. */
export const sequenceOfRun = (run: RunSequence, taskSequenceId: string | undefined): string | undefined =>
  run.sequenceId ?? taskSequenceId;

/** The version the run used and how the page knows it; versions are the sequence's, newest first. */
export function versionUsed<V extends SequenceVersionRef>(
  versions: V[],
  run: RunSequence,
  taskVersion: number | undefined,
): { used: V | undefined; source: VersionSource } {
  if (run.sequenceVersion != null)
    return { used: versions.find((v) => v.version === run.sequenceVersion), source: 'recorded' };
  if (taskVersion) return { used: versions.find((v) => v.version === taskVersion), source: 'named' };
  const start = Date.parse(run.startedAt ?? run.createdAt);
  return {
    used: versions.find((v) => Date.parse(v.createdAt) <= start) ?? versions.at(-1),
    source: 'assumed',
  };
}
