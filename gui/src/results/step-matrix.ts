// Pass/fail per sequence step per participant. Every plan step names the definition step it came from
// (and a barrier its origin), as does every outcome an agent reports: each outcome lands in its
// definition step's row. Barriers the compiler added at a handover have no row of their own: they are
// the participant's sync points. A step a participant acts in but reported nothing for shows why.
import type { Step } from '@netspotter/shared/agent-protocol';
import type { StepOutcome } from '@netspotter/shared/results';
import { actorsOf, type SequenceDefinition, type SequenceStep } from '@netspotter/shared/sequences';

export interface ParticipantRun {
  participant: string;
  /** The job's state and message (why steps are missing when it failed early). */
  state: string;
  message: string | null;
  plan: { steps: ReadonlyArray<Pick<Step, 'op' | 'step' | 'definitionStep'> & { origin?: string }> };
  outcomes: StepOutcome[];
}

export type Cell =
  | { kind: 'none' }
  | { kind: 'missing'; reason: string }
  | ({ kind: 'result' } & Pick<StepOutcome, 'outcome' | 'detail' | 'field' | 'expected' | 'actual'>);

export interface MatrixRow {
  index: number;
  step: SequenceStep;
  cells: Record<string, Cell>;
  /** Every participant the step concerns passed. */
  passed: boolean;
}

export interface StepMatrix {
  participants: string[];
  rows: MatrixRow[];
  /** Per participant: barriers the compiler added, and those that failed. */
  sync: Record<string, { total: number; failed: StepOutcome[] }>;
}

const resultCell = ({ outcome, detail, field, expected, actual }: StepOutcome): Cell => ({
  kind: 'result',
  outcome,
  ...(detail !== undefined && { detail }),
  ...(field !== undefined && { field }),
  ...(expected !== undefined && { expected }),
  ...(actual !== undefined && { actual }),
});

function missingReason(run: ParticipantRun | undefined): string {
  if (!run) return 'no job';
  if (run.plan.steps.length && run.plan.steps.every((p) => p.definitionStep === undefined))
    return 'run recorded before plans named their definition steps';
  return `not reported (job ${run.state}${run.message ? `: ${run.message}` : ''})`;
}

export function stepMatrix(def: SequenceDefinition, runs: ParticipantRun[]): StepMatrix {
  const participants = def.participants.map((p) => p.name);
  const rows: MatrixRow[] = def.steps.map((step, index) => ({ index, step, cells: {}, passed: true }));
  const sync: StepMatrix['sync'] = {};
  for (const name of participants) {
    const run = runs.find((r) => r.participant === name);
    const missing: Cell = { kind: 'missing', reason: missingReason(run) };
    for (const row of rows)
      row.cells[name] = actorsOf(row.step, participants).includes(name) ? missing : { kind: 'none' };
    sync[name] = { total: 0, failed: [] };
    if (!run) continue;
    const planned = new Map(run.plan.steps.map((p) => [p.step, p]));
    sync[name].total = run.plan.steps.filter((p) => p.origin === 'handover').length;
    for (const outcome of run.outcomes) {
      // The agent reports the provenance; the plan has it too (for agents that do not say it).
      const p = planned.get(outcome.step);
      if ((outcome.origin ?? p?.origin) === 'handover') {
        if (outcome.outcome !== 'pass') sync[name].failed.push(outcome);
        continue;
      }
      const row = rows[outcome.definitionStep ?? p?.definitionStep ?? -1];
      if (row) row.cells[name] = resultCell(outcome);
    }
  }
  for (const row of rows)
    row.passed = Object.values(row.cells).every(
      (c) => c.kind === 'none' || (c.kind === 'result' && c.outcome === 'pass'),
    );
  return { participants, rows, sync };
}
