// Pass/fail per sequence step per participant, from the step outcomes each agent uploaded for its
// plan. The compiler keeps a participant's steps in definition order and only adds barriers, so the
// plan's other steps pair with the definition steps that concern that participant, in order. The
// compiler's own barriers have no definition step: they are reported as the participant's sync points
// (when a definition barrier is next, the next plan barrier is taken as it: every barrier waits for
// all participants, so either shows the same hold-up).
import { actorOf, type SequenceDefinition, type SequenceStep } from '../sequences/document.ts';

export interface StepOutcome {
  step: number;
  op: string;
  outcome: 'pass' | 'fail' | 'timeout';
  detail?: string;
  field?: string;
  expected?: string;
  actual?: string;
}

export interface ParticipantRun {
  participant: string;
  /** The job's state and message (why steps are missing when it failed early). */
  state: string;
  message: string | null;
  plan: { steps: Array<{ op: string; step: number }> };
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

const concerns = (step: SequenceStep, participant: string): boolean => {
  if (step.op === 'barrier') return true;
  if (step.op === 'wait' && step.at === undefined) return true;
  return actorOf(step) === participant;
};

export function stepMatrix(def: SequenceDefinition, runs: ParticipantRun[]): StepMatrix {
  const participants = def.participants.map((p) => p.name);
  const rows: MatrixRow[] = def.steps.map((step, index) => ({ index, step, cells: {}, passed: true }));
  const sync: StepMatrix['sync'] = {};
  for (const name of participants) {
    const run = runs.find((r) => r.participant === name);
    const mine = rows.filter((r) => concerns(r.step, name));
    for (const row of rows) row.cells[name] = { kind: 'none' };
    const missing = (): Cell => ({
      kind: 'missing',
      reason: run ? `not reported (job ${run.state}${run.message ? `: ${run.message}` : ''})` : 'no job',
    });
    for (const row of mine) row.cells[name] = missing();
    sync[name] = { total: 0, failed: [] };
    if (!run) continue;
    const byStep = new Map(run.outcomes.map((o) => [o.step, o]));
    let next = 0;
    for (const planned of run.plan.steps) {
      const outcome = byStep.get(planned.step);
      const row = mine[next];
      // A plan barrier is the definition's own when that is what comes next, else the compiler's.
      if (planned.op === 'barrier' && row?.step.op !== 'barrier') {
        sync[name].total++;
        if (outcome && outcome.outcome !== 'pass') sync[name].failed.push(outcome);
        continue;
      }
      next++;
      if (!row || !outcome) continue;
      const { outcome: o, detail, field, expected, actual } = outcome;
      row.cells[name] = {
        kind: 'result',
        outcome: o,
        ...(detail !== undefined && { detail }),
        ...(field !== undefined && { field }),
        ...(expected !== undefined && { expected }),
        ...(actual !== undefined && { actual }),
      };
    }
  }
  for (const row of rows)
    row.passed = Object.values(row.cells).every(
      (c) => c.kind === 'none' || (c.kind === 'result' && c.outcome === 'pass'),
    );
  return { participants, rows, sync };
}
