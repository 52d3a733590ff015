// Periodic liveness and lease bookkeeping: agents become suspect/offline as beats stop, a lost agent's
// jobs fail with that reason (or are re-queued when their task allows), jobs nobody leased by their
// start time (or re-queue window) fail, and overdue leases expire.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/connect.ts';
import { audited } from '../services/audit.ts';
import { endJobs, handleLostAgent, LEASE_GRACE_MS } from './jobs.ts';
import { liveness, OFFLINE_AFTER_BEATS } from './liveness.ts';

export class Sweeper {
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly config: Config,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    const every = Math.min(1000, (this.config.agentHeartbeatSeconds * 1000) / 2);
    this.#timer = setInterval(() => {
      this.#running ??= this.sweep()
        .catch((err) => this.log.error({ err }, 'agent sweep failed'))
        .finally(() => (this.#running = undefined));
    }, every);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  async sweep(now = Date.now()): Promise<void> {
    const { prisma } = this.db;
    const hb = this.config.agentHeartbeatSeconds;
    const agents = await prisma.agent.findMany({
      where: { state: { in: ['online', 'suspect'] }, disconnectedAt: null },
    });
    for (const a of agents) {
      const state = liveness(a.lastSeenAt, now, hb);
      if (state === a.state) continue;
      const silentS = Math.round((now - (a.lastSeenAt?.getTime() ?? now)) / 1000);
      const reason = `agent "${a.name}" lost: no heartbeat for ${silentS} s (offline after ${OFFLINE_AFTER_BEATS} missed beats of ${hb} s)`;
      const lost = await audited(this.db, { username: 'system' }, async (tx, audit) => {
        const changed = await tx.agent.updateMany({
          where: { id: a.id, state: a.state, lastSeenAt: a.lastSeenAt },
          data: { state },
        });
        if (changed.count !== 1 || state !== 'offline') return undefined;
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
    const late = new Date(now - LEASE_GRACE_MS);
    await endJobs(
      this.db,
      { state: 'queued', requeueUntil: null, startAt: { lt: late } },
      'failed',
      'the agent did not lease the job by its start time',
    );
    await endJobs(
      this.db,
      { state: 'queued', requeueUntil: { lt: new Date(now) } },
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
