// Turns what other parts of the server store into events: agents going offline and coming back (their
// liveness state, kept by the sweeper), and each new discovery snapshot against the one before it
// (reachability, links, spanning tree, distribution trees). Reading the tables, rather than hooking the
// sweeper and the discovery jobs, keeps them unaware of alerting and works whichever process wrote.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/connect.ts';
import { findSnapshot } from '../snapshots/store.ts';
import type { Topology } from '../snapshots/graph.ts';
import { treeOf } from '../multicast/flow-tree.ts';
import { groupTrees } from '../multicast/tree.ts';
import type { BookEvent } from './rule-book.ts';
import type { AlertEngine, NewEvent } from './engine.ts';
import { snapshotEvents } from './snapshot-events.ts';

const AGENTS_EVERY_MS = 2000;
const SNAPSHOTS_EVERY_MS = 10_000;

/** Agents whose liveness crossed into or out of offline (pure). */
export function agentEvents(
  before: ReadonlyMap<string, string>,
  now: readonly { id: string; name: string; state: string }[],
  at: number,
): NewEvent[] {
  return now.flatMap((a): NewEvent[] => {
    const was = before.get(a.id);
    if (was === undefined || was === a.state) return [];
    const base = { at, kind: 'agent-offline' as const, subject: `agent:${a.id}`, agentId: a.id };
    if (a.state === 'offline')
      return [{ ...base, condition: 'raised', summary: `agent ${a.name} went offline` }];
    if (was === 'offline' && a.state === 'online')
      return [{ ...base, condition: 'cleared', summary: `agent ${a.name} is online again` }];
    return [];
  });
}

export class EventWatchers {
  readonly #timers: NodeJS.Timeout[] = [];
  #agents = new Map<string, string>();
  #snapshotId?: string | null;
  /** The newest snapshot's topology: the trees alerts are judged and recorded against. */
  #topology?: { takenAt: Date; topology: Topology };
  #busy?: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly engine: AlertEngine,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    await this.#readAgents();
    const newest = await this.#newestSnapshot();
    this.#snapshotId = newest?.id ?? null;
    if (newest) this.#topology = await findSnapshot(this.db, { id: newest.id });
    const every = (ms: number, fn: () => Promise<void>) =>
      this.#timers.push(
        setInterval(() => {
          this.#busy ??= fn()
            .catch((err) => this.log.error({ err }, 'alert event watcher failed'))
            .finally(() => (this.#busy = undefined));
        }, ms),
      );
    every(AGENTS_EVERY_MS, () => this.checkAgents());
    every(SNAPSHOTS_EVERY_MS, () => this.checkSnapshots());
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await this.#busy;
  }

  async #readAgents() {
    const rows = await this.db.prisma.agent.findMany({ select: { id: true, name: true, state: true } });
    const before = this.#agents;
    this.#agents = new Map(rows.map((a) => [a.id, a.state]));
    return { before, rows };
  }

  async checkAgents(): Promise<void> {
    const { before, rows } = await this.#readAgents();
    await this.engine.record(agentEvents(before, rows, Date.now()));
  }

  #newestSnapshot = () =>
    this.db.prisma.snapshot.findFirst({ orderBy: { takenAt: 'desc' }, select: { id: true, takenAt: true } });

  async checkSnapshots(): Promise<void> {
    const newest = await this.#newestSnapshot();
    if (!newest || newest.id === this.#snapshotId) return;
    const previous = this.#snapshotId;
    this.#snapshotId = newest.id;
    const b = await findSnapshot(this.db, { id: newest.id });
    this.#topology = b;
    if (!previous) return; // the first snapshot: nothing to compare with
    const a = await findSnapshot(this.db, { id: previous });
    await this.engine.record(snapshotEvents(a.topology, b.topology, newest.takenAt.getTime()));
  }

  /**
   * The devices that forward the subject's flow on the newest snapshot's tree (the tree's routers and the
   * devices its edges leave from): while one is unreachable, the flow's cell alerts are suppressed.
   */
  upstreamOf(e: BookEvent): string[] {
    const t = this.#topology?.topology;
    const found = t && e.flow ? treeOf(t, e.flow) : undefined;
    if (!t || !found || !e.flow) return [];
    const routers = t.multicast.routes
      .filter((r) => r.group === found.tree.group && r.source === found.tree.source)
      .map((r) => r.device);
    return [...new Set([...routers, ...found.tree.edges.map((x) => x.from.device)])];
  }

  /** The subject flow's trees as the newest snapshot holds them (stored with an incident). */
  treesOf(e: BookEvent): unknown {
    const s = this.#topology;
    if (!s || !e.flow) return null;
    const trees = groupTrees(s.topology, e.flow, s.takenAt.toISOString());
    return trees.length ? { snapshotTakenAt: s.takenAt.toISOString(), trees } : null;
  }
}
