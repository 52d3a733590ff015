// Who acts in a sequence step: the one rule the compiler (where each step goes, where a handover
// barrier is needed), the editor and the results page share.
import type { SequenceStep } from './definition.ts';

/**
 * The participant a step names: the sender of a send, the `at` of the others; none for a barrier or a wait
 * for all.
 */
export function actorOf(step: SequenceStep): string | undefined {
  if (step.op === 'send') return step.from;
  if (step.op === 'barrier') return undefined;
  return step.at;
}

/** The participants a step runs at: the one it names, or all of them for a barrier or a wait without `at`. */
export function actorsOf(step: SequenceStep, participants: readonly string[]): string[] {
  const actor = actorOf(step);
  return actor === undefined ? [...participants] : [actor];
}

/**
 * Whether the others wait for this step: every step with an actor but an expect (its capture is armed
 * when the job starts, so it hears what was sent before it). A change of actor between two ordered
 * steps is a handover: the compiler puts a barrier before the second.
 */
export const isOrdered = (step: SequenceStep): boolean => step.op !== 'expect' && step.op !== 'expect-none';
