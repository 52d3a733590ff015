// A convergence run as its agents report it, for API and GUI tests: the task's arguments (one sender, one
// receiver on two interfaces, the second joining mid-run), the sender's and the receiver's final results
// (the receiver's sequence gaps of stream 1 per receive step), and a topology change recorded meanwhile.
import type { StreamGaps } from '@netspotter/shared/results';
import type { TestServer } from './test-server.ts';

export interface ConvergenceRun {
  group: string;
  /** The sending agent (on eth0). */
  tx: string;
  /** The receiving agent: on eth0 from the start, on eth1 from `joinAfterMs` into the run. */
  rx: string;
  joinAfterMs: number;
  durationMs: number;
  startDelayMs: number;
}

/** The convergence task's arguments for `run` (the rest take their defaults). */
export const convergenceArgs = (run: ConvergenceRun) => ({
  group: run.group,
  senders: [{ agent: run.tx, interface: 'eth0' }],
  receivers: [
    { agent: run.rx, interface: 'eth0' },
    { agent: run.rx, interface: 'eth1', joinAfterMs: run.joinAfterMs },
  ],
  durationMs: run.durationMs,
  startDelayMs: run.startDelayMs,
});

/** The sender's final result: `sent` frames of stream 1, its clock `clockOffsetMs` behind the server's. */
export const senderFinal = (sent: number, clockOffsetMs: number) => [
  {
    kind: 'final',
    data: {
      ok: true,
      message: 'sent',
      clockOffsetMs,
      summary: {
        steps: [{ step: 0, op: 'stream', outcome: 'pass', sent }],
        streams: [{ role: 'sender', streamId: 1, sent }],
      },
    },
  },
];

/** What one receive step got of stream 1 (no duplicates, nothing reordered, no gap omitted). */
export type StepGaps = Pick<StreamGaps, 'received' | 'first' | 'last' | 'gaps'>;

/**
 * The receiver's final result (its clock the server's): step 0 received from the start, step 1 joined at
 * `joinedAtMs`, each with its gaps of stream 1.
 */
export const receiverFinal = (joinedAtMs: number, steps: [StepGaps, StepGaps]) => [
  {
    kind: 'final',
    data: {
      ok: true,
      message: 'received',
      clockOffsetMs: 0,
      summary: {
        steps: [
          { step: 0, op: 'receive', outcome: 'pass', streams: 1 },
          { step: 1, op: 'receive', outcome: 'pass', streams: 1, joinedAtMs },
        ],
        gaps: steps.map((s, step): StreamGaps => ({
          step,
          streamId: 1,
          duplicates: 0,
          reordered: 0,
          gapsOmitted: 0,
          ...s,
        })),
      },
    },
  },
];

/** Records a change event at `at` (ms since the epoch), as discovery would during the run. */
export const recordChange = (
  server: Pick<TestServer, 'ctx'>,
  at: number,
  event: { kind: string; subject: string; summary: string },
) =>
  server.ctx.db.prisma.event.create({
    data: { at: new Date(at), condition: 'change', details: {}, ...event },
  });
