// Lease long-polls parked on one database: a job dispatched on this replica wakes its agent's poll at
// once (wakeups); one dispatched by another replica is found by one query a second for every parked agent
// together — not one query per agent per second, which at 1,000 agents would be most of what the
// database does.
import type { Database } from '../db/connect.ts';
import type { Wakeups } from './wakeups.ts';

export class ParkedLeases {
  readonly #parked = new Map<string, number>();
  #timer?: NodeJS.Timeout;
  #checking = false;

  constructor(
    private readonly db: Database,
    private readonly wakeups: Wakeups,
    private readonly everyMs: number,
  ) {}

  /** Waits up to `ms` for a job of this agent (woken here or found by the shared check). */
  async wait(agentId: string, ms: number, signal: AbortSignal): Promise<void> {
    this.#parked.set(agentId, (this.#parked.get(agentId) ?? 0) + 1);
    this.#timer ??= setInterval(() => void this.#check(), this.everyMs).unref();
    try {
      await this.wakeups.wait(agentId, ms, signal);
    } finally {
      const n = (this.#parked.get(agentId) ?? 1) - 1;
      if (n > 0) this.#parked.set(agentId, n);
      else this.#parked.delete(agentId);
      if (!this.#parked.size) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    }
  }

  async #check(): Promise<void> {
    if (this.#checking || !this.#parked.size) return;
    this.#checking = true;
    try {
      const rows = await this.db.prisma.job.findMany({
        where: { agentId: { in: [...this.#parked.keys()] }, state: 'queued' },
        distinct: ['agentId'],
        select: { agentId: true },
      });
      for (const r of rows) this.wakeups.notify(r.agentId);
    } catch {
      // The database away for a moment: the polls run out and the agents ask again.
    } finally {
      this.#checking = false;
    }
  }
}

const byDatabase = new WeakMap<Database, ParkedLeases>();

/** The parked lease polls of this database (one set per database a process serves). */
export function parkedLeases(db: Database, wakeups: Wakeups, everyMs: number): ParkedLeases {
  let p = byDatabase.get(db);
  if (!p) byDatabase.set(db, (p = new ParkedLeases(db, wakeups, everyMs)));
  return p;
}
