// Periodic liveness and lease bookkeeping: agents become suspect/offline as beats stop, a lost agent's
// jobs fail with that reason (or are re-queued when their task allows), jobs nobody leased by their
// start time (or re-queue window) fail, and overdue leases expire.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/connect.ts';
import { batches } from '../db/batches.ts';
import { audited } from '../services/audit.ts';
import { endJobs, handleLostAgent, LEASE_GRACE_MS } from './jobs.ts';
import { OFFLINE_AFTER_BEATS } from '@netspotter/shared/agent-protocol';
import { beatArrivals } from './beat-arrivals.ts';
import { liveness } from './liveness.ts';

/** Lateness of the sweep's own timer above which the server counts itself stalled. */
const STALL_MS = 250;

export class Sweeper {
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;
  #due = 0;
  /** When the server's event loop stalled, and for how long (the sweep's timer fired that late). */
  readonly #stalls: { at: number; ms: number }[] = [];

  constructor(
    private readonly db: Database,
    private readonly config: Config,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    const every = Math.min(1000, (this.config.agentHeartbeatSeconds * 1000) / 2);
    this.#due = Date.now() + every;
    this.#timer = setInterval(() => {
      const now = Date.now();
      const late = now - this.#due;
      this.#due = now + every;
      if (late > STALL_MS) this.#stalls.push({ at: now, ms: late });
      // After a stall, timers run before the requests that queued up meanwhile are read: let them in first.
      this.#running ??= (late > STALL_MS ? new Promise((r) => setImmediate(r)) : Promise.resolve())
        .then(() => this.sweep())
        .catch((err) => this.log.error({ err }, 'agent sweep failed'))
        .finally(() => (this.#running = undefined));
    }, every);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** How long the server itself stalled within the `windowMs` before `now`: silence it must not count. */
  stalledMs(now: number, windowMs: number): number {
    while (this.#stalls.length > 0 && this.#stalls[0]!.at < now - 2 * windowMs) this.#stalls.shift();
    return this.#stalls.filter((s) => s.at >= now - windowMs - s.ms).reduce((sum, s) => sum + s.ms, 0);
  }

  async sweep(at?: number): Promise<void> {
    const { prisma } = this.db;
    const hb = this.config.agentHeartbeatSeconds;
    // Only what liveness needs: at 1,000 agents, their facts documents every second were most of the read.
    const agents = await prisma.agent.findMany({
      where: { state: { in: ['online', 'suspect'] }, disconnectedAt: null },
      select: { id: true, name: true, state: true, lastSeenAt: true },
    });
    // Read after the query: while it waited for the database, agents' requests queued behind the same
    // wait are either counted as arrivals or still in flight.
    const now = at ?? Date.now();
    const stalled = this.stalledMs(now, OFFLINE_AFTER_BEATS * hb * 1000);
    /** Online ⇄ suspect: no session, audit or job changes, so one statement for all of them. */
    const flips: { id: string; from_state: string; to_state: string; seen: Date | null }[] = [];
    for (const a of agents) {
      if (beatArrivals.busy(a.id)) continue; // a request of this agent waits in the server: it is alive
      const arrived = Math.max(a.lastSeenAt?.getTime() ?? 0, beatArrivals.lastArrival(a.id) ?? 0);
      const state = liveness(arrived ? new Date(arrived) : null, now - stalled, hb);
      if (state === a.state) continue;
      if (state !== 'offline') {
        flips.push({ id: a.id, from_state: a.state, to_state: state, seen: a.lastSeenAt });
        continue;
      }
      const silentS = Math.round((now - (arrived || now)) / 1000);
      const reason = `agent "${a.name}" lost: no heartbeat for ${silentS} s (offline after ${OFFLINE_AFTER_BEATS} missed beats of ${hb} s)`;
      const lost = await audited(this.db, { username: 'system' }, async (tx, audit) => {
        const changed = await tx.agent.updateMany({
          where: { id: a.id, state: a.state, lastSeenAt: a.lastSeenAt },
          data: { state },
        });
        if (changed.count !== 1) return undefined;
        await tx.agentSession.updateMany({
          where: { agentId: a.id, endedAt: null },
          data: { endedAt: new Date(now), endReason: 'offline' },
        });
        await audit('disconnect', 'agent', a.id, { reason: 'offline', silentSeconds: silentS });
        return handleLostAgent({ prisma: tx }, a.id, reason, new Date(now));
      });
      if (lost)
        this.log.warn(
          { agent: a.name, failedJobs: lost.failed, requeuedJobs: lost.requeued },
          'agent went offline',
        );
    }
    // Each only if no beat changed the agent since it was read (same state and last-seen).
    for (const batch of batches(flips))
      await prisma.$executeRawUnsafe(
        `UPDATE agents a SET state = v.to_state::"AgentState"
         FROM jsonb_to_recordset($1::jsonb) AS v(id text, from_state text, to_state text, seen timestamp(3))
         WHERE a.id = v.id AND a.state::text = v.from_state AND a.last_seen_at IS NOT DISTINCT FROM v.seen`,
        JSON.stringify(batch),
      );
    const late = new Date(now - LEASE_GRACE_MS);
    // An agent with a request waiting in the server (its lease poll among them) is not late: the wait is
    // the server's. Under load a lease request can wait longer than the grace (seen: 44 of 200 jobs failed
    // unleased while their agents' polls queued, on a machine at load 15).
    const waiting = { agentId: { notIn: beatArrivals.busyAgents() } };
    await endJobs(
      this.db,
      { state: 'queued', requeueUntil: null, startAt: { lt: late }, ...waiting },
      'failed',
      'the agent did not lease the job by its start time',
    );
    await endJobs(
      this.db,
      { state: 'queued', requeueUntil: { lt: new Date(now) }, ...waiting },
      'failed',
      'the agent did not lease the job within its re-queue window (requeueWithinMs after the start)',
    );
    await endJobs(
      this.db,
      { state: { in: ['leased', 'running'] }, leaseDeadline: { lt: new Date(now) } },
      'expired',
      'lease deadline passed without a final result',
    );
  }
}
