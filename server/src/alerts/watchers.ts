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
import { expectedPath } from '../multicast/expected-path.ts';
import { placeAgents, receiversNow } from '../multicast/reads.ts';
import { compareTrees } from '../multicast/tree-diff.ts';
import type { MonitorHub } from '../monitors/hub.ts';
import type { ExpectedPath, Flow, Incident } from '@netspotter/shared/api';
import type { BookEvent } from './rule-book.ts';
import type { AlertEngine } from './engine.ts';
import { snapshotEvents } from './snapshot-events.ts';
import { agentEvents, type AgentSample } from './agent-events.ts';
import { notServedEvents } from './served-events.ts';
import type { ListenerMib } from './localisation-plan.ts';

const AGENTS_EVERY_MS = 2000;
const SNAPSHOTS_EVERY_MS = 10_000;

export class EventWatchers {
  readonly #timers: NodeJS.Timeout[] = [];
  #agents = new Map<string, AgentSample>();
  #snapshotId?: string | null;
  /** The newest snapshot's topology: the trees alerts are judged and recorded against. */
  #topology?: { id: string; takenAt: Date; topology: Topology };
  readonly #upstream = new Map<string, readonly string[]>();
  /** Subjects of receiver-not-served conditions raised and not yet cleared. */
  readonly #notServed = new Set<string>();
  #busy?: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly engine: AlertEngine,
    private readonly log: FastifyBaseLogger,
    private readonly hub?: MonitorHub,
  ) {}

  async start(): Promise<void> {
    await this.#readAgents();
    const newest = await this.#newestSnapshot();
    this.#snapshotId = newest?.id ?? null;
    if (newest) this.#topology = await findSnapshot(this.db, { id: newest.id });
    const every = (ms: number, fn: () => Promise<void>) =>
      this.#timers.push(
        // A check still running when the next is due: this one is skipped.
        setInterval(() => void (this.#busy ?? this.#run(fn)), ms),
      );
    every(AGENTS_EVERY_MS, () => this.checkAgents());
    every(SNAPSHOTS_EVERY_MS, () => this.checkSnapshots());
  }

  /**
   * Loads the newest snapshot now rather than at the next check: an alert can fire seconds after a
   * discovery, and what it starts (localisation) is judged once, on the snapshot held then. Runs after
   * any check in progress, never beside it (a snapshot change is recorded once).
   */
  async refreshSnapshot(): Promise<void> {
    while (this.#busy) await this.#busy;
    await this.#run(() => this.checkSnapshots());
  }

  #run(fn: () => Promise<void>): Promise<void> {
    return (this.#busy = fn()
      .catch((err) => this.log.error({ err }, 'alert event watcher failed'))
      .finally(() => (this.#busy = undefined)));
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await this.#busy;
  }

  async #readAgents() {
    const found = await this.db.prisma.agent.findMany({
      select: { id: true, name: true, state: true, lastSeenAt: true },
    });
    const rows = found.map((a) => ({
      id: a.id,
      name: a.name,
      state: a.state,
      seen: a.lastSeenAt?.getTime() ?? 0,
    }));
    const before = this.#agents;
    this.#agents = new Map(rows.map((a) => [a.id, a]));
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
   * The devices on the expected path of a cell's flow to its receiver (placed on the newest snapshot from
   * the agent's MACs and addresses), else those forwarding the flow's tree: while one is unreachable, the
   * cell's alerts are suppressed. Cached per snapshot, receiver and flow.
   */
  async upstreamOf(e: BookEvent): Promise<readonly string[]> {
    const s = this.#topology;
    if (!s || !e.flow || e.kind !== 'cell-state') return [];
    const t = s.topology;
    const key = `${s.id}|${e.agentId ?? ''}|${e.flow.source ?? '*'}|${e.flow.group}`;
    const known = this.#upstream.get(key);
    if (known) return known;
    const path = (await this.expectedPathOf(e))?.path;
    let devices = path?.reaches ? path.hops.map((h) => h.device) : [];
    if (!devices.length) {
      const found = treeOf(t, e.flow);
      devices = found
        ? [
            ...t.multicast.routes
              .filter((r) => r.group === found.tree.group && r.source === found.tree.source)
              .map((r) => r.device),
            ...found.tree.edges.map((x) => x.from.device),
          ]
        : [];
    }
    const out = [...new Set(devices)];
    if (this.#upstream.size > 10_000) this.#upstream.clear();
    this.#upstream.set(key, out);
    return out;
  }

  /**
   * The expected path of a cell's flow to its receiver (placed on the newest snapshot from the agent's
   * MACs and addresses), with that snapshot's devices' targets; undefined when nothing places it.
   */
  async expectedPathOf(e: BookEvent): Promise<
    | {
        path: ExpectedPath;
        targetsOf: (device: string) => readonly string[];
        /**
         * The table the device's listener rows of the flow's group came from on this snapshot (MGMD-STD-MIB
         * preferred when it held both): the one localisation reads; undefined when it held none.
         */
        listensOn: (device: string) => ListenerMib | undefined;
      }
    | undefined
  > {
    const s = this.#topology;
    if (!s || !e.flow || !e.agentId) return undefined;
    const t = s.topology;
    const placed = (await placeAgents(this.db, s.id, t, [e.agentId]))[0]?.placed;
    if (!placed) return undefined;
    const targets = new Map(t.devices.map((d) => [d.id, d.targets]));
    const group = e.flow.group;
    const listening = new Map<string, ListenerMib>();
    for (const g of t.multicast.groups.filter((x) => x.group === group))
      for (const l of g.listeners) {
        if (l.mib === 'mgmd') listening.set(l.device, 'mgmd');
        else if (l.mib === 'mld' && !listening.has(l.device)) listening.set(l.device, 'mld');
      }
    return {
      path: expectedPath(t, e.flow, placed),
      targetsOf: (d) => targets.get(d) ?? [],
      listensOn: (d) => listening.get(d),
    };
  }

  /**
   * Expected vs actual of the flows whose cells changed, on the newest snapshot: receivers expected but
   * not served raise `receiver-not-served`, and clear it when served again.
   */
  async checkServed(flows: readonly Flow[]): Promise<void> {
    const s = this.#topology;
    if (!s || !this.hub) return;
    const seen = new Set<string>();
    for (const flow of flows) {
      const key = `${flow.source ?? '*'}|${flow.group}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const now = await receiversNow(this.db, this.hub, s.id, s.topology, flow);
      const { differences } = compareTrees(s.topology, flow, now.receivers, now.sourceAt);
      await this.engine.record(
        notServedEvents(flow, now.receivers, differences, this.#notServed, Date.now()),
      );
    }
  }

  /** The subject flow's trees as the newest snapshot holds them (stored with an incident). */
  treesOf(e: BookEvent): Incident['tree'] {
    const s = this.#topology;
    if (!s || !e.flow) return null;
    const trees = groupTrees(s.topology, e.flow, s.takenAt.toISOString());
    return trees.length ? { snapshotTakenAt: s.takenAt.toISOString(), trees } : null;
  }
}
