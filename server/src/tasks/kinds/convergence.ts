// Convergence test: senders stream to a group at a fixed rate (1,000 pps: a lost frame is a millisecond
// of outage); receivers report their sequence gaps, which become outage intervals per receiver, lined up
// with the events and snapshots recorded during the run.
import { ConvergenceArgsSchema } from '@netspotter/shared/api';
import type { ConvergenceSummary } from '@netspotter/shared/results';
import type { Database } from '../../db/connect.ts';
import { defineKind } from '../kind.ts';
import { compileConvergence, CONVERGENCE_GRACE_MS } from '../../agents/compile-convergence.ts';
import { summariseConvergence } from '../../agents/convergence-summary.ts';
import { convergenceTimeline } from '../../agents/convergence-timeline.ts';
import { knownAgents } from '../../agents/participants.ts';
import { runAgentJobs } from '../../agents/run-jobs.ts';

/** Most events the timeline lists; more are counted. */
const TIMELINE_EVENTS = 200;

export const convergenceKind = defineKind({
  kind: 'convergence',
  description:
    'Convergence test between agents: outage intervals per receiver from sequence gaps at a fixed rate, join latency, and the events and topology changes during the run',
  argsSchema: ConvergenceArgsSchema,
  // Refused when stored, not only when run: the agents it names and a join inside the run.
  async check(db, args) {
    compileConvergence(args, await knownAgents(db));
  },
  async run(rc, args) {
    const jobs = compileConvergence(args, await knownAgents(rc.db));
    const noRequeue = { requeueOnAgentLoss: false, requeueWithinMs: 600_000 };
    return runAgentJobs(rc, jobs, { ...args, ...noRequeue }, async (done, startAt) => {
      const start = startAt.getTime();
      const receivers = summariseConvergence(done, args.pps, start);
      const window = { gte: startAt, lte: new Date(start + args.durationMs + CONVERGENCE_GRACE_MS) };
      const { events, eventsOmitted, snapshots } = await recordedDuring(rc.db, window);
      const convergence: ConvergenceSummary = {
        pps: args.pps,
        resolutionMs: 1000 / args.pps,
        receivers,
        timeline: convergenceTimeline(receivers, events, snapshots, start),
        eventsOmitted,
      };
      return { convergence };
    });
  },
});

/** The events and snapshots of a time window. */
async function recordedDuring(db: Database, window: { gte: Date; lte: Date }) {
  const [rows, total, snapshots] = await Promise.all([
    db.prisma.event.findMany({ where: { at: window }, orderBy: { at: 'asc' }, take: TIMELINE_EVENTS }),
    db.prisma.event.count({ where: { at: window } }),
    db.prisma.snapshot.findMany({ where: { takenAt: window }, select: { id: true, takenAt: true } }),
  ]);
  return {
    events: rows.map((e) => ({ ...e, id: String(e.id) })),
    eventsOmitted: total - rows.length,
    snapshots,
  };
}
